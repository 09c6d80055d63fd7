import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The one module that reads the environment; everything else gets the validated AppConfig. */
const READER = path.join('libs', 'config', 'src', 'process-config.ts');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

describe('the environment', () => {
  it('is read by the config module only', () => {
    const readers = ['apps', 'libs']
      .flatMap(sources)
      .filter((file) => file !== READER)
      .flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .map((line, i) => ({ line, at: `${file}:${i + 1}` }))
          .filter(({ line }) => /\bprocess\s*(\.\s*env\b|\[\s*['"`]env['"`]\s*\])|\benv\s*:\s*NodeJS\.ProcessEnv/.test(line))
          .map(({ line, at }) => `${at}: ${line.trim()}`),
      );
    expect(readers).toEqual([]);
  });
});
