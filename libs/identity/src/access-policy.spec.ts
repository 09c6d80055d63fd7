import { describe, expect, it } from '@jest/globals';
import { rolePolicy } from './access-policy.js';
import { IDENTITY_ACCESS, IDENTITY_ACTIONS } from './identity-access.js';
import { ROLES, canSeeUnit, seesAllUnits, type AuthenticatedUser, type Role } from './roles.js';

const person = (roles: Role[], unitIds = ['unit-b']): AuthenticatedUser => ({ id: 'u', username: 'u', displayName: 'u', roles, unitIds });

describe('a role policy', () => {
  const policy = rolePolicy<'open' | 'managed'>('test', { open: 'signed-in', managed: ['manager'] });

  it('grants a signed-in row to every signed-in person, whatever their roles', () => {
    for (const role of ROLES) expect(policy.may(person([role]), 'open')).toBe(true);
    expect(policy.rolesFor('open')).toEqual(ROLES);
  });

  it('grants a row of roles to whoever holds one of them', () => {
    expect(policy.may(person(['drafter', 'manager']), 'managed')).toBe(true);
    expect(policy.may(person(['drafter', 'admin']), 'managed')).toBe(false);
    expect(policy.rolesFor('managed')).toEqual(['manager']);
  });

  it('lists the actions of its table', () => {
    expect(policy.actions).toEqual(['open', 'managed']);
  });
});

describe('identity access', () => {
  it('has a row for every action', () => {
    expect([...IDENTITY_ACCESS.actions].sort()).toEqual([...IDENTITY_ACTIONS].sort());
  });

  it('lets only admins run units, departments, users and the queues', () => {
    for (const action of IDENTITY_ACTIONS.filter((a) => a !== 'units.list' && a !== 'departments.list')) {
      expect(IDENTITY_ACCESS.may(person(['admin']), action)).toBe(true);
      expect(IDENTITY_ACCESS.may(person(['drafter', 'reviewer', 'manager']), action)).toBe(false);
    }
  });

  it('lets everyone signed in read the unit and department lists', () => {
    for (const role of ROLES) expect(IDENTITY_ACCESS.may(person([role]), 'units.list')).toBe(true);
    for (const role of ROLES) expect(IDENTITY_ACCESS.may(person([role]), 'departments.list')).toBe(true);
  });
});

describe('unit scope', () => {
  it('shows managers and admins every unit, everyone else their own', () => {
    expect(seesAllUnits(person(['manager'], []))).toBe(true);
    expect(seesAllUnits(person(['admin'], []))).toBe(true);
    expect(canSeeUnit(person(['drafter', 'reviewer']), 'unit-a')).toBe(false);
    expect(canSeeUnit(person(['drafter', 'reviewer']), 'unit-b')).toBe(true);
  });
});
