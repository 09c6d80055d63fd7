import { Module } from '@nestjs/common';
import { QueuesModule } from '#perf-eval/persistence';
import { CyclesModule } from './cycles.module.js';
import { RecomputeCycleHandler } from './recompute-cycle.command.js';

/** The bulk recompute command (the API's): it queues scoring jobs, so it needs the app's BullModule.forRoot. */
@Module({ imports: [CyclesModule, QueuesModule], providers: [RecomputeCycleHandler] })
export class CycleRecomputeModule {}
