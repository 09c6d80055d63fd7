import { DEFAULT_REMINDER_POLICY, type ReminderPolicy } from './reminder-policy.js';
import { isIsoDuration } from './iso-duration.js';
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

/** The cycle's own rules: the review deadline cannot come before the submission deadline; policies are ISO-8601 durations. */
export function checkCycle(input: CycleInput): Required<CycleInput> {
  if (input.reviewDeadline.getTime() < input.submissionDeadline.getTime()) {
    throw new InvalidCycleError('审核截止时间不能早于提交截止时间', { field: 'reviewDeadline' });
  }
  const policy = input.reminderPolicy ?? DEFAULT_REMINDER_POLICY;
  for (const [field, value] of [...policy.before.map((b, i) => [`reminderPolicy.before[${i}]`, b]), ['reminderPolicy.reviewWait', policy.reviewWait]]) {
    if (!isIsoDuration(value)) throw new InvalidCycleError(`提醒时长格式无效（应为 ISO-8601，如 P7D、PT2M）：${value}`, { field });
  }
  return { ...input, name: input.name.trim(), reminderPolicy: { before: [...new Set(policy.before)], reviewWait: policy.reviewWait } };
}
