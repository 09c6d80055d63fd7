import { Module } from '@nestjs/common';
import { CyclesModule } from '#perf-eval/cycles';
import { Clock, SystemClock } from './application/clock.js';
import { RescoreEvaluations } from './application/rescore-evaluations.js';
import { EvaluationCounts } from './infrastructure/evaluation-counts.js';
import { EvaluationOutbox } from './infrastructure/evaluation-outbox.js';
import { SnapshotCache } from './infrastructure/snapshot-cache.js';
import { EvaluationRepository } from './infrastructure/evaluation.repository.js';
import { EvaluationStateProjector } from './infrastructure/evaluation-state.projector.js';
import { ProjectionRebuild } from './infrastructure/projection-rebuild.js';
import { ScoringProjection } from './infrastructure/scoring.projection.js';

/**
 * The evaluations' store, read models, scoring projection (and rescoring) and counters, and the clock commands and jobs
 * read: what the worker needs, without the commands and queries of EvaluationModule.
 */
@Module({
  imports: [CyclesModule],
  providers: [{ provide: Clock, useClass: SystemClock }, SnapshotCache, EvaluationRepository, EvaluationStateProjector, ProjectionRebuild, ScoringProjection, EvaluationCounts, EvaluationOutbox, RescoreEvaluations],
  exports: [Clock, SnapshotCache, EvaluationRepository, EvaluationStateProjector, ProjectionRebuild, ScoringProjection, EvaluationCounts, EvaluationOutbox, RescoreEvaluations],
})
export class EvaluationStorageModule {}
