import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The role queues and their counts (GET /api/evaluations?queue=, GET /api/me/queues) select by status,
 * across all units for managers: an index that leads with the status. Edits keep updating rows in
 * place (HOT): an edit changes neither the status nor the unit.
 */
export class Queues1764547200300 implements MigrationInterface {
  name = 'Queues1764547200300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS evaluations_status_unit ON evaluations (status, unit_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS evaluations_status_unit`);
  }
}
