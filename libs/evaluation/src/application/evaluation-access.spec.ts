import { describe, expect, it } from '@jest/globals';
import type { AuthenticatedUser, Role } from '#perf-eval/identity';
import { assertMay, mayAct } from './evaluation-access.js';

const person = (roles: Role[], unitIds = ['unit-b']): AuthenticatedUser => ({ id: 'u', username: 'u', displayName: 'u', roles, unitIds });

describe('evaluation access', () => {
  describe('a drafter who is also a manager', () => {
    const lead = person(['drafter', 'manager']);

    it('edits and submits the drafts of their own units', () => {
      expect(mayAct(lead, 'edit', 'unit-b')).toBe(true);
      expect(() => assertMay(lead, 'submit', 'unit-b')).not.toThrow();
    });

    it("is refused editing or submitting another unit's draft, which the manager role lets them see", () => {
      expect(mayAct(lead, 'edit', 'unit-a')).toBe(false);
      expect(mayAct(lead, 'submit', 'unit-a')).toBe(false);
      expect(() => assertMay(lead, 'edit', 'unit-a')).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    });

    it("publishes and corrects another unit's forms as a manager", () => {
      expect(mayAct(lead, 'publish', 'unit-a')).toBe(true);
      expect(mayAct(lead, 'reopen', 'unit-a')).toBe(true);
    });
  });

  it("refuses an admin who also drafts the other units' drafts, and corrections there", () => {
    const admin = person(['admin', 'drafter']);
    expect(mayAct(admin, 'edit', 'unit-a')).toBe(false);
    expect(mayAct(admin, 'reopen', 'unit-a')).toBe(false);
    expect(mayAct(admin, 'reopen', 'unit-b')).toBe(true);
  });

  it("lets a reviewer review wherever they see (the review queue's units)", () => {
    expect(mayAct(person(['reviewer', 'manager']), 'approve', 'unit-a')).toBe(true);
  });
});
