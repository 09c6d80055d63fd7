import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AppConfigModule } from '#perf-eval/config';
import { PersistenceModule } from '#perf-eval/persistence';
import { IdentityModule } from '#perf-eval/identity';
import { EvaluationModule } from '#perf-eval/evaluation';

@Module({ imports: [AppConfigModule, PersistenceModule, CqrsModule.forRoot(), IdentityModule, EvaluationModule] })
export class CliModule {}
