import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isUuid, Sql } from '#perf-eval/persistence';

/** A bulk recompute as its job endpoint shows it. */
export interface RecomputeJob {
  id: string;
  kind: 'recompute';
  cycleId: string;
  total: number;
  done: number;
  status: 'running' | 'completed';
  createdAt: string;
}

/** The runs of bulk recomputes (RecomputeCycleCommand starts them) and which of their forms are scored. */
@Injectable()
export class RecomputeRuns {
  constructor(private readonly dataSource: DataSource) {}

  /** A run and how far it got; null when there is none of that id. */
  async progress(runId: string): Promise<RecomputeJob | null> {
    if (!isUuid(runId)) return null;
    const row = await Sql.of(this.dataSource).first<{ id: string; cycle_id: string; total: number; done: string; created_at: Date }>(
      `SELECT r.id, r.cycle_id, r.total, r.created_at, (SELECT count(*) FROM recompute_items i WHERE i.run_id = r.id) AS done
       FROM recompute_runs r WHERE r.id = $1`,
      [runId],
    );
    if (!row) return null;
    const done = Number(row.done);
    return { id: runId, kind: 'recompute', cycleId: row.cycle_id, total: row.total, done, status: done >= row.total ? 'completed' : 'running', createdAt: new Date(row.created_at).toISOString() };
  }

  /** Counts these forms as done for the run, each once however often its job ran. */
  async recordScored(runId: string, evaluationIds: string[]): Promise<void> {
    await Sql.of(this.dataSource).affected('INSERT INTO recompute_items (run_id, evaluation_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING', [runId, evaluationIds]);
  }
}
