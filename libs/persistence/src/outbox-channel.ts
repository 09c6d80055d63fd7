/** The channel on which PostgreSQL announces new outbox rows (NOTIFY at commit; the relay LISTENs). */
export const OUTBOX_CHANNEL = 'outbox';
