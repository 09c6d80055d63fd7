import { describe, expect, it } from '@jest/globals';
import { ROLES, type AuthenticatedUser, type Role } from '#perf-eval/identity';
import type { EvaluationAction, EvaluationState, EvaluationStatus } from '../domain/evaluation.js';
import { EVALUATION_ACCESS, EVALUATION_ACCESS_ACTIONS, assertMay, assertVisible, may, offeredActions, unitsWhere, type EvaluationAccessAction } from './evaluation-access.js';

const person = (roles: Role[], unitIds = ['unit-b'], id = 'u'): AuthenticatedUser => ({ id, username: id, displayName: id, roles, unitIds });
const onA = { unitId: 'unit-a' };
const onB = { unitId: 'unit-b' };

/** Just enough of a form's state for the access rules: its unit, status and authors. */
function form(status: EvaluationStatus, unitId = 'unit-b', authors: string[] = ['author']): EvaluationState {
  return { id: 'e', status, form: { unitId }, createdBy: authors[0], lastEditedBy: authors[0], revisionAuthors: authors } as unknown as EvaluationState;
}

describe('evaluation access', () => {
  describe('the table', () => {
    it('has a row granting someone every action, and no row for an action it does not know', () => {
      expect(Object.keys(EVALUATION_ACCESS).sort()).toEqual([...EVALUATION_ACCESS_ACTIONS].sort());
      for (const action of EVALUATION_ACCESS_ACTIONS) expect(Object.keys(EVALUATION_ACCESS[action]).length).toBeGreaterThan(0);
    });

    it('names only known roles', () => {
      for (const action of EVALUATION_ACCESS_ACTIONS) for (const role of Object.keys(EVALUATION_ACCESS[action])) expect(ROLES).toContain(role);
    });

    it('covers every command of the state machine', () => {
      const commands: Record<EvaluationAction, EvaluationAccessAction> = {
        edit: 'edit',
        submit: 'submit',
        approve: 'approve',
        return: 'return',
        withdraw: 'withdraw',
        claim: 'claim',
        reassign: 'reassign',
        publish: 'publish',
        reopen: 'reopen',
        attach: 'attach',
        detach: 'detach',
      };
      for (const action of Object.values(commands)) expect(EVALUATION_ACCESS_ACTIONS).toContain(action);
    });
  });

  describe('a drafter who is also a manager', () => {
    const lead = person(['drafter', 'manager']);

    it('edits and submits the drafts of their own units', () => {
      expect(may(lead, 'edit', onB)).toBe(true);
      expect(() => assertMay(lead, 'submit', onB)).not.toThrow();
    });

    it("is refused editing or submitting another unit's draft, which the manager role lets them see", () => {
      expect(may(lead, 'read', onA)).toBe(true);
      expect(may(lead, 'edit', onA)).toBe(false);
      expect(may(lead, 'submit', onA)).toBe(false);
      expect(() => assertMay(lead, 'edit', onA)).toThrow(expect.objectContaining({ code: 'FORBIDDEN', details: { action: 'edit', requiredRoles: ['drafter'] } }));
    });

    it("publishes and corrects another unit's forms as a manager", () => {
      expect(may(lead, 'publish', onA)).toBe(true);
      expect(may(lead, 'reopen', onA)).toBe(true);
    });

    it('copies only forms of their own units to next year', () => {
      expect(may(lead, 'copy', onB)).toBe(true);
      expect(may(lead, 'copy', onA)).toBe(false);
    });
  });

  it("refuses an admin who also drafts the other units' drafts, and corrections there", () => {
    const admin = person(['admin', 'drafter']);
    expect(may(admin, 'edit', onA)).toBe(false);
    expect(may(admin, 'reopen', onA)).toBe(false);
    expect(may(admin, 'reopen', onB)).toBe(true);
  });

  it("lets a reviewer review wherever they see (the review queue's units)", () => {
    expect(may(person(['reviewer', 'manager']), 'approve', onA)).toBe(true);
    expect(may(person(['reviewer']), 'approve', onA)).toBe(false);
    expect(may(person(['reviewer']), 'return', onB)).toBe(true);
  });

  it('lets an admin act on no form', () => {
    const admin = person(['admin']);
    for (const action of ['create', 'copy', 'import', 'edit', 'submit', 'approve', 'return', 'publish', 'reopen'] as const) expect(may(admin, action, onB)).toBe(false);
  });

  describe('reading', () => {
    it("answers another unit's form as not found to who does not see it", () => {
      expect(() => assertVisible(person(['drafter', 'reviewer']), form('Draft', 'unit-a'), 'e')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
      expect(() => assertVisible(person(['drafter']), null, 'e')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    });

    it('lets managers and admins read every unit', () => {
      for (const role of ['manager', 'admin'] as const) expect(() => assertVisible(person([role], []), form('Draft', 'unit-a'), 'e')).not.toThrow();
    });
  });

  describe('import', () => {
    it('lets a drafter import into their own units and a manager into any', () => {
      expect(may(person(['drafter']), 'import', onB)).toBe(true);
      expect(may(person(['drafter']), 'import', onA)).toBe(false);
      expect(may(person(['manager'], []), 'import', onA)).toBe(true);
    });

    it("refuses an admin who drafts an import into a unit not theirs, though they see it", () => {
      expect(may(person(['admin', 'drafter']), 'import', onA)).toBe(false);
      expect(unitsWhere(person(['admin', 'drafter']), 'import')).toEqual(['unit-b']);
      expect(unitsWhere(person(['manager'], []), 'import')).toBe('all');
    });

    it('refuses a reviewer', () => {
      expect(() => assertMay(person(['reviewer']), 'import')).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    });
  });

  describe('the queues', () => {
    it.each([
      ['drafter', ['queue.drafts']],
      ['reviewer', ['queue.review']],
      ['manager', ['queue.publish', 'queue.overdue']],
      ['admin', ['queue.publish', 'queue.overdue']],
    ] as const)('gives a %s %j', (role, queues) => {
      const held = (['queue.review', 'queue.publish', 'queue.overdue', 'queue.drafts'] as const).filter((q) => may(person([role]), q));
      expect(held).toEqual(queues);
    });
  });

  describe('what the web app offers on a form', () => {
    it('offers what the state allows and the table grants', () => {
      const drafter = person(['drafter']);
      expect(offeredActions(drafter, form('Draft'))).toEqual(['edit', 'submit', 'attach', 'detach']);
      expect(offeredActions(drafter, form('Submitted'))).toEqual([]);
      expect(offeredActions(drafter, form('Published'))).toEqual(['reopen']);
      expect(offeredActions(person(['manager']), form('Reviewed', 'unit-a'))).toEqual(['publish']);
    });

    it('never offers a review to an author of the revision', () => {
      expect(offeredActions(person(['reviewer'], ['unit-b'], 'author'), form('Submitted'))).toEqual([]);
      expect(offeredActions(person(['reviewer'], ['unit-b'], 'other'), form('Submitted'))).toEqual(['approve', 'return']);
    });
  });
});
