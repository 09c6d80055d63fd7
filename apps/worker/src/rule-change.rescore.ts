import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { ScoringProjection } from '#perf-eval/evaluation';
import { QUEUES } from '#perf-eval/persistence';

const BATCH = 500;

/**
 * When a deployment changes a rule set's data, the forms scored under the old data are rescored in
 * bulk on the worker's start; so are forms whose current version was never scored (written before
 * commands scored their own forms, whose edits the worker no longer scores). Job ids name the
 * evaluation, its form version, the rule version it shows and the new one, so several workers
 * starting together queue each once.
 */
@Injectable()
export class RuleChangeRescore implements OnApplicationBootstrap {
  private readonly logger = new Logger(RuleChangeRescore.name);

  constructor(
    private readonly scoring: ScoringProjection,
    @InjectQueue(QUEUES.scoring) private readonly queue: Queue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const stale = await this.scoring.scoringsDue();
    for (let i = 0; i < stale.length; i += BATCH) {
      await this.queue.addBulk(
        stale.slice(i, i + BATCH).map(({ id, formVersion, from, version }) => ({
          name: 'rescore',
          data: { evaluationId: id, runId: null },
          opts: { jobId: `rescore-${id}-${formVersion}-${from ?? 'unscored'}-${version}` },
        })),
      );
    }
    if (stale.length > 0) this.logger.log(`rescoring ${stale.length} evaluations under the current rule sets`);
  }
}
