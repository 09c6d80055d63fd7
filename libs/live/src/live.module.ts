import { Global, Module } from '@nestjs/common';
import { LivePublisher } from './live-publisher.js';

/**
 * Global, so that the command handlers (libs/evaluation) and the notification center find the publisher
 * where an app imports this module (API, worker); where none does (CLI, tests), they publish nothing.
 */
@Global()
@Module({ providers: [LivePublisher], exports: [LivePublisher] })
export class LiveModule {}
