/**
 * The front door of libs/persistence (`#perf-eval/persistence`): what apps and other libs may use of it.
 * Files inside the lib import each other relatively, never through this file (.dependency-cruiser.cjs checks both).
 */
export { databaseOptions } from './database-options.js';
export { databaseUnavailable, type Dependency, redisUnavailable, RETRY_AFTER_SECONDS, shortReason, DependencyUnavailableError } from './dependency-unavailable.js';
export { migrate } from './migrate.js';
export { missingCountSql } from './migrations/1765324800000-missing-count.js';
export { OUTBOX_CHANNEL } from './outbox-channel.js';
export { preparedQuery, readPage, readQuery } from './prepared-query.js';
export { pingDatabase } from './ping-database.js';
export { Sql, type SqlRunner } from './sql.js';
export { DEFAULT_JOB_OPTIONS, processorOptions, QUEUES, workersKey, workersLastBeatKey } from './queues.js';
export { producerRedisOptions, queueReady, RedisConnection, redisOptions } from './redis-connection.js';
export { SqlFilter } from './sql-filter.js';
export { isUuid } from './uuid.js';
export { PersistenceModule } from './persistence.module.js';
export { RedisModule } from './redis.module.js';
export { QueuesModule } from './queues.module.js';
