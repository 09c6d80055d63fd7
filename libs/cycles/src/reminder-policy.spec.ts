import { describe, expect, it } from '@jest/globals';
import { dueNotices, reminderScanScope, DEFAULT_REMINDER_POLICY, type CycleDeadlines, type EvaluationProgress, type ReminderScanScope } from './reminder-policy.js';
import { durationMs, isIsoDuration } from './iso-duration.js';

const DEADLINE = new Date('2026-12-01T10:00:00Z'); // 18:00 Beijing time
const REVIEW = new Date('2026-12-10T10:00:00Z');
const cycle: CycleDeadlines = { id: 'c-1', submissionDeadline: DEADLINE, reviewDeadline: REVIEW, policy: DEFAULT_REMINDER_POLICY };
const draft: EvaluationProgress = { id: 'e-draft', status: 'Draft', submittedAt: null };
const day = 24 * 3600 * 1000;
const at = (ms: number) => new Date(DEADLINE.getTime() + ms);
const summary = (notices: ReturnType<typeof dueNotices>) => notices.map((n) => `${n.kind}/${n.audience}/${n.key}`);

describe('dueNotices', () => {
  describe('before the submission deadline', () => {
    it('is silent more than 7 days ahead', () => {
      expect(dueNotices(cycle, [draft], at(-8 * day))).toEqual([]);
    });

    it('reminds the drafters 7, 3 and 1 days ahead, each moment under its own key', () => {
      expect(summary(dueNotices(cycle, [draft], at(-7 * day)))).toEqual(['reminder/drafters/submission@2026-12-01T10:00:00.000Z-P7D']);
      expect(summary(dueNotices(cycle, [draft], at(-5 * day)))).toEqual(['reminder/drafters/submission@2026-12-01T10:00:00.000Z-P7D']);
      expect(summary(dueNotices(cycle, [draft], at(-3 * day)))).toEqual(['reminder/drafters/submission@2026-12-01T10:00:00.000Z-P3D']);
      expect(summary(dueNotices(cycle, [draft], at(-1 * day + 1)))).toEqual(['reminder/drafters/submission@2026-12-01T10:00:00.000Z-P1D']);
    });

    it('after a pause gives only the latest reminder, not every missed one', () => {
      expect(summary(dueNotices(cycle, [draft], at(-2 * day)))).toEqual(['reminder/drafters/submission@2026-12-01T10:00:00.000Z-P3D']);
    });

    it('says nothing about a form already submitted in time', () => {
      const submitted: EvaluationProgress = { id: 'e-s', status: 'Submitted', submittedAt: at(-2 * day) };
      expect(dueNotices(cycle, [submitted], at(-1 * day))).toEqual([]);
      expect(dueNotices(cycle, [submitted], at(0)).filter((n) => n.audience === 'drafters')).toEqual([]);
    });
  });

  describe('at the submission deadline', () => {
    it('sends the overdue notice to drafters and the escalation to managers', () => {
      expect(summary(dueNotices(cycle, [draft], at(0)))).toEqual([
        'overdue/drafters/submission@2026-12-01T10:00:00.000Z',
        'escalation/managers/submission@2026-12-01T10:00:00.000Z',
      ]);
    });

    it('keys notices by the deadline, so a moved deadline makes new ones', () => {
      const moved = { ...cycle, submissionDeadline: new Date('2026-12-05T10:00:00Z') };
      expect(summary(dueNotices(moved, [draft], at(0)))).toEqual(['reminder/drafters/submission@2026-12-05T10:00:00.000Z-P7D']);
    });
  });

  describe('review', () => {
    const submitted: EvaluationProgress = { id: 'e-s', status: 'Submitted', submittedAt: new Date('2026-12-02T00:00:00Z') };

    it('reminds reviewers when a form has waited longer than reviewWait', () => {
      expect(dueNotices(cycle, [submitted], new Date('2026-12-04T23:59:59Z'))).toEqual([]);
      expect(summary(dueNotices(cycle, [submitted], new Date('2026-12-05T00:00:00Z')))).toEqual([
        'review_overdue/reviewers/waiting-since@2026-12-02T00:00:00.000Z',
      ]);
    });

    it('escalates to managers after the review deadline', () => {
      expect(summary(dueNotices(cycle, [submitted], REVIEW))).toEqual([
        'review_overdue/reviewers/review@2026-12-10T10:00:00.000Z',
        'escalation/managers/review@2026-12-10T10:00:00.000Z',
      ]);
    });

    it('leaves reviewed and published forms alone', () => {
      expect(dueNotices(cycle, [{ id: 'r', status: 'Reviewed', submittedAt: null }, { id: 'p', status: 'Published', submittedAt: null }], REVIEW)).toEqual([]);
    });
  });

  it('runs a trial cycle minutes ahead', () => {
    const trial = { ...cycle, policy: { before: ['PT2M', 'PT1M'], reviewWait: 'PT5M' } };
    expect(dueNotices(trial, [draft], at(-3 * 60_000))).toEqual([]);
    expect(summary(dueNotices(trial, [draft], at(-90_000)))).toEqual(['reminder/drafters/submission@2026-12-01T10:00:00.000Z-PT2M']);
    expect(summary(dueNotices(trial, [draft], at(-30_000)))).toEqual(['reminder/drafters/submission@2026-12-01T10:00:00.000Z-PT1M']);
  });
});

