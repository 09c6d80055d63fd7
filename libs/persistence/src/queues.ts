/** The BullMQ queues between the API, the outbox relay and the workers. */
export const QUEUES = {
  evaluationEvents: 'evaluation-events',
  scoring: 'scoring',
  reminders: 'reminders',
  deliveries: 'deliveries',
} as const;

export function queuePrefix(): string {
  return process.env.QUEUE_PREFIX ?? 'perf-eval';
}

/** Retries with backoff; a job that keeps failing stays in the failed set for admins to see. */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: false,
} as const;

/** Workers beat into this sorted set (score = last beat); /api/health reads it. */
export function workersKey(): string {
  return `${queuePrefix()}:workers`;
}

/** The last beat of any worker (or the moment the last one stopped): /api/health says since when they are silent. */
export function workersLastBeatKey(): string {
  return `${queuePrefix()}:workers:last-beat`;
}

/**
 * Options of every processor. A killed worker's jobs are taken up again once their lock expires;
 * JOB_LOCK_MS shortens that for tests and small deployments (jobs here take milliseconds).
 */
export function processorOptions(concurrency: number) {
  const lock = Number(process.env.JOB_LOCK_MS ?? 30_000);
  return { concurrency, lockDuration: lock, stalledInterval: lock };
}
