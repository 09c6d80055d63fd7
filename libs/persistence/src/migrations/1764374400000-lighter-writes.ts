import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Commands write less: the outbox points at its event instead of copying it, and an edit of a form
 * can update its row in place (HOT) because no index covers updated_at and pages keep free space.
 */
export class LighterWrites1764374400000 implements MigrationInterface {
  name = 'LighterWrites1764374400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox DROP COLUMN payload`);
    await q.query(`DROP INDEX IF EXISTS evaluations_status_updated`);
    await q.query(`ALTER TABLE evaluations SET (fillfactor = 70)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE evaluations RESET (fillfactor)`);
    await q.query(`CREATE INDEX evaluations_status_updated ON evaluations (status, updated_at DESC)`);
    await q.query(`ALTER TABLE outbox ADD COLUMN payload jsonb NOT NULL DEFAULT '{}'::jsonb`);
  }
}
