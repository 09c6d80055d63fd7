import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Workers1764288000000 implements MigrationInterface {
  name = 'Workers1764288000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE cycles (
      id uuid PRIMARY KEY,
      fiscal_year integer NOT NULL,
      name text NOT NULL,
      submission_deadline timestamptz NOT NULL,
      review_deadline timestamptz NOT NULL,
      reminder_policy jsonb NOT NULL,
      status text NOT NULL DEFAULT 'open',
      created_by uuid NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX cycles_year_status ON cycles (fiscal_year, status)`);

    // Scores follow the worker: a separate stream keyed by the form version it scored, so that the
    // system's own writes never move the version a person sends back.
    await q.query(`CREATE TABLE evaluation_scorings (
      evaluation_id uuid NOT NULL,
      form_version integer NOT NULL,
      rule_set_id text NOT NULL,
      scores jsonb NOT NULL,
      findings jsonb NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (evaluation_id, form_version, rule_set_id)
    )`);
    await q.query(`ALTER TABLE evaluations
      ADD COLUMN cycle_id uuid REFERENCES cycles(id),
      ADD COLUMN form_version integer NOT NULL DEFAULT 1,
      ADD COLUMN scored_version integer,
      ADD COLUMN submitted_at timestamptz,
      ALTER COLUMN scores DROP NOT NULL,
      ALTER COLUMN findings DROP NOT NULL`);
    await q.query(`CREATE INDEX evaluations_cycle_status ON evaluations (cycle_id, status)`);
    await q.query(`ALTER TABLE evaluation_revisions ADD COLUMN form_version integer, ALTER COLUMN scores DROP NOT NULL, ALTER COLUMN findings DROP NOT NULL`);

    // One row per (evaluation, kind, moment, recipient): a reminder exists once however often it is computed.
    await q.query(`CREATE TABLE notifications (
      id uuid PRIMARY KEY,
      dedupe_key text NOT NULL UNIQUE,
      recipient_id uuid NOT NULL REFERENCES users(id),
      kind text NOT NULL,
      evaluation_id uuid,
      cycle_id uuid,
      title text NOT NULL,
      body text NOT NULL,
      link text,
      created_at timestamptz NOT NULL DEFAULT now(),
      read_at timestamptz
    )`);
    await q.query(`CREATE INDEX notifications_inbox ON notifications (recipient_id, created_at DESC)`);
    await q.query(`CREATE TABLE notification_deliveries (
      notification_id uuid NOT NULL REFERENCES notifications(id),
      channel text NOT NULL,
      status text NOT NULL DEFAULT 'pending',
      attempts integer NOT NULL DEFAULT 0,
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      delivered_at timestamptz,
      PRIMARY KEY (notification_id, channel)
    )`);
    await q.query(`CREATE INDEX notification_deliveries_pending ON notification_deliveries (created_at) WHERE status = 'pending'`);

    await q.query(`CREATE TABLE recompute_runs (
      id uuid PRIMARY KEY,
      cycle_id uuid NOT NULL REFERENCES cycles(id),
      requested_by uuid NOT NULL,
      total integer NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE recompute_items (
      run_id uuid NOT NULL REFERENCES recompute_runs(id),
      evaluation_id uuid NOT NULL,
      done_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (run_id, evaluation_id)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['recompute_items', 'recompute_runs', 'notification_deliveries', 'notifications', 'evaluation_scorings']) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
    await q.query(`ALTER TABLE evaluation_revisions DROP COLUMN IF EXISTS form_version`);
    await q.query(`ALTER TABLE evaluations DROP COLUMN IF EXISTS cycle_id, DROP COLUMN IF EXISTS form_version, DROP COLUMN IF EXISTS scored_version, DROP COLUMN IF EXISTS submitted_at`);
    await q.query(`DROP TABLE IF EXISTS cycles`);
  }
}
