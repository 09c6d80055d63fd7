import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '#perf-eval/config';
import { InitialSchema1764115200000 } from './migrations/1764115200000-initial-schema.js';
import { SummaryAndImports1764201600000 } from './migrations/1764201600000-summary-and-imports.js';
import { Workers1764288000000 } from './migrations/1764288000000-workers.js';
import { LighterWrites1764374400000 } from './migrations/1764374400000-lighter-writes.js';
import { RuleVersions1764460800000 } from './migrations/1764460800000-rule-versions.js';
import { Queues1764547200300 } from './migrations/1764547200300-queues.js';
import { OutboxNotify1764720000000 } from './migrations/1764720000000-outbox-notify.js';
import { FlatReads1764720000100 } from './migrations/1764720000100-flat-reads.js';
import { TokenGeneration1764806400000 } from './migrations/1764806400000-token-generation.js';
import { Departments1764892800200 } from './migrations/1764892800200-departments.js';
import { ReviewStep1764979200000 } from './migrations/1764979200000-review-step.js';
import { SummaryPages1765065600000 } from './migrations/1765065600000-summary-pages.js';
import { Lz4Documents1765065600100 } from './migrations/1765065600100-lz4-documents.js';
import { ReminderWatermarks1765152000000 } from './migrations/1765152000000-reminder-watermarks.js';
import { PublishedDocuments1765238400000 } from './migrations/1765238400000-published-documents.js';
import { AttachmentBlobs1764892800000 } from './migrations/1764892800000-attachment-blobs.js';
import { MissingCount1765324800000 } from './migrations/1765324800000-missing-count.js';
import { MarkedDownCount1765324800100 } from './migrations/1765324800100-marked-down-count.js';

export const MIGRATIONS = [
  InitialSchema1764115200000,
  SummaryAndImports1764201600000,
  Workers1764288000000,
  LighterWrites1764374400000,
  RuleVersions1764460800000,
  Queues1764547200300,
  OutboxNotify1764720000000,
  FlatReads1764720000100,
  TokenGeneration1764806400000,
  Departments1764892800200,
  ReviewStep1764979200000,
  SummaryPages1765065600000,
  Lz4Documents1765065600100,
  AttachmentBlobs1764892800000,
  ReminderWatermarks1765152000000,
  PublishedDocuments1765238400000,
  MissingCount1765324800000,
  MarkedDownCount1765324800100,
];

/** The schema comes from migrations only; `synchronize` stays off everywhere. */
export function databaseOptions(config: Pick<AppConfig, 'databaseUrl' | 'databasePoolSize'>): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.databaseUrl,
    migrations: MIGRATIONS,
    migrationsRun: false,
    synchronize: false,
    extra: { max: config.databasePoolSize },
    logging: ['error'],
  };
}
