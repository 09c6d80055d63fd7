import { describe, it, expect } from '@jest/globals';
import { declaredSelfScore, selfScore } from './self-score.js';

describe('selfScore', () => {
  it('takes the summary table’s declared score before the form’s declared total', () => {
    expect(selfScore({ summarySelfScore: 82.3, total: 80 }, 75.5)).toBe(82.3);
  });

  it('takes the declared total when the summary table declared no score', () => {
    expect(selfScore({ summarySelfScore: null, total: 80 }, 75.5)).toBe(80);
    expect(selfScore({ total: 80 }, 75.5)).toBe(80);
  });

  it('falls back to the computed total when nothing was declared', () => {
    expect(selfScore(null, 75.5)).toBe(75.5);
    expect(selfScore(undefined, 75.5)).toBe(75.5);
    expect(selfScore({ summarySeq: 3, budgetScore: 10 }, 75.5)).toBe(75.5);
  });

  it('keeps a declared 0 (a score, not an absence)', () => {
    expect(selfScore({ summarySelfScore: 0, total: 80 }, 75.5)).toBe(0);
  });

  it('is null when nothing was declared and nothing computed', () => {
    expect(selfScore({}, null)).toBeNull();
  });
});

describe('declaredSelfScore', () => {
  it('ignores the computed total: null when the form declared neither figure', () => {
    expect(declaredSelfScore({ budgetWeight: 10 })).toBeNull();
    expect(declaredSelfScore({ total: 92 })).toBe(92);
  });
});
