import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { databaseOptions } from './database-options.js';
import { ensureDatabase } from './ensure-database.js';
import { migrate } from './migrate.js';

/** The database, created when missing and migrated before anything reads it. */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      useFactory: () => databaseOptions(),
      dataSourceFactory: async (options) => {
        const url = (options as { url: string }).url;
        if (process.env.CREATE_DATABASE !== 'false') await ensureDatabase(url);
        const dataSource = await new DataSource(options!).initialize();
        await migrate(dataSource);
        return dataSource;
      },
    }),
  ],
})
export class PersistenceModule {}
