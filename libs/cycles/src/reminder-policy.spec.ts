import { describe, expect, it } from '@jest/globals';
import { dueNotices, DEFAULT_REMINDER_POLICY, type CycleDeadlines, type EvaluationProgress } from './reminder-policy.js';
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
