import { registerDecorator, type ValidationOptions } from 'class-validator';

/**
 * A finite JSON number with at most two decimals (分值, 得分, 核查分), however it was written: `1e-7` or
 * `5e-324` have more. class-validator's `maxDecimalPlaces` reads the decimals off `String(value)` and failed
 * (a TypeError, so a 500) on numbers JavaScript writes with an exponent.
 */
export function isHundredths(value: unknown): value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  const text = String(value);
  if (/e/i.test(text)) return Number.isInteger(value); // 1e+21 and beyond are whole numbers; 1e-7 is not hundredths
  return /^-?\d+(\.\d{1,2})?$/.test(text);
}

export function IsHundredths(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isHundredths',
      target: object.constructor,
      propertyName,
      options: { message: `${propertyName} 须为数字（最多 2 位小数）`, ...options },
      validator: { validate: isHundredths },
    });
}
