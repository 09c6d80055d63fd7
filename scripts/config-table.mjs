#!/usr/bin/env node
// `npm run config:table`: rewrites README.md's configuration table from libs/config/src/config.declaration.ts
// (compiled first by the npm script). libs/config/src/config-table.spec.ts fails while the two differ.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { configTable, withConfigTable } from '../dist/libs/config/src/config-table.js';

const readme = path.resolve(import.meta.dirname, '../README.md');
const before = readFileSync(readme, 'utf8');
const after = withConfigTable(before, configTable());
if (after === before) {
  console.log('README.md: the configuration table is up to date');
} else {
  writeFileSync(readme, after);
  console.log('README.md: configuration table rewritten from the declaration');
}
