import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { ScoringProjection } from '../../../libs/evaluation/src/infrastructure/scoring.projection.js';
import { QUEUES, processorOptions } from '../../../libs/persistence/src/queues.js';

export interface ScoringJob {
  evaluationId: string;
  /** The bulk recompute this job counts towards; null when the worker rescored after a rule change. */
  runId: string | null;
}

/** Bulk recomputation of a cycle: each job scores one evaluation and counts itself done once. */
@Processor(QUEUES.scoring, processorOptions(Number(process.env.SCORING_CONCURRENCY ?? 16)))
export class ScoringProcessor extends WorkerHost {
  constructor(
    private readonly dataSource: DataSource,
    private readonly scoring: ScoringProjection,
  ) {
    super();
  }

  async process(job: Job<ScoringJob>): Promise<void> {
    await this.scoring.score(job.data.evaluationId);
    if (!job.data.runId) return;
    await this.dataSource.query('INSERT INTO recompute_items (run_id, evaluation_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
      job.data.runId,
      job.data.evaluationId,
    ]);
  }
}
