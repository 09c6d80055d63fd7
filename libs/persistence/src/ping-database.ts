import type { DataSource } from 'typeorm';

/** Resolves when PostgreSQL answers a trivial statement on a pool connection (the health probe). */
export async function pingDatabase(dataSource: DataSource): Promise<void> {
  await dataSource.query('SELECT 1');
}
