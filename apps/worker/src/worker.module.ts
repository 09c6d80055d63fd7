import { Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { LoggerModule } from 'nestjs-pino';
import { PersistenceModule, redisOptions, RedisModule, DEFAULT_JOB_OPTIONS, QueuesModule } from '#perf-eval/persistence';
import { LiveModule } from '#perf-eval/live';
import { AppConfig, AppConfigModule } from '#perf-eval/config';
import { EvaluationStorageModule, countsFolderProvider } from '#perf-eval/evaluation';
import { NotificationDeliveryModule, NotificationsModule } from '#perf-eval/notifications';
import { PublishedDocuments } from '#perf-eval/reporting';
import { OutboxRelay } from './outbox.relay.js';
import { DeliveryQueue } from './delivery.queue.js';
import { EvaluationEventsProcessor } from './evaluation-events.processor.js';
import { ScoringProcessor } from './scoring.processor.js';
import { RemindersProcessor } from './reminders.processor.js';
import { DeliveriesProcessor } from './deliveries.processor.js';
import { Heartbeat } from './heartbeat.js';
import { RuleChangeRescore } from './rule-change.rescore.js';
import { PublishedDocumentsBackfill } from './published-documents.backfill.js';

@Module({
  imports: [
    AppConfigModule,
    LoggerModule.forRootAsync({ inject: [AppConfig], useFactory: (config: AppConfig) => ({ pinoHttp: { level: config.logLevel } }) }),
    PersistenceModule,
    RedisModule,
    LiveModule,
    EvaluationStorageModule,
    NotificationsModule,
    NotificationDeliveryModule,
    BullModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({ connection: { url: config.redisUrl, ...redisOptions() }, prefix: config.queuePrefix, defaultJobOptions: DEFAULT_JOB_OPTIONS }),
    }),
    QueuesModule,
  ],
  providers: [
    countsFolderProvider(1000, true),
    OutboxRelay,
    DeliveryQueue,
    EvaluationEventsProcessor,
    ScoringProcessor,
    RemindersProcessor,
    DeliveriesProcessor,
    Heartbeat,
    RuleChangeRescore,
    PublishedDocuments,
    PublishedDocumentsBackfill,
  ],
})
export class WorkerModule {}
