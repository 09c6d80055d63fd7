import type { DynamicModule } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { QUEUES } from './queues.js';

/**
 * Every queue, for the app's BullModule.forRoot (API and worker connect differently). One object on purpose:
 * Nest keys a dynamic module by its metadata, so the app and a lib module that both import this one share one
 * Queue per name, where a second BullModule.registerQueue call would open a second Queue and connection.
 */
export const QueuesModule: DynamicModule = BullModule.registerQueue(...Object.values(QUEUES).map((name) => ({ name })));
