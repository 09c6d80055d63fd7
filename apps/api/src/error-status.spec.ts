import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DomainError, ERROR_CODES } from '#perf-eval/errors';
import { STATUS_BY_CODE, UNNAMED_REFUSAL } from './error-status.js';

/** README's error table: `| \`CODE\` / \`CODE\` | status | when |`, one row per status, between the sentence that introduces it and the next blank line. */
function readmeErrorTable(): { codes: string[]; status: string }[] {
  const readme = readFileSync(path.resolve(import.meta.dirname, '../../../README.md'), 'utf8');
  const start = readme.indexOf('| code | status | when |');
  expect(start).toBeGreaterThan(0);
  const table = readme.slice(start, readme.indexOf('\n\n', start)).split('\n').slice(2);
  return table.map((row) => {
    const [codes, status] = row.split('|').slice(1, 3);
    return { codes: [...codes.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]), status: status.trim() };
  });
}

describe('the error codes', () => {
  const rows = readmeErrorTable();

  it('are each documented once in README’s error table, which documents no other', () => {
    const documented = rows.flatMap((row) => row.codes);
    expect(new Set(documented).size).toBe(documented.length);
    expect([...documented].sort()).toEqual([...ERROR_CODES, UNNAMED_REFUSAL].sort());
  });

  it('have the status in README that the API answers them with', () => {
    const statusInReadme = Object.fromEntries(rows.flatMap((row) => row.codes.map((code) => [code, row.status])));
    for (const code of ERROR_CODES) expect([code, statusInReadme[code]]).toEqual([code, String(STATUS_BY_CODE[code])]);
    expect(statusInReadme[UNNAMED_REFUSAL]).toBe('other 4xx');
  });

  it('are checked by the compiler: an error cannot carry a code outside the union', () => {
    class Misspelt extends DomainError {
      // @ts-expect-error 'NOT_FOUDN' is not an ErrorCode
      readonly code = 'NOT_FOUDN';
    }
    expect(new Misspelt('x')).toBeInstanceOf(DomainError);
  });
});
