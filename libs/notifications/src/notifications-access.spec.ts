import { describe, expect, it } from '@jest/globals';
import { ROLES, type AuthenticatedUser } from '#perf-eval/identity';
import { NOTIFICATION_ACTIONS, NOTIFICATIONS_ACCESS } from './notifications-access.js';

describe('notifications access', () => {
  it('has a row for every action', () => {
    expect([...NOTIFICATIONS_ACCESS.actions].sort()).toEqual([...NOTIFICATION_ACTIONS].sort());
  });

  it('gives everyone their own inbox', () => {
    for (const role of ROLES) {
      const user: AuthenticatedUser = { id: 'u', username: 'u', displayName: 'u', roles: [role], unitIds: [] };
      for (const action of NOTIFICATION_ACTIONS) expect(NOTIFICATIONS_ACCESS.may(user, action)).toBe(true);
    }
  });
});