describe('ISO-8601 durations', () => {
  it('reads days, weeks, hours, minutes and seconds', () => {
    expect(durationMs('P7D')).toBe(7 * day);
    expect(durationMs('P1W')).toBe(7 * day);
    expect(durationMs('PT2M')).toBe(120_000);
    expect(durationMs('P1DT12H')).toBe(1.5 * day);
    expect(durationMs('PT30S')).toBe(30_000);
  });

  it('refuses what is not a duration', () => {
    for (const bad of ['7D', 'P', 'PT', 'P1DT', 'P-1D', 'three days', '']) expect(isIsoDuration(bad)).toBe(false);
    expect(() => durationMs('P')).toThrow(expect.objectContaining({ code: 'INVALID_DURATION' }));
  });
});

describe('reminderScanScope', () => {
  /** What the scan's SQL selects for a form last changed at `updatedAt` (reminder-scan.ts says it in SQL). */
  function selects(scope: ReminderScanScope, form: EvaluationProgress, updatedAt: Date): boolean {
    const changed = scope.changedSince !== null && updatedAt >= scope.changedSince;
    if (form.status === 'Draft') return scope.drafts === 'all' || (scope.drafts === 'changed' && changed);
    if (form.status !== 'Submitted') return false;
    if (scope.reviewPassed) return scope.allSubmitted || changed;
    return form.submittedAt !== null && form.submittedAt <= scope.waitedSince && (scope.waitEndedAfter === null || form.submittedAt > scope.waitEndedAfter || changed);
  }
  const keys = (form: EvaluationProgress, now: Date) => dueNotices(cycle, [form], now).map((n) => `${n.kind}/${n.key}`);

  it('reads everything that can be due the first time, and when the clock is behind the last scan', () => {
    for (const last of [null, at(-2 * day)]) {
      const scope = reminderScanScope(cycle, last, at(-3 * day));
      expect(scope).toMatchObject({ drafts: 'all', reviewPassed: false, waitEndedAfter: null, changedSince: null });
    }
    expect(reminderScanScope(cycle, null, at(11 * day))).toMatchObject({ drafts: 'all', reviewPassed: true, allSubmitted: true });
    expect(reminderScanScope(cycle, null, at(-8 * day)).drafts).toBe('none');
  });

  it('reads all drafts again when a moment passed since the last scan, else only the changed ones', () => {
    expect(reminderScanScope(cycle, at(-8 * day), at(-7 * day)).drafts).toBe('all');
    expect(reminderScanScope(cycle, at(-7 * day), at(-5 * day)).drafts).toBe('changed');
    expect(reminderScanScope(cycle, at(-2 * day), at(0)).drafts).toBe('all');
    expect(reminderScanScope(cycle, at(1), at(2 * day)).drafts).toBe('changed');
    expect(reminderScanScope(cycle, at(8 * day), at(9 * day)).allSubmitted).toBe(true); // the review deadline is 9 days after
    expect(reminderScanScope(cycle, at(10 * day), at(11 * day)).allSubmitted).toBe(false);
  });

  it('leaves out only forms whose notices were all due at the last scan (10,000 random forms and pairs of moments)', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const moment = () => at(Math.round((random() * 22 - 10) * day));
    let skipped = 0;
    for (let i = 0; i < 10_000; i++) {
      const [a, b] = [moment(), moment()].sort((x, y) => x.getTime() - y.getTime());
      const submitted = random() < 0.5;
      // A form unchanged since before the last scan (minus the margin): what it is now, it was then.
      const form: EvaluationProgress = submitted
        ? { id: `e-${i}`, status: 'Submitted', submittedAt: new Date(a.getTime() - 11 * 60_000 - random() * 9 * day) }
        : { id: `e-${i}`, status: 'Draft', submittedAt: null };
      const updatedAt = submitted ? form.submittedAt! : new Date(a.getTime() - 11 * 60_000 - random() * day);
      const scope = reminderScanScope(cycle, a, b);
      if (selects(scope, form, updatedAt)) continue;
      skipped++;
      const before = new Set(keys(form, a));
      expect(keys(form, b).filter((k) => !before.has(k))).toEqual([]);
    }
    expect(skipped).toBeGreaterThan(3000);
  });

  it('reads a form changed shortly before the last scan (a command in flight then)', () => {
    const scope = reminderScanScope(cycle, at(-5 * day), at(-4 * day));
    expect(selects(scope, draft, new Date(at(-5 * day).getTime() - 5 * 60_000))).toBe(true);
    expect(selects(scope, draft, new Date(at(-5 * day).getTime() - 11 * 60_000))).toBe(false);
  });
});
