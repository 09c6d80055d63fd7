import { randomUUID } from 'node:crypto';
import { CommandHandler, Command, type ICommandHandler } from '@nestjs/cqrs';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { QUEUES } from '../../persistence/src/queues.js';
import { CyclesStore } from './cycles.store.js';

const BATCH = 500;

export class RecomputeCycleCommand extends Command<{ jobId: string; total: number }> {
  constructor(
    readonly cycleId: string,
    readonly userId: string,
  ) {
    super();
  }
}

/**
 * Queues a scoring job for every evaluation the cycle covers (every form of its fiscal year, as the
 * reminders do), in batches; progress is counted per evaluation.
 */
@CommandHandler(RecomputeCycleCommand)
export class RecomputeCycleHandler implements ICommandHandler<RecomputeCycleCommand, { jobId: string; total: number }> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly cycles: CyclesStore,
    @InjectQueue(QUEUES.scoring) private readonly queue: Queue,
  ) {}

  async execute({ cycleId, userId }: RecomputeCycleCommand): Promise<{ jobId: string; total: number }> {
    const cycle = await this.cycles.get(cycleId);
    const rows: { id: string }[] = await this.dataSource.query('SELECT id FROM evaluations WHERE fiscal_year = $1 ORDER BY id', [cycle.fiscalYear]);
    const runId = randomUUID();
    await this.dataSource.query('INSERT INTO recompute_runs (id, cycle_id, requested_by, total) VALUES ($1, $2, $3, $4)', [runId, cycleId, userId, rows.length]);
    for (let i = 0; i < rows.length; i += BATCH) {
      await this.queue.addBulk(
        rows.slice(i, i + BATCH).map((r) => ({ name: 'recompute', data: { evaluationId: r.id, runId }, opts: { jobId: `recompute-${runId}-${r.id}` } })),
      );
    }
    return { jobId: runId, total: rows.length };
  }
}
