import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `marked_down_count`: the indicator rows the form's last verification (核查分) marked below the 自评得分 — the
 * view's VERIFIED_BELOW_SELF warnings (`rowsMarkedDown`, libs/evaluation/src/domain/review.ts), which the lists
 * add to the scoring's warnings, so that a list and the form say the same number. Commands write it with the row;
 * the forms that exist are counted here once, by the same rule (a row with a 自评得分 and a 核查分 below it).
 */
export class MarkedDownCount1765324800100 implements MigrationInterface {
  name = 'MarkedDownCount1765324800100';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE evaluations ADD COLUMN marked_down_count integer NOT NULL DEFAULT 0');
    await q.query(`UPDATE evaluations SET marked_down_count = (
        SELECT count(*)::int FROM jsonb_array_elements(state->'verification'->'rows') r
        WHERE jsonb_typeof(r->'selfScore') = 'number' AND (r->>'score')::numeric < (r->>'selfScore')::numeric)
      WHERE jsonb_typeof(state->'verification'->'rows') = 'array'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE evaluations DROP COLUMN marked_down_count');
  }
}
