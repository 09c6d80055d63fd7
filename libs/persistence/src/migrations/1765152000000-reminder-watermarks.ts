import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The moment of each cycle's last complete reminder scan, with the deadlines and policy it ran under
 * (`fingerprint`): a later scan reads only the forms that can have become due since (issue 9: a tick
 * re-read the year's due forms, 3–6 s at 100k drafts, every REMINDER_TICK_MS). A moved deadline or a
 * changed policy no longer matches the fingerprint, and the next scan reads everything again.
 */
export class ReminderWatermarks1765152000000 implements MigrationInterface {
  name = 'ReminderWatermarks1765152000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE reminder_watermarks (
      cycle_id uuid PRIMARY KEY REFERENCES cycles (id) ON DELETE CASCADE,
      scanned_at timestamptz NOT NULL,
      fingerprint text NOT NULL
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE reminder_watermarks');
  }
}
