import { describe, expect, it } from '@jest/globals';
import { ROLES, type AuthenticatedUser, type Role } from '#perf-eval/identity';
import { REPORTING_ACCESS, REPORTING_ACTIONS } from './reporting-access.js';

const person = (roles: Role[]): AuthenticatedUser => ({ id: 'u', username: 'u', displayName: 'u', roles, unitIds: [] });

describe('reporting access', () => {
  it('has a row for every action', () => {
    expect([...REPORTING_ACCESS.actions].sort()).toEqual([...REPORTING_ACTIONS].sort());
  });

  it('gives the board and the publication pack to managers and admins only', () => {
    for (const action of ['board.read', 'publication.download'] as const) {
      expect(REPORTING_ACCESS.may(person(['manager']), action)).toBe(true);
      expect(REPORTING_ACCESS.may(person(['admin']), action)).toBe(true);
      expect(REPORTING_ACCESS.may(person(['drafter', 'reviewer']), action)).toBe(false);
    }
  });

  it('gives everyone the summary table and its exports (within the units they see)', () => {
    for (const role of ROLES) for (const action of ['summary.read', 'summary.export', 'fiscal-years.list'] as const) expect(REPORTING_ACCESS.may(person([role]), action)).toBe(true);
  });
});
