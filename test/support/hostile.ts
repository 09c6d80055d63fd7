import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The README, whose error table documents every code the API answers. */
export const README = readFileSync(path.resolve(import.meta.dirname ?? '.', '../../README.md'), 'utf8');
export const CHINESE = /[\u4e00-\u9fff]/;

/** Whether the README's error table documents `code`. */
export function documented(code: string): boolean {
  return README.includes(`\`${code}\``);
}

export interface FieldError {
  field: string;
  messages: string[];
}

/** The fields a VALIDATION_FAILED answer names. */
export function fields(body: { details?: { fields?: FieldError[] } }): string[] {
  return (body.details?.fields ?? []).map((f) => f.field);
}

/** `[[[…]]]` nested `depth` levels deep, as raw JSON text. */
export function nested(depth: number, inner = '0'): string {
  return '['.repeat(depth) + inner + ']'.repeat(depth);
}

/** An HS256 token signed with `secret`, claims as given (valid for ten minutes). */
export function signedToken(secret: string, claims: object): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 600, ...claims })}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}
