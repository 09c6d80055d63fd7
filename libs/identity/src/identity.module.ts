import { Module } from '@nestjs/common';
import { Directory } from './directory.js';

@Module({ providers: [Directory], exports: [Directory] })
export class IdentityModule {}
