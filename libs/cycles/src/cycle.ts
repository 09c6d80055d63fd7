import { DEFAULT_REMINDER_POLICY, type ReminderPolicy } from './reminder-policy.js';
import { durationMs, isIsoDuration } from './iso-duration.js';
import { DomainError } from '#perf-eval/errors';

export interface CycleInput {
  fiscalYear: number;
  name: string;
  submissionDeadline: Date;
  reviewDeadline: Date;
  reminderPolicy?: ReminderPolicy;
}

export class InvalidCycleError extends DomainError {
  readonly code = 'INVALID_CYCLE';
  constructor(
    message: string,
    override readonly details: { field: string },
  ) {
    super(message);
  }
}

export class CycleNotFoundError extends DomainError {
  readonly code = 'CYCLE_NOT_FOUND';
  constructor(id: string) {
    super(`评价批次不存在：${id}`);
  }
}

const MAX_REMINDER_MS = 366 * 24 * 3600 * 1000;

/** The cycle's own rules: the review deadline cannot come before the submission deadline; policies are ISO-8601 durations. */
export function checkCycle(input: CycleInput): Required<CycleInput> {
  for (const field of ['submissionDeadline', 'reviewDeadline'] as const) {
    const year = input[field].getUTCFullYear();
    // "+2030-01-01T00:00:00Z" passes an ISO check and is no date at all (NaN), which PostgreSQL would refuse.
    if (!Number.isFinite(input[field].getTime()) || year < 1970 || year > 9999) {
      throw new InvalidCycleError('截止时间无效（应为 1970 至 9999 年间带时区的时间，如 2026-03-31T23:59:59+08:00）', { field });
    }
  }
  if (input.reviewDeadline.getTime() < input.submissionDeadline.getTime()) {
    throw new InvalidCycleError('审核截止时间不能早于提交截止时间', { field: 'reviewDeadline' });
  }
  const policy = input.reminderPolicy ?? DEFAULT_REMINDER_POLICY;
  for (const [field, value] of [...policy.before.map((b, i) => [`reminderPolicy.before[${i}]`, b]), ['reminderPolicy.reviewWait', policy.reviewWait]]) {
    if (!isIsoDuration(value)) throw new InvalidCycleError(`提醒时长格式无效（应为 ISO-8601，如 P7D、PT2M）：${value}`, { field });
    // A reminder a year or more ahead is no reminder, and a huge one is no date to compare with (the scan would fail).
    if (durationMs(value) > MAX_REMINDER_MS) throw new InvalidCycleError(`提醒时长不能超过 366 天：${value}`, { field });
  }
  return { ...input, name: input.name.trim(), reminderPolicy: { before: [...new Set(policy.before)], reviewWait: policy.reviewWait } };
}
