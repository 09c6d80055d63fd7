import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1764115200000 implements MigrationInterface {
  name = 'InitialSchema1764115200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE units (
      id uuid PRIMARY KEY,
      name text NOT NULL UNIQUE,
      competent_department text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE users (
      id uuid PRIMARY KEY,
      username text NOT NULL UNIQUE,
      password_hash text NOT NULL,
      display_name text NOT NULL,
      roles text[] NOT NULL,
      unit_ids uuid[] NOT NULL DEFAULT '{}',
      email text,
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE system_settings (key text PRIMARY KEY, value text NOT NULL)`);

    // The record: one row per event, a stale write fails on (evaluation_id, version).
    await q.query(`CREATE TABLE evaluation_events (
      position bigserial PRIMARY KEY,
      evaluation_id uuid NOT NULL,
      version integer NOT NULL,
      type text NOT NULL,
      payload jsonb NOT NULL,
      actor_id uuid NOT NULL,
      occurred_at timestamptz NOT NULL,
      CONSTRAINT evaluation_events_stream_version UNIQUE (evaluation_id, version)
    )`);
    // Written in the same transaction as the events, so a crash after commit loses nothing that consumers need.
    await q.query(`CREATE TABLE outbox (
      id bigserial PRIMARY KEY,
      event_position bigint NOT NULL REFERENCES evaluation_events(position),
      evaluation_id uuid NOT NULL,
      type text NOT NULL,
      payload jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      dispatched_at timestamptz
    )`);
    await q.query(`CREATE INDEX outbox_pending ON outbox (id) WHERE dispatched_at IS NULL`);

    // Current state: the aggregate's snapshot (state) and the list's read model in one row.
    await q.query(`CREATE TABLE evaluations (
      id uuid PRIMARY KEY,
      version integer NOT NULL,
      revision integer NOT NULL,
      status text NOT NULL,
      returned boolean NOT NULL DEFAULT false,
      unit_id uuid NOT NULL REFERENCES units(id),
      fiscal_year integer NOT NULL,
      project_name text NOT NULL,
      evaluation_method text NOT NULL,
      full_year_budget numeric(20,6),
      executed numeric(20,6),
      declared_total numeric(8,2),
      computed_total numeric(8,2),
      grade text,
      error_count integer NOT NULL DEFAULT 0,
      warning_count integer NOT NULL DEFAULT 0,
      scores jsonb NOT NULL,
      findings jsonb NOT NULL,
      state jsonb NOT NULL,
      created_by uuid NOT NULL,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    )`);
    await q.query(`CREATE INDEX evaluations_unit_year_status ON evaluations (unit_id, fiscal_year, status)`);
    await q.query(`CREATE INDEX evaluations_year_status ON evaluations (fiscal_year, status)`);
    await q.query(`CREATE INDEX evaluations_status_updated ON evaluations (status, updated_at DESC)`);

    // Published revisions stay readable after a correction reopens the form.
    await q.query(`CREATE TABLE evaluation_revisions (
      evaluation_id uuid NOT NULL REFERENCES evaluations(id),
      revision integer NOT NULL,
      version integer NOT NULL,
      state jsonb NOT NULL,
      scores jsonb NOT NULL,
      findings jsonb NOT NULL,
      published_at timestamptz NOT NULL,
      published_by uuid NOT NULL,
      PRIMARY KEY (evaluation_id, revision)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['evaluation_revisions', 'evaluations', 'outbox', 'evaluation_events', 'system_settings', 'users', 'units']) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
