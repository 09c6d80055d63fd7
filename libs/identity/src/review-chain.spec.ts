import { describe, expect, it } from '@jest/globals';
import { assertReviewChain, DEFAULT_REVIEW_CHAIN, reviewChainProblem } from './review-chain.js';
import { canSeeUnit, visibleUnitIds, type AuthenticatedUser } from './roles.js';

describe('a unit’s review chain', () => {
  it('is the unit’s own review alone by default (today’s behaviour)', () => {
    expect(DEFAULT_REVIEW_CHAIN).toEqual(['unit']);
    expect(reviewChainProblem(DEFAULT_REVIEW_CHAIN, false)).toBeNull();
  });

  it('may go on to the 主管部门 when the unit has one', () => {
    expect(reviewChainProblem(['unit', 'department'], true)).toBeNull();
    expect(reviewChainProblem(['unit', 'department'], false)).toBe('NO_DEPARTMENT');
  });

  it.each([
    [[], 'EMPTY'],
    [['unit', 'auditor'], 'UNKNOWN_STEP'],
    [['unit', 'unit'], 'DUPLICATE_STEP'],
    [['department', 'unit'], 'MUST_START_WITH_UNIT'],
    [['department'], 'MUST_START_WITH_UNIT'],
  ])('refuses %j (%s)', (chain, problem) => {
    expect(reviewChainProblem(chain, true)).toBe(problem);
  });

  it('is refused with INVALID_REVIEW_CHAIN, its reason and a Chinese message', () => {
    expect(() => assertReviewChain(['department', 'unit'], true)).toThrow(
      expect.objectContaining({ code: 'INVALID_REVIEW_CHAIN', details: { reason: 'MUST_START_WITH_UNIT' }, message: '审核流程必须以单位审核开始' }),
    );
  });
});

describe('the units a person sees', () => {
  const person = (over: Partial<AuthenticatedUser>): AuthenticatedUser => ({ id: 'u', username: 'u', displayName: 'u', roles: ['reviewer'], unitIds: [], ...over });

  it('are their own units and their departments’ units, each once', () => {
    const user = person({ unitIds: ['a', 'b'], departmentIds: ['d'], departmentUnitIds: ['b', 'c'] });
    expect(visibleUnitIds(user)).toEqual(['a', 'b', 'c']);
    expect(['a', 'b', 'c', 'x'].map((unit) => canSeeUnit(user, unit))).toEqual([true, true, true, false]);
  });

  it('are their own units for a session without departments', () => {
    expect(visibleUnitIds(person({ unitIds: ['a'] }))).toEqual(['a']);
  });

  it('are every unit for managers and admins, whatever their lists say', () => {
    expect(canSeeUnit(person({ roles: ['manager'] }), 'x')).toBe(true);
  });
});
