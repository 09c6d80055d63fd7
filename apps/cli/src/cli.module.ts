import { Module } from '@nestjs/common';
import { PersistenceModule } from '../../../libs/persistence/src/persistence.module.js';
import { IdentityModule } from '../../../libs/identity/src/identity.module.js';

@Module({ imports: [PersistenceModule, IdentityModule] })
export class CliModule {}
