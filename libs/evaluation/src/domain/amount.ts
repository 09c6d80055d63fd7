import { Decimal } from 'decimal.js';
import type { Amount } from './evaluation-form.js';
import { DomainError } from '#perf-eval/errors';

/** Amounts are 万元 with at most 6 decimals (exact to the fen is 46.107788). */
export const AMOUNT_DECIMALS = 6;
const AMOUNT_PATTERN = /^-?\d{1,12}(\.\d{1,6})?$/;

export class InvalidAmountError extends DomainError {
  readonly code = 'INVALID_AMOUNT';
  constructor(readonly input: unknown) {
    super(`金额格式无效（最多 6 位小数）: ${String(input)}`);
  }
}

export function isAmountInput(value: unknown): value is number | string {
  if (typeof value === 'number') return Number.isFinite(value) && AMOUNT_PATTERN.test(numberToPlain(value));
  return typeof value === 'string' && AMOUNT_PATTERN.test(value.trim());
}

/** An amount as budgets and spending take it: never negative. */
export function isNonNegativeAmountInput(value: unknown): value is number | string {
  return isAmountInput(value) && !new Decimal(toAmount(value)).isNegative();
}

/** Canonical form: no exponent, no trailing zeros ("46.107788", "90", "0.5"). */
export function toAmount(value: number | string): Amount {
  if (!isAmountInput(value)) throw new InvalidAmountError(value);
  const text = typeof value === 'number' ? numberToPlain(value) : value.trim();
  return new Decimal(text).toFixed();
}

export function decimalOf(amount: Amount): Decimal {
  return new Decimal(amount);
}

/** JSON numbers are read by their shortest round-trip text, which is what the person typed. */
function numberToPlain(value: number): string {
  const text = String(value);
  return /e/i.test(text) ? new Decimal(text).toFixed() : text;
}

/** Half-up rounding to `places`, as the paper forms round. */
export function roundHalfUp(value: Decimal, places = 2): Decimal {
  return value.toDecimalPlaces(places, Decimal.ROUND_HALF_UP);
}

export { Decimal };
