import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The layer rule of STYLE.md, checked: the domain and the rules import no framework. */
const PURE_FOLDERS = ['libs/evaluation/src/domain', 'libs/evaluation/src/scoring', 'libs/evaluation/src/import', 'libs/errors/src'];
const FORBIDDEN = /from '(@nestjs\/[^']+|typeorm|bullmq|ioredis|class-validator|class-transformer|pg|express)'/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [full] : [];
  });
}

describe('the pure domain', () => {
  it('imports no Nest, TypeORM, BullMQ, Redis or validation library', () => {
    const offenders = PURE_FOLDERS.flatMap(sources).flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => FORBIDDEN.test(line))
        .map((line) => `${file}: ${line.trim()}`),
    );
    expect(offenders).toEqual([]);
  });

  it('imports nothing from the application, infrastructure or apps layers', () => {
    const offenders = PURE_FOLDERS.flatMap(sources).filter((file) => /from '(\.\.\/)+(application|infrastructure|apps)\//.test(readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
