import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The JSON columns that hold whole forms (a state, an edit's payload, a revision, a scoring's findings). */
const DOCUMENT_COLUMNS: [table: string, column: string][] = [
  ['evaluations', 'state'],
  ['evaluations', 'findings'],
  ['evaluation_events', 'payload'],
  ['evaluation_revisions', 'state'],
  ['evaluation_scorings', 'findings'],
];

/**
 * Forms are compressed with lz4 instead of pglz (issue 9). A form's state (~3.3 KB) and an edit's payload
 * (~2.7 KB) pass PostgreSQL's 2 KB TOAST threshold, so each command compressed both: `perf` during the
 * commands benchmark put pglz_compress first among PostgreSQL's functions, ~11 % of its CPU. lz4 compresses
 * several times faster at a similar ratio. Values already stored keep their compression (both are read);
 * new ones use lz4. A server built without lz4 refuses the setting: the migration then keeps pglz.
 */
export class Lz4Documents1765065600100 implements MigrationInterface {
  name = 'Lz4Documents1765065600100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DO $$ BEGIN
      ${DOCUMENT_COLUMNS.map(([t, c]) => `ALTER TABLE ${t} ALTER COLUMN ${c} SET COMPRESSION lz4;`).join('\n      ')}
    EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
      RAISE NOTICE 'lz4 is not available on this server: the documents stay compressed with pglz';
    END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [t, c] of DOCUMENT_COLUMNS) await q.query(`ALTER TABLE ${t} ALTER COLUMN ${c} SET COMPRESSION default`);
  }
}
