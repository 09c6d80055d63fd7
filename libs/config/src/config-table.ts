import { CONFIG_VARIABLES } from './config.declaration.js';
import type { ConfigVariable } from './config-variable.js';

/** Where the table sits in README.md, between these two lines. */
export const TABLE_START = '<!-- config-table:start (rendered from libs/config/src/config.declaration.ts by `npm run config:table`) -->';
export const TABLE_END = '<!-- config-table:end -->';

/** The README's configuration table: one row per declared variable, in the declaration's order. */
export function configTable(): string {
  const rows = Object.values(CONFIG_VARIABLES).map((v: ConfigVariable<unknown>) => `| \`${v.name}\` | ${cell(v.defaultText)} | ${cell(v.format)} | ${cell(v.zh)} · ${cell(v.en)} |`);
  return ['| variable | default | values | what |', '|---|---|---|---|', ...rows].join('\n');
}

/** README.md with its table replaced by `table`; throws when the markers are missing. */
export function withConfigTable(readme: string, table: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`README.md: the lines ${TABLE_START} and ${TABLE_END} are missing`);
  return `${readme.slice(0, start + TABLE_START.length)}\n${table}\n${readme.slice(end)}`;
}

/** The table in README.md between the markers (null when they are missing). */
export function readmeConfigTable(readme: string): string | null {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  return start < 0 || end < start ? null : readme.slice(start + TABLE_START.length, end).trim();
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}
