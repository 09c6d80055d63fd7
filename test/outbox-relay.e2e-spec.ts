import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiProcess } from './support/api-process.js';
import { ApiClient } from './support/api-client.js';
import { eventually } from './support/eventually.js';
import { newMediaForm } from './support/forms.js';

/**
 * The outbox relay is woken by PostgreSQL (LISTEN/NOTIFY), not by polling: the fallback poll is set to
 * ten minutes here, so every relay seen in this file came from a notification or from the catch-up
 * after the listener reconnected.
 */
describe('Outbox relay: woken by NOTIFY, nothing lost when its listener reconnects', () => {
  const api = new ApiProcess();
  let drafter: ApiClient;

  beforeAll(async () => {
    await api.start({ OUTBOX_POLL_MS: '600000', OUTBOX_LISTEN_RETRY_MS: '1500' });
    drafter = await ApiClient.login(api.baseUrl, 'drafter');
  });

  afterAll(async () => {
    await api.stop();
  });

  const listeners = () =>
    api.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = 'perf-eval outbox relay' AND datname = current_database()`);

  async function submitted(name: string): Promise<string> {
    const created = await drafter.post('/api/evaluations', newMediaForm({ projectName: name }));
    expect(created.status).toBe(201);
    const submit = await drafter.post(`/api/evaluations/${created.body.id}/submit`, { expectedVersion: created.body.version });
    expect(submit.status).toBe(200);
    return created.body.id;
  }

  /** The worker turned each submission into the reviewers' notification, and the outbox is empty. */
  async function relayed(ids: string[]): Promise<void> {
    await eventually(
      () => api.query<{ n: string }>(`SELECT count(DISTINCT evaluation_id) AS n FROM notifications WHERE kind = 'review_requested' AND evaluation_id = ANY($1::uuid[])`, [ids]),
      ([row]) => Number(row.n) === ids.length,
    );
    const [pending] = await api.query<{ n: string }>('SELECT count(*) AS n FROM outbox WHERE dispatched_at IS NULL');
    expect(pending.n).toBe('0');
  }

  it('writes outbox rows only for events that have a consumer, and relays a submission without polling', async () => {
    await eventually(listeners, (rows) => rows.length === 1);
    const id = await submitted('通知唤醒测试');
    const outbox = await api.query<{ type: string }>('SELECT type FROM outbox WHERE evaluation_id = $1', [id]);
    expect(outbox.map((r) => r.type)).toEqual(['EvaluationSubmitted']);
    await relayed([id]);
  });

  it('relays what was committed while its listener was disconnected, once it listens again', async () => {
    const [before] = await listeners();
    const [{ terminated }] = await api.query<{ terminated: boolean }>('SELECT pg_terminate_backend($1) AS terminated', [before.pid]);
    expect(terminated).toBe(true);
    // Committed while nobody listens: their notifications go to no one.
    const during = [await submitted('断线期间提交一'), await submitted('断线期间提交二'), await submitted('断线期间提交三')];
    const [stillDown] = await api.query<{ n: string }>(`SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'perf-eval outbox relay' AND datname = current_database()`);
    const after = await eventually(listeners, (rows) => rows.length === 1 && rows[0].pid !== before.pid);
    expect(after[0].pid).not.toBe(before.pid);
    await relayed(during);
    // The new connection listens: a later submission is relayed as promptly as the first.
    const later = await submitted('重连之后提交');
    await relayed([...during, later]);
    // (Whether the three landed before the reconnection depends on timing; the outcome must not.)
    expect(['0', '1']).toContain(stillDown.n);
  });
});
