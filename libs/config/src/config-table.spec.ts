import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { CONFIG_VARIABLES } from './config.declaration.js';
import { configTable, readmeConfigTable } from './config-table.js';

/** README.md's configuration table, checked against the declaration; `npm run config:table` rewrites it. */
const README = readFileSync('README.md', 'utf8');

/** The table's rows as variable → default, as written in README.md. */
function readmeRows(): Map<string, string> {
  const table = readmeConfigTable(README);
  if (table === null) throw new Error('README.md has no configuration table between the config-table markers');
  const rows = table.split('\n').slice(2);
  return new Map(rows.map((row) => /^\| `([A-Z0-9_]+)` \| (.*?) \| /.exec(row)).map((match) => [match![1]!, match![2]!]));
}

describe("README's configuration table", () => {
  it('lists every declared variable', () => {
    const listed = readmeRows();
    expect(Object.values(CONFIG_VARIABLES).map((v) => v.name).filter((name) => !listed.has(name))).toEqual([]);
  });

  it('lists no variable that is not declared', () => {
    const declared = new Set(Object.values(CONFIG_VARIABLES).map((v) => v.name));
    expect([...readmeRows().keys()].filter((name) => !declared.has(name))).toEqual([]);
  });

  it('states the declared defaults', () => {
    const listed = readmeRows();
    const differing = Object.values(CONFIG_VARIABLES)
      .filter((v) => listed.has(v.name) && listed.get(v.name) !== v.defaultText.replace(/\|/g, '\\|'))
      .map((v) => `${v.name}: README ${listed.get(v.name)}, declared ${v.defaultText}`);
    expect(differing).toEqual([]);
  });

  it('is the table the declaration renders, word for word (npm run config:table)', () => {
    expect(readmeConfigTable(README)).toBe(configTable());
  });
});
