import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import pg from 'pg';
import { AppConfig } from '#perf-eval/config';
import { EvaluationOutbox } from '#perf-eval/evaluation';
import { QUEUES, OUTBOX_CHANNEL } from '#perf-eval/persistence';

const BATCH = 500;
const EVENTS_PER_JOB = 50;

/**
 * Moves committed events from the outbox (EvaluationOutbox) into the evaluation-events queue. A row is marked
 * dispatched only after the queue accepted its job; a crash in between re-sends it under the same job id, and
 * the processors are idempotent anyway. Several workers may relay at once: rows are claimed with SKIP LOCKED.
 *
 * Woken by PostgreSQL: a trigger on the outbox NOTIFYs `outbox` when a transaction that wrote rows
 * commits, and the relay LISTENs on a connection of its own. When that connection drops, the relay
 * reconnects, LISTENs again and then relays whatever was committed meanwhile, so nothing waits for the
 * fallback poll (OUTBOX_POLL_MS, 10 s), which only guards against what nobody foresaw.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private running = false;
  private loop: Promise<void> | null = null;
  private listening: Promise<void> | null = null;
  private listener: pg.Client | null = null;
  /** Set by every notification; the loop relays again before it sleeps. */
  private pending = false;
  private wake: (() => void) | null = null;
  private readonly fallbackMs: number;
  private readonly reconnectMs: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: EvaluationOutbox,
    @InjectQueue(QUEUES.evaluationEvents) private readonly queue: Queue,
    config: AppConfig,
  ) {
    this.fallbackMs = config.outboxPollMs;
    this.reconnectMs = config.outboxListenRetryMs;
  }

  onApplicationBootstrap(): void {
    this.running = true;
    this.pending = true;
    this.listening = this.listen();
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.listener?.end().catch(() => undefined);
    await Promise.all([this.loop, this.listening]);
  }

  /** Relays one batch; returns how many events it moved. */
  async relayOnce(): Promise<number> {
    return this.outbox.dispatch(BATCH, async (events) => {
      const jobs = [];
      for (let i = 0; i < events.length; i += EVENTS_PER_JOB) {
        const slice = events.slice(i, i + EVENTS_PER_JOB);
        jobs.push({ name: 'events', data: { events: slice.map((e) => e.event) }, opts: { jobId: `events-${slice[0].position}-${slice[slice.length - 1].position}` } });
      }
      await this.queue.addBulk(jobs);
    });
  }

  private nudge(): void {
    this.pending = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.pending = false;
      try {
        while (this.running && (await this.relayOnce()) > 0);
      } catch (error) {
        this.logger.error(`outbox relay failed: ${(error as Error).message}`);
        await sleep(this.reconnectMs);
        this.pending = true;
      }
      if (this.pending || !this.running) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.fallbackMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
  }

  /** Keeps one LISTEN connection open; after each (re)connection, relays what was committed meanwhile. */
  private async listen(): Promise<void> {
    const url = (this.dataSource.options as { url?: string }).url;
    while (this.running) {
      const client = new pg.Client({ connectionString: url, application_name: 'perf-eval outbox relay' });
      const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
      client.on('error', (error: Error) => this.logger.warn(`outbox listener: ${error.message}`));
      client.on('notification', () => this.nudge());
      try {
        await client.connect();
        await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
        this.listener = client;
        this.nudge();
        await ended;
      } catch (error) {
        this.logger.warn(`outbox listener could not listen: ${(error as Error).message}`);
        await client.end().catch(() => undefined);
      }
      this.listener = null;
      if (this.running) await sleep(this.reconnectMs);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
