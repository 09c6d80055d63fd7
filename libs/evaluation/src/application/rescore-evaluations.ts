import { Injectable } from '@nestjs/common';
import { RecomputeRuns } from '#perf-eval/cycles';
import { ScoringProjection } from '../infrastructure/scoring.projection.js';

/**
 * Scores forms again under the current rule data (a bulk recompute's batch, or a rescore after a rule
 * change) and, for a bulk recompute, counts them done towards its run.
 */
@Injectable()
export class RescoreEvaluations {
  constructor(
    private readonly scoring: ScoringProjection,
    private readonly runs: RecomputeRuns,
  ) {}

  /** `runId`: the bulk recompute these forms count towards; null for a rescore after a rule change. */
  async rescore(evaluationIds: string[], runId: string | null): Promise<void> {
    await this.scoring.score(...evaluationIds);
    if (runId) await this.runs.recordScored(runId, evaluationIds);
  }
}
