import { createSecretKey } from 'node:crypto';
import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { JwtModule } from '@nestjs/jwt';
import { LoggerModule } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { AppConfig, AppConfigModule } from '#perf-eval/config';
import { PersistenceModule, RedisModule, DEFAULT_JOB_OPTIONS, QueuesModule, producerRedisOptions } from '#perf-eval/persistence';
import { IdentityModule, signingSecret } from '#perf-eval/identity';
import { EvaluationModule, countsFolderProvider } from '#perf-eval/evaluation';
import { ReportingModule } from '#perf-eval/reporting';
import { ReportingController } from './reporting/reporting.controller.js';
import { ImportsController } from './evaluations/imports.controller.js';
import { BullModule } from '@nestjs/bullmq';
import { CyclesModule, CycleRecomputeModule } from '#perf-eval/cycles';
import { NotificationsModule } from '#perf-eval/notifications';
import { CyclesController } from './cycles/cycles.controller.js';
import { NotificationsController } from './notifications/notifications.controller.js';
import { AdminController } from './admin/admin.controller.js';
import { AuthGuard } from './auth/auth.guard.js';
import { CurrentUsers } from './auth/current-users.js';
import { AuthController } from './auth/auth.controller.js';
import { DemoAccountsController } from './auth/demo-accounts.controller.js';
import { LoginAttempts } from './auth/login-attempts.js';
import { EvaluationsController } from './evaluations/evaluations.controller.js';
import { AttachmentsController } from './evaluations/attachments.controller.js';
import { BulkActionsController } from './evaluations/bulk-actions.controller.js';
import { IdentityController } from './identity/identity.controller.js';
import { HealthController } from './health/health.controller.js';
import { DependencyMonitor } from './health/dependency-monitor.js';
import { HttpErrorFilter } from './http-error.filter.js';
import { LiveModule } from '#perf-eval/live';
import { LiveHub } from './live/live-hub.js';
import { MeController } from './live/me.controller.js';
import { StreamTickets } from './live/stream-tickets.js';
import { VocabularyController } from './vocabulary/vocabulary.controller.js';
import { validationPipe } from './validation.pipe.js';

@Module({
  imports: [
    AppConfigModule,
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        pinoHttp: {
          level: config.logLevel,
          autoLogging: config.logRequests,
          redact: ['req.headers.authorization'],
        },
      }),
    }),
    PersistenceModule,
    RedisModule,
    LiveModule,
    JwtModule.registerAsync({
      global: true,
      inject: [DataSource, AppConfig],
      useFactory: async (dataSource: DataSource, config: AppConfig) => ({
        // A KeyObject spares jsonwebtoken from re-deriving the key on every verification.
        secret: createSecretKey(Buffer.from(await signingSecret(dataSource, config.jwtSecret))),
        signOptions: { expiresIn: config.jwtTtl as never },
      }),
    }),
    CqrsModule.forRoot(),
    IdentityModule,
    EvaluationModule,
    ReportingModule,
    CyclesModule,
    CycleRecomputeModule,
    NotificationsModule,
    BullModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        connection: { url: config.redisUrl, ...producerRedisOptions(config.redisCommandTimeoutMs) },
        prefix: config.queuePrefix,
        defaultJobOptions: DEFAULT_JOB_OPTIONS,
      }),
    }),
    QueuesModule,
  ],
  controllers: [
    AuthController,
    DemoAccountsController,
    // Before EvaluationsController: its `POST evaluations/:id/approve` would take `evaluations/bulk/approve`.
    BulkActionsController,
    EvaluationsController,
    AttachmentsController,
    ImportsController,
    ReportingController,
    CyclesController,
    NotificationsController,
    IdentityController,
    AdminController,
    HealthController,
    MeController,
    VocabularyController,
  ],
  providers: [
    CurrentUsers,
    LiveHub,
    StreamTickets,
    // Only password checks are limited (guessing); commands are guarded by tokens and measured in the benchmark.
    LoginAttempts,
    DependencyMonitor,
    // The worker folds the counters' deltas every second; the API only when no worker does.
    countsFolderProvider(10_000, false),
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_FILTER, useClass: HttpErrorFilter },
    { provide: APP_PIPE, useFactory: validationPipe },
  ],
})
export class AppModule {}
