import type { DataSource, EntityManager, QueryRunner } from 'typeorm';

/** Where a statement runs: the pool (a DataSource) or a transaction (the EntityManager it hands out). */
export type SqlRunner = DataSource | EntityManager;

/**
 * Plain SQL over TypeORM's connection, answered the same way for every statement. TypeORM's own
 * `query()` answers an UPDATE or DELETE with `[rows, affected]` and anything else with the rows; this
 * asks its query runner for the structured result instead, so no caller needs to know which it got.
 * Statements of the command path and the read handlers run prepared (`preparedQuery`, `readQuery`).
 */
export class Sql {
  private constructor(private readonly runner: SqlRunner) {}

  static of(runner: SqlRunner): Sql {
    return new Sql(runner);
  }

  /** The rows the statement answers (a SELECT, or any statement with RETURNING; none otherwise). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- like DataSource.query, the caller names the row type
  async rows<T = any>(text: string, params: unknown[] = []): Promise<T[]> {
    return (await this.run(text, params)).rows as T[];
  }

  /** The first row the statement answers, or null. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as rows
  async first<T = any>(text: string, params: unknown[] = []): Promise<T | null> {
    return ((await this.run(text, params)).rows[0] as T | undefined) ?? null;
  }

  /** How many rows the statement inserted, updated, deleted or selected. */
  async affected(text: string, params: unknown[] = []): Promise<number> {
    return (await this.run(text, params)).affected;
  }

  /** Runs a statement for its effect alone (LOCK, VACUUM, DECLARE, an advisory lock): its answer is not read. */
  async execute(text: string, params: unknown[] = []): Promise<void> {
    await this.run(text, params);
  }

  private async run(text: string, params: unknown[]): Promise<{ rows: unknown[]; affected: number }> {
    const own = isDataSource(this.runner) ? undefined : this.runner.queryRunner;
    const runner: QueryRunner = own ?? (isDataSource(this.runner) ? this.runner : this.runner.dataSource).createQueryRunner();
    try {
      const result = await runner.query(text, params, true);
      return { rows: result.records ?? [], affected: result.affected ?? 0 };
    } finally {
      if (!own) await runner.release();
    }
  }
}

function isDataSource(runner: SqlRunner): runner is DataSource {
  return 'createQueryRunner' in runner;
}
