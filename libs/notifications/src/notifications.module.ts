import { Module } from '@nestjs/common';
import { CyclesModule } from '#perf-eval/cycles';
import { InboxHandler } from './inbox.query.js';
import { NotificationCenter } from './notification-center.js';
import { ReminderScan } from './reminder-scan.js';

/** The notification center, the reminder scan over the cycles (the worker's) and the inbox query (the API's). */
@Module({ imports: [CyclesModule], providers: [NotificationCenter, ReminderScan, InboxHandler], exports: [NotificationCenter, ReminderScan] })
export class NotificationsModule {}
