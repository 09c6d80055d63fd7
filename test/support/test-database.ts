import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { databaseOptions, migrate } from '#perf-eval/persistence';

const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A migrated database of its own for one test file, dropped at the end. */
export class TestDatabase {
  readonly name = `pe_it_${process.pid}_${randomBytes(4).toString('hex')}`;
  dataSource!: DataSource;

  async create(): Promise<DataSource> {
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${this.name}"`);
    await admin.end();
    const url = new URL(ADMIN_URL);
    url.pathname = `/${this.name}`;
    this.dataSource = await new DataSource(databaseOptions({ databaseUrl: url.toString(), databasePoolSize: 10 })).initialize();
    await migrate(this.dataSource);
    return this.dataSource;
  }

  async drop(): Promise<void> {
    await this.dataSource?.destroy();
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${this.name}" WITH (FORCE)`);
    await admin.end();
  }
}
