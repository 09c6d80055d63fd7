import type { DataSource } from 'typeorm';
import { Sql } from './sql.js';

const MIGRATION_LOCK = 72_410_2021;

/** Runs pending migrations under an advisory lock, so that an API and a CLI starting together do not race. */
export async function migrate(dataSource: DataSource): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  const sql = Sql.of(runner.manager);
  try {
    await sql.execute('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await dataSource.runMigrations({ transaction: 'all' });
  } finally {
    await sql.execute('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}
