import type { MigrationInterface, QueryRunner } from 'typeorm';
import { OUTBOX_CHANNEL } from '../outbox-channel.js';

/**
 * The outbox relay is woken instead of polling: every transaction that writes outbox rows NOTIFYs the
 * relay at commit (PostgreSQL sends a transaction's identical notifications once, and none if it rolls
 * back). Only events that have a consumer get outbox rows (RELAYED_EVENTS), so an edit notifies nobody.
 */
export class OutboxNotify1764720000000 implements MigrationInterface {
  name = 'OutboxNotify1764720000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE OR REPLACE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('${OUTBOX_CHANNEL}', '');
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION outbox_notify()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS outbox_notify ON outbox`);
    await q.query(`DROP FUNCTION IF EXISTS outbox_notify()`);
  }
}
