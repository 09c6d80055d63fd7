import { Module } from '@nestjs/common';
import { CyclesModule } from '#perf-eval/cycles';
import { IdentityModule } from '#perf-eval/identity';
import { EvaluationEventNotices } from './evaluation-event-notices.js';
import { InboxHandler } from './inbox.query.js';
import { MarkNotificationReadHandler } from './mark-notification-read.command.js';
import { NotificationCenter } from './notification-center.js';
import { NotificationDelivery } from './notification-delivery.js';
import { ReminderScan } from './reminder-scan.js';

/**
 * The notification center, the reminder scan over the cycles and the notices of evaluation events (the
 * worker's), and the inbox query and its read mark (the API's).
 */
@Module({
  imports: [CyclesModule, IdentityModule],
  providers: [NotificationCenter, ReminderScan, EvaluationEventNotices, InboxHandler, MarkNotificationReadHandler],
  exports: [NotificationCenter, ReminderScan, EvaluationEventNotices],
})
export class NotificationsModule {}

/** Sending stored notifications by e-mail and webhook (the worker's): the channels are made from the configuration. */
@Module({ providers: [NotificationDelivery], exports: [NotificationDelivery] })
export class NotificationDeliveryModule {}
