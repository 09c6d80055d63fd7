import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AppConfig } from '#perf-eval/config';
import { Sql } from '#perf-eval/persistence';

/**
 * The pre-aggregated counts of the evaluations table (migration FlatReads): the counters plus the deltas
 * not folded into them yet, as one relation with the columns the count filters use — fiscal_year,
 * unit_id, status, returned, grade — and the measures n (forms), budget, executed, total_sum and
 * total_n (forms with a computed total). Alias it `e` and the list's and queues' filters on those
 * columns apply unchanged. Its size follows the units and years, never the number of forms.
 */
export const COUNTS_RELATION = `(SELECT fiscal_year, unit_id, status, returned, grade, n, budget, executed, total_sum, total_n FROM evaluation_counts
     UNION ALL SELECT fiscal_year, unit_id, status, returned, grade, n, budget, executed, total_sum, total_n FROM evaluation_count_deltas)`;

/** Folding and correcting the counters; the row trigger on evaluations keeps them right in between. */
@Injectable()
export class EvaluationCounts {
  constructor(private readonly dataSource: DataSource) {}

  /** Moves the pending deltas into the counters; 0 when there were none or another process is folding. */
  async fold(): Promise<number> {
    const row = await Sql.of(this.dataSource).first<{ folded: string }>('SELECT evaluation_counts_fold() AS folded');
    return Number(row!.folded);
  }

  /** Frees the pages of folded deltas (outside any transaction). */
  async vacuumDeltas(): Promise<void> {
    await Sql.of(this.dataSource).execute('VACUUM evaluation_count_deltas');
  }

  /** Corrects the counters to the table in one snapshot (after a rebuild); answers how many keys were off. */
  async refresh(manager: EntityManager = this.dataSource.manager): Promise<number> {
    const row = await Sql.of(manager).first<{ corrected: string }>('SELECT evaluation_counts_refresh() AS corrected');
    return Number(row!.corrected);
  }
}

/** Folded rows after which the folder vacuums the deltas table (its pages would otherwise stay for readers to scan). */
const VACUUM_AFTER_ROWS = 5000;

/**
 * Folds the deltas every `everyMs` while the process runs: the worker often (so that the counters
 * readers add up stay a few hundred rows), the API rarely, for when no worker runs. Two processes
 * folding at once do not wait for each other (pg_try_advisory_xact_lock). The worker also vacuums the
 * deltas table once many rows went through it: readers scan it, and autovacuum may come a minute late.
 */
export class CountsFolder implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CountsFolder.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private foldedSinceVacuum = 0;

  constructor(
    private readonly counts: EvaluationCounts,
    private readonly everyMs: number,
    private readonly vacuums: boolean,
  ) {}

  onApplicationBootstrap(): void {
    if (!(this.everyMs > 0)) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.tick()
        .catch((error: Error) => this.logger.warn(`folding the evaluation counts failed: ${error.message}`))
        .finally(() => (this.running = null));
    }, this.everyMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    this.foldedSinceVacuum += await this.counts.fold();
    if (this.vacuums && this.foldedSinceVacuum >= VACUUM_AFTER_ROWS) {
      this.foldedSinceVacuum = 0;
      await this.counts.vacuumDeltas();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}

/** A CountsFolder provider for an app module: COUNTS_FOLD_MS overrides `defaultMs` (0 turns it off). */
export function countsFolderProvider(defaultMs: number, vacuums: boolean) {
  return {
    provide: CountsFolder,
    inject: [EvaluationCounts, AppConfig],
    useFactory: (counts: EvaluationCounts, config: AppConfig) => new CountsFolder(counts, config.countsFoldMs ?? defaultMs, vacuums),
  };
}
