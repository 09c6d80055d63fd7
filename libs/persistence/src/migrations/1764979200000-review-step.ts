import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The review step a Submitted form waits at (issue 11), as a column the review queue can find on an index:
 * generated from the state the row already stores (its review chain and step; `unit` for forms submitted before
 * chains), null unless Submitted. The queue and its count read (review_step, unit_id) instead of the JSON.
 */
export class ReviewStep1764979200000 implements MigrationInterface {
  name = 'ReviewStep1764979200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE evaluations ADD COLUMN review_step text GENERATED ALWAYS AS (
      CASE WHEN status = 'Submitted' THEN COALESCE(state->'review'->'chain'->>((state->'review'->>'step')::int), 'unit') END
    ) STORED`);
    await q.query(`CREATE INDEX evaluations_review_queue ON evaluations (review_step, unit_id, submitted_at) WHERE status = 'Submitted'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS evaluations_review_queue');
    await q.query('ALTER TABLE evaluations DROP COLUMN IF EXISTS review_step');
  }
}
