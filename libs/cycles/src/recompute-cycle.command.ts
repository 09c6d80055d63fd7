import { randomUUID } from 'node:crypto';
import { CommandHandler, Command, type ICommandHandler } from '@nestjs/cqrs';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { QUEUES, queueReady, redisUnavailable, Sql } from '#perf-eval/persistence';
import { CyclesStore } from './cycles.store.js';

/** Forms per job: one transaction reads, scores and records a hundred forms at once. */
export const RECOMPUTE_FORMS_PER_JOB = 100;
const JOBS_PER_ADD = 100;

export class RecomputeCycleCommand extends Command<{ jobId: string; total: number }> {
  constructor(
    readonly cycleId: string,
    readonly userId: string,
  ) {
    super();
  }
}

/**
 * Queues the scoring of every evaluation the cycle covers (every form of its fiscal year, as the
 * reminders do), RECOMPUTE_FORMS_PER_JOB forms per job; progress is counted per evaluation. One job per
 * form spent more on the job and its transaction than on scoring (~800 forms/s against ~3,000/s).
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
    // Refused before anything is written while Redis is away (a run that can never progress helps nobody).
    await queueReady(this.queue);
    const sql = Sql.of(this.dataSource);
    const rows = await sql.rows<{ id: string }>('SELECT id FROM evaluations WHERE fiscal_year = $1 ORDER BY id', [cycle.fiscalYear]);
    const runId = randomUUID();
    await sql.affected('INSERT INTO recompute_runs (id, cycle_id, requested_by, total) VALUES ($1, $2, $3, $4)', [runId, cycleId, userId, rows.length]);
    const jobs = [];
    for (let i = 0, n = 0; i < rows.length; i += RECOMPUTE_FORMS_PER_JOB, n++) {
      const evaluationIds = rows.slice(i, i + RECOMPUTE_FORMS_PER_JOB).map((r) => r.id);
      jobs.push({ name: 'recompute', data: { evaluationIds, runId }, opts: { jobId: `recompute-${runId}-${n}` } });
    }
    for (let i = 0; i < jobs.length; i += JOBS_PER_ADD) {
      try {
        await this.queue.addBulk(jobs.slice(i, i + JOBS_PER_ADD));
      } catch (error) {
        // Redis went away in between: a run none of whose jobs were queued is taken back.
        if (i === 0) await sql.affected('DELETE FROM recompute_runs WHERE id = $1', [runId]);
        throw redisUnavailable(error) ?? error;
      }
    }
    return { jobId: runId, total: rows.length };
  }
}
