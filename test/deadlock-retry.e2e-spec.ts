import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { ApiProcess } from './support/api-process.js';
import { ApiClient } from './support/api-client.js';
import { newMediaForm } from './support/forms.js';
import { eventually } from './support/eventually.js';

/**
 * Two writers of one form can lock its next event key and its row in opposite orders (an edit's single
 * statement, a submission's transaction); PostgreSQL then aborts one of them (deadlock_detected). That one wrote
 * nothing and is decided again on the row: never a 500 (the conflicts fault test met one in 1,000 commands).
 * Here a transaction of the test plays the other writer: it takes the event key first, waits until the API's
 * edit holds the row and waits for the key, then asks for the row. Its own deadlock_timeout is long, so the
 * API's statement is the one PostgreSQL aborts.
 */
describe('A command PostgreSQL aborts to break a deadlock', () => {
  const api = new ApiProcess();
  let drafter: ApiClient;

  beforeAll(async () => {
    await api.start({}, false);
    drafter = await ApiClient.login(api.baseUrl, 'drafter');
  });

  afterAll(async () => {
    await api.stop();
  });

  const deadlocks = async () => Number((await api.query<{ n: string }>('SELECT deadlocks AS n FROM pg_stat_database WHERE datname = $1', [api.databaseName]))[0].n);

  /** The other writer: a transaction of the test's own, whose deadlock_timeout is long, so that PostgreSQL aborts the API's side. */
  async function otherWriter(): Promise<{ other: pg.Client; pid: number }> {
    const other = new pg.Client({ connectionString: api.databaseUrl });
    await other.connect();
    const [{ pid }] = (await other.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
    await other.query('BEGIN');
    await other.query(`SET LOCAL deadlock_timeout = '60s'`);
    return { other, pid };
  }

  /** The API's connections waiting for a lock (not the test's). */
  const waitingForLocks = async (testPid: number) =>
    Number((await api.query<{ n: string }>(`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock' AND pid <> $2`, [api.databaseName, testPid]))[0].n);

  it('is decided again: the edit is saved once the other writer gives way, and its answer is 200', async () => {
    const created = await drafter.post('/api/evaluations', newMediaForm({ projectName: '死锁重试' }));
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const { other, pid } = await otherWriter();
    try {
      // The other writer's event at the next version: its key is taken until this transaction ends.
      await other.query(
        `INSERT INTO evaluation_events (evaluation_id, version, type, payload, actor_id, occurred_at)
         SELECT id, version + 1, 'EvaluationWithdrawn', '{"reason": null}', created_by, now() FROM evaluations WHERE id = $1`,
        [id],
      );
      // Sent now (a supertest request leaves when it is awaited).
      const edit = drafter.put(`/api/evaluations/${id}`, { ...newMediaForm({ projectName: '死锁重试（已修改）' }), expectedVersion: 1 }).then((res) => res);
      await eventually(() => waitingForLocks(pid), (n) => n > 0, 10_000);
      // Now the other writer wants the row: a cycle when the edit holds it, which PostgreSQL breaks by aborting the edit.
      const rowTaken = other.query('UPDATE evaluations SET updated_at = updated_at WHERE id = $1', [id]);
      await rowTaken;
      await other.query('ROLLBACK');
      const answer = await edit;
      expect({ status: answer.status, code: answer.body.code }).toEqual({ status: 200, code: undefined });
      expect(answer.body.version).toBe(2);
    } finally {
      await other.end();
    }
    const [row] = await api.query<{ version: number; project_name: string; events: string }>(
      'SELECT version, project_name, (SELECT count(*) FROM evaluation_events WHERE evaluation_id = $1) AS events FROM evaluations WHERE id = $1',
      [id],
    );
    expect(row).toEqual({ version: 2, project_name: '死锁重试（已修改）', events: '2' });
    // It was a deadlock that PostgreSQL broke (else this test would prove nothing).
    await eventually(deadlocks, (n) => n >= 1, 10_000);
  });

  it('is decided again in a transaction too: a submission that lost a deadlock is submitted once the other writer gives way', async () => {
    const before = await deadlocks();
    const created = await drafter.post('/api/evaluations', newMediaForm({ projectName: '死锁重试（提交）' }));
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const { other, pid } = await otherWriter();
    try {
      // This time the other writer holds the row first; the submission appends its event, then waits for the row.
      await other.query('UPDATE evaluations SET updated_at = updated_at WHERE id = $1', [id]);
      const submit = drafter.post(`/api/evaluations/${id}/submit`, { expectedVersion: 1 }).then((res) => res);
      await eventually(() => waitingForLocks(pid), (n) => n > 0, 10_000);
      await other.query(
        `INSERT INTO evaluation_events (evaluation_id, version, type, payload, actor_id, occurred_at)
         SELECT id, version + 1, 'EvaluationWithdrawn', '{"reason": null}', created_by, now() FROM evaluations WHERE id = $1`,
        [id],
      );
      await other.query('ROLLBACK');
      const answer = await submit;
      expect({ status: answer.status, code: answer.body.code, version: answer.body.version }).toEqual({ status: 200, code: undefined, version: 2 });
    } finally {
      await other.end();
    }
    const [row] = await api.query<{ status: string; events: string }>('SELECT status, (SELECT count(*) FROM evaluation_events WHERE evaluation_id = $1) AS events FROM evaluations WHERE id = $1', [id]);
    expect(row).toEqual({ status: 'Submitted', events: '2' });
    await eventually(deadlocks, (n) => n > before, 10_000);
  });
});
