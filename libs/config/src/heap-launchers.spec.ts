import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { CONFIG_VARIABLES } from './config.declaration.js';

/**
 * The API's heap bound is passed on the node command line (`--max-old-space-size`), before any configuration is
 * loaded, so each launcher writes API_HEAP_MB's default again. They must all say what the declaration says.
 */
const LAUNCHERS = ['package.json', 'scripts/start.mjs', 'Dockerfile', 'docker-compose.yml', 'test/support/api-process.ts'];

describe('API_HEAP_MB in every launcher', () => {
  const declared = CONFIG_VARIABLES.apiHeapMb.fallback({});

  it.each(LAUNCHERS)('%s passes --max-old-space-size from API_HEAP_MB, defaulting to the declared value', (file) => {
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('--max-old-space-size=');
    const defaults = [...text.matchAll(/API_HEAP_MB(?::-|\s*\|\|\s*)(\d+)/g)].map((m) => Number(m[1]));
    expect(defaults.length).toBeGreaterThan(0);
    expect(defaults).toEqual(defaults.map(() => declared));
  });

  it('declares 384 MB', () => {
    expect(declared).toBe(384);
  });
});
