import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { AppConfig } from '#perf-eval/config';
import { databaseOptions } from './database-options.js';
import { ensureDatabase } from './ensure-database.js';
import { migrate } from './migrate.js';

/** The database, created when missing and migrated before anything reads it. */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      // CREATE_DATABASE rides along to the factory, which TypeORM's module retries while PostgreSQL is not up yet.
      useFactory: (config: AppConfig) => ({ ...databaseOptions(config), createDatabase: config.createDatabase }),
      dataSourceFactory: async (options) => {
        const { createDatabase, ...dataSourceOptions } = options as DataSourceOptions & { url: string; createDatabase: boolean };
        if (createDatabase) await ensureDatabase(dataSourceOptions.url);
        const dataSource = await new DataSource(dataSourceOptions).initialize();
        await migrate(dataSource);
        return dataSource;
      },
    }),
  ],
})
export class PersistenceModule {}
