import type { MigrationInterface, QueryRunner } from 'typeorm';

export class SummaryAndImports1764201600000 implements MigrationInterface {
  name = 'SummaryAndImports1764201600000';

  async up(q: QueryRunner): Promise<void> {
    // The summary table's order and 自评得分 come from the imported paper table when there is one.
    await q.query(`ALTER TABLE evaluations ADD COLUMN summary_seq integer, ADD COLUMN self_score numeric(8,2)`);
    await q.query(`CREATE INDEX evaluations_summary_order ON evaluations (fiscal_year, unit_id, summary_seq, created_at)`);
    // One row per imported file: the same file twice answers with the evaluations of the first import.
    await q.query(`CREATE TABLE import_batches (
      id uuid PRIMARY KEY,
      sha256 text NOT NULL UNIQUE,
      file_name text NOT NULL,
      fiscal_year integer NOT NULL,
      imported_by uuid NOT NULL,
      evaluation_ids uuid[] NOT NULL,
      imported_at timestamptz NOT NULL DEFAULT now()
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS import_batches`);
    await q.query(`DROP INDEX IF EXISTS evaluations_summary_order`);
    await q.query(`ALTER TABLE evaluations DROP COLUMN IF EXISTS summary_seq, DROP COLUMN IF EXISTS self_score`);
  }
}
