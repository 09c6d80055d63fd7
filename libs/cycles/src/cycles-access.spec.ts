import { describe, expect, it } from '@jest/globals';
import { ROLES, type AuthenticatedUser, type Role } from '#perf-eval/identity';
import { CYCLE_ACTIONS, CYCLES_ACCESS } from './cycles-access.js';

const person = (roles: Role[]): AuthenticatedUser => ({ id: 'u', username: 'u', displayName: 'u', roles, unitIds: [] });

describe('cycles access', () => {
  it('has a row for every action', () => {
    expect([...CYCLES_ACCESS.actions].sort()).toEqual([...CYCLE_ACTIONS].sort());
  });

  it('lets only managers create and change cycles and recompute them', () => {
    for (const action of ['cycles.create', 'cycles.update', 'cycles.recompute'] as const) {
      expect(CYCLES_ACCESS.may(person(['manager']), action)).toBe(true);
      expect(CYCLES_ACCESS.may(person(['drafter', 'reviewer', 'admin']), action)).toBe(false);
    }
  });

  it('lets managers and admins follow a recompute run', () => {
    expect(CYCLES_ACCESS.may(person(['admin']), 'recompute-runs.view')).toBe(true);
    expect(CYCLES_ACCESS.may(person(['reviewer']), 'recompute-runs.view')).toBe(false);
  });

  it('shows everyone the deadlines', () => {
    for (const role of ROLES) expect(CYCLES_ACCESS.may(person([role]), 'cycles.list')).toBe(true);
  });
});
