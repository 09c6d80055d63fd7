import { describe, expect, it } from '@jest/globals';
import { ROLES, type AuthenticatedUser, type Role } from '#perf-eval/identity';
import type { EvaluationAction, EvaluationState, EvaluationStatus, ReviewComment } from '../domain/evaluation.js';
import { EVALUATION_ACCESS, EVALUATION_ACCESS_ACTIONS, assertMay, assertVisible, may, offeredActions, rolesEverywhere, unitsWhere, type EvaluationAccessAction } from './evaluation-access.js';

const person = (roles: Role[], unitIds = ['unit-b'], id = 'u'): AuthenticatedUser => ({ id, username: id, displayName: id, roles, unitIds });
const onA = { unitId: 'unit-a' };
const onB = { unitId: 'unit-b' };

/** Just enough of a form's state for the access rules: its unit, status and authors. */
function form(status: EvaluationStatus, unitId = 'unit-b', authors: string[] = ['author'], comments: Partial<ReviewComment>[] = []): EvaluationState {
  return { id: 'e', status, revision: 1, comments, form: { unitId }, createdBy: authors[0], lastEditedBy: authors[0], revisionAuthors: authors } as unknown as EvaluationState;
}

describe('evaluation access', () => {
  describe('the table', () => {
    it('has a row granting someone every action, and no row for an action it does not know', () => {
      expect(Object.keys(EVALUATION_ACCESS).sort()).toEqual([...EVALUATION_ACCESS_ACTIONS].sort());
      for (const action of EVALUATION_ACCESS_ACTIONS) expect(Object.keys(EVALUATION_ACCESS[action]).length).toBeGreaterThan(0);
    });

    it('names the roles that import in every unit, for a refusal outside the person’s units', () => {
      expect(rolesEverywhere('import')).toEqual(['manager']);
      expect(rolesEverywhere('edit')).toEqual([]);
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
        resolveComment: 'resolveComment',
        attach: 'attach',
        detach: 'detach',
        discard: 'discard',
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

  describe('a reviewer of a 主管部门', () => {
    // Reviews for the department of unit-a and unit-c (departmentUnitIds, resolved with the session); belongs to no unit.
    const departmental: AuthenticatedUser = { ...person(['reviewer'], []), departmentIds: ['dept-1'], departmentUnitIds: ['unit-a', 'unit-c'] };

    it("reads the forms of the department's units and of no other unit", () => {
      expect(() => assertVisible(departmental, form('Submitted', 'unit-a'), 'e')).not.toThrow();
      expect(() => assertVisible(departmental, form('Published', 'unit-c'), 'e')).not.toThrow();
      expect(() => assertVisible(departmental, form('Submitted', 'unit-b'), 'e')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    });

    it("lists the department's units (with their own, for a reviewer who also belongs to a unit) for the SQL of lists", () => {
      expect(unitsWhere(departmental, 'read')).toEqual(['unit-a', 'unit-c']);
      expect(unitsWhere({ ...departmental, unitIds: ['unit-b', 'unit-a'] }, 'read')).toEqual(['unit-b', 'unit-a', 'unit-c']);
    });

    it("drafts nowhere: departments widen what a person sees, not where they draft", () => {
      const drafting: AuthenticatedUser = { ...departmental, roles: ['drafter'], unitIds: ['unit-b'] };
      expect(may(drafting, 'read', onA)).toBe(true);
      expect(may(drafting, 'edit', onA)).toBe(false);
      expect(unitsWhere(drafting, 'import')).toEqual(['unit-b']);
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
      expect(offeredActions(drafter, form('Draft'))).toEqual(['edit', 'submit', 'attach', 'detach', 'discard']);
      expect(offeredActions(drafter, { ...form('Draft'), revision: 2 })).toEqual(['edit', 'submit', 'attach', 'detach']);
      expect(offeredActions(drafter, form('Submitted'))).toEqual([]);
      expect(offeredActions(drafter, form('Published'))).toEqual(['reopen']);
      expect(offeredActions(person(['manager']), form('Reviewed', 'unit-a'))).toEqual(['publish']);
    });

    it('never offers a review to an author of the revision', () => {
      expect(offeredActions(person(['reviewer'], ['unit-b'], 'author'), form('Submitted'))).toEqual([]);
      expect(offeredActions(person(['reviewer'], ['unit-b'], 'other'), form('Submitted'))).toEqual(['approve', 'return', 'claim']);
      const open = [{ id: 'c-1', kind: 'return' as const, revision: 1 }];
      expect(offeredActions(person(['reviewer'], ['unit-b'], 'author'), form('Submitted', 'unit-b', ['author'], open))).toEqual([]);
    });

    it('offers resolving a comment to a reviewer while a return comment of this revision is open', () => {
      const reviewer = person(['reviewer'], ['unit-b'], 'other');
      const comment = (c: Partial<ReviewComment>) => ({ id: 'c-1', kind: 'return' as const, revision: 1, ...c });
      expect(offeredActions(reviewer, form('Submitted', 'unit-b', ['author'], [comment({})]))).toEqual(['approve', 'return', 'claim', 'resolveComment']);
      expect(offeredActions(reviewer, form('Submitted', 'unit-b', ['author'], [comment({ resolvedBy: 'other', resolvedAt: '2022-01-01T00:00:00Z' })]))).toEqual(['approve', 'return', 'claim']);
      expect(offeredActions(reviewer, form('Submitted', 'unit-b', ['author'], [comment({ kind: 'approval' }), comment({ revision: 0 })]))).toEqual(['approve', 'return', 'claim']);
      expect(offeredActions(person(['drafter'], ['unit-b'], 'other'), form('Submitted', 'unit-b', ['author'], [comment({})]))).toEqual([]);
    });

    it('offers the department step only to the reviewers of the unit’s department, and never to an earlier step’s approver', () => {
      const atDepartment = {
        ...form('Submitted'),
        review: { chain: ['unit', 'department'], step: 1, approvals: [{ step: 0, name: 'unit', by: 'unit-reviewer', at: '', comment: null }], claimedBy: null, claimedAt: null, assignedBy: null },
      } as EvaluationState;
      const unitReviewer = person(['reviewer'], ['unit-b'], 'unit-reviewer');
      const otherUnitReviewer = person(['reviewer'], ['unit-b'], 'other');
      const departmentReviewer = { ...person(['reviewer'], [], 'dept'), departmentIds: ['d-1'], departmentUnitIds: ['unit-b'] };
      const otherDepartment = { ...person(['reviewer'], [], 'dept-2'), departmentIds: ['d-2'], departmentUnitIds: ['unit-c'] };
      expect(offeredActions(departmentReviewer, atDepartment)).toEqual(['approve', 'return', 'claim']);
      expect(offeredActions(unitReviewer, atDepartment)).toEqual([]);
      expect(offeredActions(otherUnitReviewer, atDepartment)).toEqual([]);
      expect(offeredActions(otherDepartment, atDepartment)).toEqual([]);
      // At the unit step, the department's reviewers may read but not act.
      expect(offeredActions(departmentReviewer, form('Submitted'))).toEqual([]);
    });

    it('offers withdraw only to the drafter who submitted, before any approval', () => {
      const submittedBy = { ...form('Submitted', 'unit-b', ['author']), submittedBy: 'author', review: { chain: ['unit'], step: 0, approvals: [], claimedBy: null, claimedAt: null, assignedBy: null } } as EvaluationState;
      expect(offeredActions(person(['drafter'], ['unit-b'], 'author'), submittedBy)).toEqual(['withdraw']);
      expect(offeredActions(person(['drafter'], ['unit-b'], 'co-drafter'), submittedBy)).toEqual([]);
    });
  });
});
