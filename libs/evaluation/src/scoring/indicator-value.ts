import { Decimal } from 'decimal.js';

/**
 * Reading targets and actuals as people typed them ("≥50个", "0．5", "10万员", "90%").
 * A value is a quantity only when the whole text is one number with an optional comparison word
 * and a short unit; anything else (two numbers, a sentence, a date range) is qualitative,
 * because guessing a number into someone's prose would score them on something they did not write.
 */
export type Comparator = 'at-least' | 'more-than' | 'at-most' | 'less-than';
export type Direction = 'higher-is-better' | 'lower-is-better';

export interface QuantityValue {
  kind: 'quantity';
  /** The number as written in its own unit: "10万元" is 10, not 100000. */
  value: Decimal;
  /** Unit as written after normalisation ("万元", "次", "%"), '' when none. */
  unit: string;
  percent: boolean;
  comparator: Comparator | null;
}

export interface QualitativeValue {
  kind: 'qualitative';
  text: string;
}

export type IndicatorValue = QuantityValue | QualitativeValue;

/** Longest first, so that 不少于 is not read as 少于. */
const PREFIX_COMPARATORS: ReadonlyArray<readonly [string, Comparator]> = (
  [
    ['≥', 'at-least'],
    ['>=', 'at-least'],
    ['不低于', 'at-least'],
    ['不少于', 'at-least'],
    ['不小于', 'at-least'],
    ['大于等于', 'at-least'],
    ['大于或等于', 'at-least'],
    ['至少', 'at-least'],
    ['>', 'more-than'],
    ['大于', 'more-than'],
    ['高于', 'more-than'],
    ['多于', 'more-than'],
    ['超过', 'more-than'],
    ['≤', 'at-most'],
    ['<=', 'at-most'],
    ['不高于', 'at-most'],
    ['不超过', 'at-most'],
    ['不多于', 'at-most'],
    ['不大于', 'at-most'],
    ['小于等于', 'at-most'],
    ['小于或等于', 'at-most'],
    ['至多', 'at-most'],
    ['最多', 'at-most'],
    ['<', 'less-than'],
    ['小于', 'less-than'],
    ['低于', 'less-than'],
    ['少于', 'less-than'],
  ] as const
)
  .slice()
  .sort((a, b) => b[0].length - a[0].length);

const SUFFIX_COMPARATORS: ReadonlyArray<readonly [string, Comparator]> = (
  [
    ['及以上', 'at-least'],
    ['以上', 'at-least'],
    ['及以下', 'at-most'],
    ['以下', 'at-most'],
    ['以内', 'at-most'],
    ['之内', 'at-most'],
    ['内', 'at-most'],
  ] as const
)
  .slice()
  .sort((a, b) => b[0].length - a[0].length);

const FULL_WIDTH: Readonly<Record<string, string>> = {
  '．': '.',
  '％': '%',
  '＞': '>',
  '＜': '<',
  '＝': '=',
  '≧': '≥',
  '≦': '≤',
  '⩾': '≥',
  '⩽': '≤',
};

const NUMBER = /^\d+(?:\.\d+)?/;
/** A unit is short and carries no digits, operators or list punctuation (those mean "more than one number"). */
const UNIT = /^[^\d.,，、;；:：+\-*=~～()（）[\]【】<>≥≤]{0,4}$/u;
const MAGNITUDES = ['亿', '万', '千', '百'] as const;

export function parseIndicatorValue(text: string): IndicatorValue {
  const qualitative: QualitativeValue = { kind: 'qualitative', text };
  let rest = normalizeTyping(text);
  if (rest === '') return qualitative;

  let comparator: Comparator | null = null;
  const prefix = PREFIX_COMPARATORS.find(([word]) => rest.startsWith(word));
  if (prefix) {
    comparator = prefix[1];
    rest = rest.slice(prefix[0].length);
  }

  const number = NUMBER.exec(rest);
  if (!number) return qualitative;
  rest = rest.slice(number[0].length);

  const suffix = SUFFIX_COMPARATORS.find(([word]) => rest.endsWith(word));
  if (suffix) {
    if (comparator !== null && comparator !== suffix[1]) return qualitative;
    comparator = suffix[1];
    rest = rest.slice(0, rest.length - suffix[0].length);
  }

  if (!UNIT.test(rest)) return qualitative;
  const percent = rest === '%';
  if (!percent && rest.includes('%')) return qualitative;
  return { kind: 'quantity', value: new Decimal(number[0]), unit: rest, percent, comparator };
}

export function directionOf(comparator: Comparator | null): Direction | null {
  switch (comparator) {
    case 'at-least':
    case 'more-than':
      return 'higher-is-better';
    case 'at-most':
    case 'less-than':
      return 'lower-is-better';
    case null:
      return null;
    default: {
      const unreachable: never = comparator;
      return unreachable;
    }
  }
}

/**
 * Target and actual compare as written ("10万元" vs "8万" is 10 vs 8; a bare "0．5" against
 * "1万元" is 0.5 vs 1, as people leave the unit off the actual). They do not compare when one is a
 * percentage and the other is not, or when both name a unit of different magnitude (万元 vs 元).
 */
export function areComparable(target: QuantityValue, actual: QuantityValue): boolean {
  if (target.percent !== actual.percent) return false;
  if (target.unit === '' || actual.unit === '') return true;
  return magnitudeOf(target.unit) === magnitudeOf(actual.unit);
}

function magnitudeOf(unit: string): string {
  return MAGNITUDES.find((magnitude) => unit.startsWith(magnitude)) ?? '';
}

/** Full-width digits and the FULL_WIDTH characters (all single UTF-16 units, so no surrogate half can match). */
const TYPED = new RegExp(`[\\uff10-\\uff19${Object.keys(FULL_WIDTH).join('')}]`, 'g');

function normalizeTyping(text: string): string {
  const out = text.replace(TYPED, (char) => {
    const code = char.charCodeAt(0);
    return code >= 0xff10 && code <= 0xff19 ? String.fromCharCode(code - 0xff10 + 0x30) : FULL_WIDTH[char];
  });
  // Thousands separators only in their strict ASCII form, so "1，2" stays two numbers.
  return out.replace(/[\s\u3000]+/g, '').replace(/(\d),(?=\d{3}(?!\d))/g, '$1');
}
