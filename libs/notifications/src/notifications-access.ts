import { rolePolicy } from '#perf-eval/identity';

export const NOTIFICATION_ACTIONS = ['inbox.read', 'inbox.mark-read'] as const;
export type NotificationAction = (typeof NOTIFICATION_ACTIONS)[number];

/** Everyone has an inbox and reads only their own (the queries select by recipient). */
export const NOTIFICATIONS_ACCESS = rolePolicy<NotificationAction>('notifications', {
  'inbox.read': 'signed-in',
  'inbox.mark-read': 'signed-in',
});
