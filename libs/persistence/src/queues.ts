import { processConfig, type AppConfig } from '#perf-eval/config';

/** The BullMQ queues between the API, the outbox relay and the workers. */
export const QUEUES = {
  evaluationEvents: 'evaluation-events',
  scoring: 'scoring',
  reminders: 'reminders',
  deliveries: 'deliveries',
} as const;

/** Retries with backoff; a job that keeps failing stays in the failed set for admins to see. */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: false,
} as const;

/** Workers beat into this sorted set (score = last beat); /api/health reads it. */
export function workersKey(prefix: string): string {
  return `${prefix}:workers`;
}

/** The last beat of any worker (or the moment the last one stopped): /api/health says since when they are silent. */
export function workersLastBeatKey(prefix: string): string {
  return `${prefix}:workers:last-beat`;
}

/**
 * Options of every processor. A killed worker's jobs are taken up again once their lock expires;
 * JOB_LOCK_MS shortens that for tests and small deployments (jobs here take milliseconds).
 *
 * Getters: @Processor runs when its file is imported, before the process has loaded its configuration; Nest
 * reads these when it builds the worker.
 */
export function processorOptions(concurrency: (config: AppConfig) => number) {
  return {
    get concurrency() {
      return concurrency(processConfig());
    },
    get lockDuration() {
      return processConfig().jobLockMs;
    },
    get stalledInterval() {
      return processConfig().jobLockMs;
    },
  };
}
