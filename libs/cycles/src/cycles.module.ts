import { Module } from '@nestjs/common';
import { CyclesStore } from './cycles.store.js';
import { RecomputeRuns } from './recompute-runs.js';

@Module({ providers: [CyclesStore, RecomputeRuns], exports: [CyclesStore, RecomputeRuns] })
export class CyclesModule {}
