import { Module } from '@nestjs/common';
import { Directory } from './directory.js';
import { UserChangePublisher } from './user-changes.js';

@Module({ providers: [Directory, UserChangePublisher], exports: [Directory, UserChangePublisher] })
export class IdentityModule {}
