import { Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { LoggerModule } from 'nestjs-pino';
import { PersistenceModule } from '../../../libs/persistence/src/persistence.module.js';
import { LiveModule } from '../../../libs/live/src/live.module.js';
import { AppConfig, AppConfigModule } from '../../../libs/config/src/index.js';
import { RedisConnection, redisOptions } from '../../../libs/persistence/src/redis-connection.js';
import { DEFAULT_JOB_OPTIONS, QUEUES } from '../../../libs/persistence/src/queues.js';
import { Clock, SystemClock } from '../../../libs/evaluation/src/application/clock.js';
import { ScoringProjection } from '../../../libs/evaluation/src/infrastructure/scoring.projection.js';
import { EvaluationCounts, countsFolderProvider } from '../../../libs/evaluation/src/infrastructure/evaluation-counts.js';
import { NotificationCenter } from '../../../libs/notifications/src/notification-center.js';
import { CyclesStore } from '../../../libs/cycles/src/cycles.store.js';
import { ReminderScan } from '../../../libs/cycles/src/reminder-scan.js';
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
    LiveModule,
    BullModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({ connection: { url: config.redisUrl, ...redisOptions() }, prefix: config.queuePrefix, defaultJobOptions: DEFAULT_JOB_OPTIONS }),
    }),
    BullModule.registerQueue({ name: QUEUES.evaluationEvents }, { name: QUEUES.scoring }, { name: QUEUES.reminders }, { name: QUEUES.deliveries }),
  ],
  providers: [
    { provide: Clock, useClass: SystemClock },
    RedisConnection,
    ScoringProjection,
    EvaluationCounts,
    countsFolderProvider(1000, true),
    NotificationCenter,
    CyclesStore,
    ReminderScan,
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
