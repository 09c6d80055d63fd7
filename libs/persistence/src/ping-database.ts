import type { DataSource } from 'typeorm';
import { Sql } from './sql.js';

/** Resolves when PostgreSQL answers a trivial statement on a pool connection (the health probe). */
export async function pingDatabase(dataSource: DataSource): Promise<void> {
  await Sql.of(dataSource).execute('SELECT 1');
}
