import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Sql runs every statement of the apps and libs; the migrations stay TypeORM's (docs/architecture.md, Persistence). */
const SQL = path.join('libs', 'persistence', 'src', 'sql.ts');
const MIGRATIONS = path.join('libs', 'persistence', 'src', 'migrations') + path.sep;

/** The calls below Sql that are connection plumbing on a pg connection of their own, not TypeORM's `query()`. */
const PLUMBING: { file: string; call: RegExp; why: string }[] = [
  { file: path.join('libs', 'persistence', 'src', 'prepared-query.ts'), call: /\bpool\.query\(/, why: 'the named prepared statements of preparedQuery/readQuery' },
  { file: path.join('libs', 'persistence', 'src', 'ensure-database.ts'), call: /\bclient\.query\(/, why: 'a pg.Client on the postgres database, before any DataSource' },
  { file: path.join('apps', 'worker', 'src', 'outbox.relay.ts'), call: /\bclient\.query\(`LISTEN /, why: "the outbox relay's LISTEN on its own connection" },
];

const RAW_QUERY = /\.\s*query\s*[(<]/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [full] : [];
  });
}

/** Every `.query(` call in the sources (comments aside), as `file:line: text`. */
function rawQueries(files: string[], read: (file: string) => string = (file) => readFileSync(file, 'utf8')): { file: string; at: string; line: string }[] {
  return files
    .filter((file) => file !== SQL && !file.startsWith(MIGRATIONS))
    .flatMap((file) =>
      read(file)
        .split('\n')
        .map((line, i) => ({ file, at: `${file}:${i + 1}`, line: line.trim() }))
        .filter(({ line }) => !/^(\/\/|\/?\*)/.test(line) && RAW_QUERY.test(line)),
    );
}

describe('the query layer', () => {
  const found = rawQueries(['apps', 'libs'].flatMap(sources));

  it('runs every statement through Sql: no raw dataSource/manager .query( outside sql.ts and the migrations', () => {
    const raw = found.filter(({ file, line }) => !PLUMBING.some((p) => p.file === file && p.call.test(line)));
    expect(raw.map(({ at, line }) => `${at}: ${line}`)).toEqual([]);
  });

  it('lists only plumbing that is still there', () => {
    expect(PLUMBING.filter((p) => !found.some(({ file, line }) => p.file === file && p.call.test(line))).map((p) => `${p.file} (${p.why})`)).toEqual([]);
  });

  it('finds a raw call, however it is spelt, and names its file and line', () => {
    const file = path.join('libs', 'x', 'src', 'x.ts');
    const text = [
      "const sql = Sql.of(manager).rows('SELECT 1');",
      "await this.dataSource.query('SELECT 1');",
      '// dataSource.query( in a comment',
      'const rows = await manager',
      '  .query<{ id: string }>(`SELECT id FROM units`);',
    ].join('\n');
    expect(rawQueries([file], () => text).map((r) => r.at)).toEqual([`${file}:2`, `${file}:5`]);
    expect(rawQueries([SQL, `${MIGRATIONS}1-x.ts`], () => text)).toEqual([]);
  });
});
