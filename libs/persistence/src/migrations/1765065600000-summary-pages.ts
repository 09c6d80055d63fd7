import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The summary in pages (issue 9): a page is found on an index in the table's order, ids included, without
 * reading the rows (an index-only scan per unit); the 合计 of the whole table comes from the counters, corrected
 * by the few forms under correction (更正), which a small partial index finds.
 */
export class SummaryPages1765065600000 implements MigrationInterface {
  name = 'SummaryPages1765065600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX evaluations_summary_page ON evaluations (fiscal_year, unit_id, summary_seq, created_at, id)`);
    await q.query(`DROP INDEX IF EXISTS evaluations_summary_order`);
    await q.query(`CREATE INDEX evaluations_correcting ON evaluations (fiscal_year, unit_id) WHERE revision > 1 AND status <> 'Published'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS evaluations_correcting`);
    await q.query(`CREATE INDEX IF NOT EXISTS evaluations_summary_order ON evaluations (fiscal_year, unit_id, summary_seq, created_at)`);
    await q.query(`DROP INDEX IF EXISTS evaluations_summary_page`);
  }
}
