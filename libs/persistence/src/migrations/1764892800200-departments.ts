import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 主管部门 as organisations of their own (issue 11): a unit belongs to one (`department_id`) and has a review chain
 * (`review_chain`, today's `{unit}` by default); a reviewer may review for departments (`users.department_ids`).
 * Existing units are linked by name: one department per distinct non-empty `competent_department`.
 */
export class Departments1764892800200 implements MigrationInterface {
  name = 'Departments1764892800200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE IF NOT EXISTS departments (
      id uuid PRIMARY KEY,
      name text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`ALTER TABLE units
      ADD COLUMN IF NOT EXISTS department_id uuid REFERENCES departments(id),
      ADD COLUMN IF NOT EXISTS review_chain text[] NOT NULL DEFAULT '{unit}'`);
    // The rules of review-chain.ts that a row can state: starts with the unit's own review, known steps only.
    await q.query(`ALTER TABLE units ADD CONSTRAINT units_review_chain_valid
      CHECK (review_chain[1] = 'unit' AND review_chain <@ ARRAY['unit', 'department']::text[])`);
    await q.query(`CREATE INDEX IF NOT EXISTS units_department ON units (department_id)`);
    await q.query(`ALTER TABLE users ADD COLUMN IF NOT EXISTS department_ids uuid[] NOT NULL DEFAULT '{}'`);
    await q.query(`INSERT INTO departments (id, name, created_at)
      SELECT gen_random_uuid(), name, first_at FROM (
        SELECT btrim(competent_department) AS name, min(created_at) AS first_at FROM units
        WHERE btrim(competent_department) <> '' GROUP BY btrim(competent_department)
      ) named
      ON CONFLICT (name) DO NOTHING`);
    await q.query(`UPDATE units u SET department_id = d.id FROM departments d
      WHERE u.department_id IS NULL AND d.name = btrim(u.competent_department)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP COLUMN IF EXISTS department_ids`);
    await q.query(`ALTER TABLE units DROP CONSTRAINT IF EXISTS units_review_chain_valid`);
    await q.query(`ALTER TABLE units DROP COLUMN IF EXISTS review_chain, DROP COLUMN IF EXISTS department_id`);
    await q.query(`DROP TABLE IF EXISTS departments`);
  }
}
