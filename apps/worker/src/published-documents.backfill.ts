import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '#perf-eval/config';
import { PublishedDocuments } from '#perf-eval/reporting';

/** Forms rendered per round, and the pause between rounds (the worker's other jobs go on meanwhile). */
const PER_ROUND = 10;
const PAUSE_MS = 200;

/**
 * Shortly after start-up (PUBLISHED_BACKFILL_DELAY_MS), renders the public files of every form published before they were stored (or imported as
 * published), in rounds, so that a unit's first 公开材料包 reads files instead of rendering them on the API
 * (~170 ms of CPU per form). Stops when none is missing or the worker stops; a revision that fails to render is
 * left to the pack, which renders it when asked (and says so if it cannot).
 */
@Injectable()
export class PublishedDocumentsBackfill implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PublishedDocumentsBackfill.name);
  private running = false;
  private done: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly delayMs: number;

  constructor(
    private readonly documents: PublishedDocuments,
    config: AppConfig,
  ) {
    this.delayMs = config.publishedBackfillDelayMs;
  }

  /** After PUBLISHED_BACKFILL_DELAY_MS: a worker's start is for the queues first. */
  onApplicationBootstrap(): void {
    this.running = true;
    this.timer = setTimeout(() => {
      this.done = this.run().catch((error: Error) => this.logger.warn(`published files not back-filled: ${error.message}`));
    }, this.delayMs);
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await this.done;
  }

  private async run(): Promise<void> {
    const failed = new Set<string>();
    let total = 0;
    while (this.running) {
      const round = await this.documents.renderMissing(PER_ROUND, failed);
      for (const k of round.failed) failed.add(k);
      total += round.rendered.length;
      if (round.rendered.length + round.failed.length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
    }
    if (total > 0) this.logger.log(`rendered the public files of ${total} published forms`);
    if (failed.size > 0) this.logger.warn(`public files of ${failed.size} published revisions could not be rendered: ${[...failed].slice(0, 10).join(', ')}`);
  }
}
