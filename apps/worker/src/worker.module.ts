import { Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { LoggerModule } from 'nestjs-pino';
import { PersistenceModule } from '../../../libs/persistence/src/persistence.module.js';
import { LiveModule } from '../../../libs/live/src/live.module.js';
import { AppConfig, AppConfigModule } from '../../../libs/config/src/index.js';
import { redisOptions } from '../../../libs/persistence/src/redis-connection.js';
import { RedisModule } from '../../../libs/persistence/src/redis.module.js';
import { DEFAULT_JOB_OPTIONS } from '../../../libs/persistence/src/queues.js';
import { QueuesModule } from '../../../libs/persistence/src/queues.module.js';
import { EvaluationStorageModule } from '../../../libs/evaluation/src/evaluation-storage.module.js';
import { countsFolderProvider } from '../../../libs/evaluation/src/infrastructure/evaluation-counts.js';
import { NotificationsModule } from '../../../libs/notifications/src/notifications.module.js';
import { OutboxRelay } from './outbox.relay.js';
import { DeliveryQueue } from './delivery.queue.js';
import { EvaluationEventsProcessor } from './evaluation-events.processor.js';
import { ScoringProcessor } from './scoring.processor.js';
import { RemindersProcessor } from './reminders.processor.js';
import { DeliveriesProcessor } from './deliveries.processor.js';
import { Heartbeat } from './heartbeat.js';
import { RuleChangeRescore } from './rule-change.rescore.js';

@Module({
  imports: [
    AppConfigModule,
    LoggerModule.forRootAsync({ inject: [AppConfig], useFactory: (config: AppConfig) => ({ pinoHttp: { level: config.logLevel } }) }),
    PersistenceModule,
    RedisModule,
    LiveModule,
    EvaluationStorageModule,
    NotificationsModule,
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
  ],
})
export class WorkerModule {}
