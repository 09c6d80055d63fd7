import { Module } from '@nestjs/common';
import { RedisConnection } from './redis-connection.js';

/** The Redis connection of a process that serves requests or runs jobs (API, worker); the CLI imports none. */
@Module({ providers: [RedisConnection], exports: [RedisConnection] })
export class RedisModule {}
