import { DataSource } from 'typeorm';
import { processConfigOrExit } from '#perf-eval/config';
import { databaseOptions } from './database-options.js';

/** For the TypeORM CLI (`typeorm migration:run -d dist/libs/persistence/src/data-source.js`). */
export default new DataSource(databaseOptions(processConfigOrExit()));
