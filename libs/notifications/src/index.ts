/**
 * The front door of libs/notifications (`#perf-eval/notifications`): what apps and other libs may use of it.
 * Files inside the lib import each other relatively, never through this file (.dependency-cruiser.cjs checks both).
 */
export { emailChannelFromConfig, type EmailChannel } from './email.channel.js';
export { EvaluationEventNotices } from './evaluation-event-notices.js';
export { InboxQuery } from './inbox.query.js';
export { MarkNotificationReadCommand, type NotificationRead } from './mark-notification-read.command.js';
export { type NoticeRequest, NotificationCenter, type PendingDelivery } from './notification-center.js';
export { NotificationDelivery } from './notification-delivery.js';
export { NOTIFICATION_KIND_LABELS, NOTIFICATION_KINDS, type NotificationKind, type NotificationMessage } from './notification.js';
export { ReminderScan } from './reminder-scan.js';
export { verifyWebhookSignature, webhookChannelFromConfig, type WebhookChannel } from './webhook.channel.js';
export { NotificationDeliveryModule, NotificationsModule } from './notifications.module.js';
export { NOTIFICATION_ACTIONS, type NotificationAction, NOTIFICATIONS_ACCESS } from './notifications-access.js';
