import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AppConfigModule } from '../../../libs/config/src/index.js';
import { PersistenceModule } from '../../../libs/persistence/src/persistence.module.js';
import { IdentityModule } from '../../../libs/identity/src/identity.module.js';
import { EvaluationModule } from '../../../libs/evaluation/src/evaluation.module.js';

@Module({ imports: [AppConfigModule, PersistenceModule, CqrsModule.forRoot(), IdentityModule, EvaluationModule] })
export class CliModule {}
