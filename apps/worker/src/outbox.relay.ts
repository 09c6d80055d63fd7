import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { QUEUES } from '../../../libs/persistence/src/queues.js';

const BATCH = 500;
const EVENTS_PER_JOB = 50;

/**
 * Moves committed events from the outbox into the evaluation-events queue. A row is marked dispatched only
 * after the queue accepted its job; a crash in between re-sends it under the same job id, and the
 * processors are idempotent anyway. Several workers may relay at once: rows are claimed with SKIP LOCKED.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private running = false;
  private loop: Promise<void> | null = null;
  private readonly pollMs = Number(process.env.OUTBOX_POLL_MS ?? 100);

  constructor(
    private readonly dataSource: DataSource,
    @InjectQueue(QUEUES.evaluationEvents) private readonly queue: Queue,
  ) {}

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Relays one batch; returns how many events it moved. */
  async relayOnce(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows: { id: string; event_position: string; evaluation_id: string; version: number; type: string; payload: unknown; actor_id: string; occurred_at: Date }[] =
        await manager.query(
          `SELECT o.id, o.event_position, e.evaluation_id, e.version, e.type, e.payload, e.actor_id, e.occurred_at
           FROM outbox o JOIN evaluation_events e ON e.position = o.event_position
           WHERE o.dispatched_at IS NULL ORDER BY o.id LIMIT $1 FOR UPDATE OF o SKIP LOCKED`,
          [BATCH],
        );
      if (rows.length === 0) return 0;
      const events = rows.map((r) => ({ type: r.type, payload: r.payload, evaluationId: r.evaluation_id, version: r.version, actorId: r.actor_id, occurredAt: new Date(r.occurred_at).toISOString() }));
      // One job per slice of events: the processor scores a slice's evaluations in one transaction.
      const jobs = [];
      for (let i = 0; i < rows.length; i += EVENTS_PER_JOB) {
        const slice = rows.slice(i, i + EVENTS_PER_JOB);
        jobs.push({ name: 'events', data: { events: events.slice(i, i + EVENTS_PER_JOB) }, opts: { jobId: `events-${slice[0].event_position}-${slice[slice.length - 1].event_position}` } });
      }
      await this.queue.addBulk(jobs);
      await manager.query(`UPDATE outbox SET dispatched_at = now() WHERE id = ANY($1::bigint[])`, [rows.map((r) => r.id)]);
      return rows.length;
    });
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        if ((await this.relayOnce()) > 0) continue;
      } catch (error) {
        this.logger.error(`outbox relay failed: ${(error as Error).message}`);
      }
      await new Promise((resolve) => setTimeout(resolve, this.pollMs));
    }
  }
}
