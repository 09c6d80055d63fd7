import type { FieldError } from '#perf-eval/errors';

export type { FieldError };

/**
 * Keys that mean something to JavaScript's object model rather than to a form. class-transformer drops
 * them silently; they are refused as the unknown fields they are.
 */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Word's manual line break (Shift+Enter) and page break arrive in a paste as VT and FF. */
const PASTED_BREAKS = /[\u000b\u000c]/g;
/** Other C0 controls and DEL carry nothing a person typed (Word's cell marks, optional hyphens, …). */
const INVISIBLE_CONTROLS = /[\u0001-\u0008\u000e-\u001f\u007f]/g;
const CONTROL = /[\u0001-\u0008\u000b-\u000c\u000e-\u001f\u007f]/;
const NUL = '\u0000';
/** In Unicode mode a surrogate pair is one code point, so only a lone surrogate matches. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * The text policy of every string that enters through HTTP (JSON bodies, query strings, route
 * parameters, the text/plain import, file names):
 * - NUL and lone UTF-16 surrogates are refused: PostgreSQL cannot store NUL, and a lone surrogate would be
 *   stored as U+FFFD, i.e. changed silently. Either also means a damaged or binary upload.
 * - VT and FF become a line break, other C0 controls and DEL are removed: pasted from Word they are
 *   invisible, and refusing a character a person cannot see or delete helps nobody. TAB, LF, CR stay.
 * Object keys are checked too; `__proto__`, `constructor` and `prototype` are refused as unknown fields.
 *
 * Returns the cleaned value (objects and arrays are cleaned in place) and adds one entry per bad field.
 */
export function cleanText(value: unknown, field: string, errors: FieldError[]): unknown {
  if (typeof value === 'string') return cleanString(value, field, errors);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = cleanText(value[i], `${field}[${i}]`, errors);
    return value;
  }
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const path = field ? `${field}.${key}` : key;
      if (PROTOTYPE_KEYS.has(key)) {
        errors.push({ field: path, messages: ['不允许的字段'] });
        continue;
      }
      const badKey = textProblem(key);
      if (badKey) {
        errors.push({ field: path, messages: [`字段名${badKey}`] });
        continue;
      }
      record[key] = cleanText(record[key], path, errors);
    }
  }
  return value;
}

function cleanString(text: string, field: string, errors: FieldError[]): string {
  const problem = textProblem(text);
  if (problem) {
    errors.push({ field: field || 'body', messages: [problem] });
    return text;
  }
  return CONTROL.test(text) ? text.replace(PASTED_BREAKS, '\n').replace(INVISIBLE_CONTROLS, '') : text;
}

/** Why the text cannot be stored, in words a person can act on (with the line of a multi-line text), or null. */
function textProblem(text: string): string | null {
  const nul = text.indexOf(NUL);
  if (nul >= 0) return `含有不允许的空字符（U+0000）${lineOf(text, nul)}`;
  const lone = LONE_SURROGATE.exec(text);
  if (lone) {
    const code = text.charCodeAt(lone.index).toString(16).toUpperCase();
    return `含有无效的 Unicode 字符（不成对的代理项 U+${code}）${lineOf(text, lone.index)}`;
  }
  return null;
}

function lineOf(text: string, index: number): string {
  if (!text.includes('\n')) return '';
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return `，第 ${line} 行`;
}
