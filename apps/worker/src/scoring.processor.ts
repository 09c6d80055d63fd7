import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { RescoreEvaluations } from '#perf-eval/evaluation';
import { QUEUES, processorOptions } from '#perf-eval/persistence';

export interface ScoringJob {
  /** One form (a rescore after a rule change, or a recompute queued before forms were batched)… */
  evaluationId?: string;
  /** …or a batch of a bulk recompute. */
  evaluationIds?: string[];
  /** The bulk recompute this job counts towards; null when the worker rescored after a rule change. */
  runId: string | null;
}

/** Bulk recomputation of a cycle: each job scores its forms in one transaction and counts each done once. */
@Processor(QUEUES.scoring, processorOptions((config) => config.scoringConcurrency))
export class ScoringProcessor extends WorkerHost {
  constructor(private readonly rescoring: RescoreEvaluations) {
    super();
  }

  async process(job: Job<ScoringJob>): Promise<void> {
    const ids = job.data.evaluationIds ?? (job.data.evaluationId ? [job.data.evaluationId] : []);
    await this.rescoring.rescore(ids, job.data.runId);
  }
}
