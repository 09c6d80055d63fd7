import { canSeeUnit, ROLE_LABELS, seesAllUnits, visibleUnitIds, type AuthenticatedUser, type Role } from '#perf-eval/identity';
import { allowedActions, isSelfReview, mayDiscard, openableComments, type EvaluationAction, type EvaluationState } from '../domain/evaluation.js';
import { EvaluationError, EvaluationNotFoundError } from '../domain/evaluation.errors.js';
import { currentStep } from '../domain/review.js';

export class ActionForbiddenError extends EvaluationError {
  readonly code = 'FORBIDDEN';
  override readonly details: { action: string; requiredRoles: Role[] };
  constructor(action: string, requiredRoles: readonly Role[]) {
    super(`您没有执行此操作的权限（需要角色：${requiredRoles.map((r) => ROLE_LABELS[r] ?? r).join(' / ')}）`);
    this.details = { action, requiredRoles: [...requiredRoles] };
  }
}

/**
 * Where a role counts for an action on a form of a unit:
 * - `own units`: the units the person belongs to (a drafter drafts for their units, also when another role,
 *   manager or admin, lets them see every unit);
 * - `visible units`: wherever the person sees (identity's unit scope: own units and the units of their 主管部门,
 *   all for managers and admins);
 * - `all units`: every unit;
 * - `review step`: the units where the person reviews the step the form is at — the unit step (单位审核) in their
 *   own units (every unit for someone who sees all), the department step (主管部门审核) in the units of the
 *   departments they review for (`departmentUnitIds`).
 */
export type UnitScope = 'own units' | 'visible units' | 'all units' | 'review step';

export const EVALUATION_ACCESS_ACTIONS = [
  'read',
  'create',
  'copy',
  'import',
  'edit',
  'submit',
  'approve',
  'return',
  'withdraw',
  'claim',
  'reassign',
  'publish',
  'reopen',
  'resolveComment',
  'attach',
  'detach',
  'discard',
  'queue.review',
  'queue.publish',
  'queue.overdue',
  'queue.drafts',
] as const;
export type EvaluationAccessAction = (typeof EVALUATION_ACCESS_ACTIONS)[number];

/**
 * THE table of the evaluation context (DOMAIN.md's "People and the lifecycle"): for each action, the roles that
 * grant it and in which units. `read` covers the form, its history, its exports and its evidence files (refused: 404, as if the form
 * did not exist); every other refusal is 403 FORBIDDEN. The state column is the aggregate's transitions table
 * (`allowedActions(status)`, 409 ILLEGAL_TRANSITION) and its self-review rule (403 SELF_REVIEW_FORBIDDEN):
 * `offeredActions` joins the three for the web app. A `queue.*` row says whose work list (and count) it is.
 */
export const EVALUATION_ACCESS: { readonly [A in EvaluationAccessAction]: Readonly<Partial<Record<Role, UnitScope>>> } = {
  read: { drafter: 'visible units', reviewer: 'visible units', manager: 'visible units', admin: 'visible units' },
  create: { drafter: 'own units' },
  copy: { drafter: 'own units' },
  import: { drafter: 'own units', manager: 'all units' },
  edit: { drafter: 'own units' },
  submit: { drafter: 'own units' },
  approve: { reviewer: 'review step' },
  return: { reviewer: 'review step' },
  withdraw: { drafter: 'own units' },
  claim: { reviewer: 'review step' },
  reassign: { manager: 'all units' },
  publish: { manager: 'all units' },
  reopen: { manager: 'all units', drafter: 'own units' },
  // Marking a return comment resolved is part of reviewing: whoever may return the form.
  resolveComment: { reviewer: 'review step' },
  // Evidence is the drafter's, as the form is: added and removed by whoever edits it; read with it (`read`).
  attach: { drafter: 'own units' },
  detach: { drafter: 'own units' },
  // 删除草稿: the drafters of the unit, as they create and edit its forms.
  discard: { drafter: 'own units' },
  'queue.review': { reviewer: 'visible units' },
  'queue.publish': { manager: 'all units', admin: 'all units' },
  'queue.overdue': { manager: 'all units', admin: 'all units' },
  'queue.drafts': { drafter: 'own units' },
};

export function rolesFor(action: EvaluationAccessAction): Role[] {
  return Object.keys(EVALUATION_ACCESS[action]) as Role[];
}

/** The roles that grant `action` in every unit: whom a refusal outside the person's units names. */
export function rolesEverywhere(action: EvaluationAccessAction): Role[] {
  return rolesFor(action).filter((role) => EVALUATION_ACCESS[action][role] === 'all units');
}

/** The form acted on: its unit, and the review step it is at (while Submitted). */
export interface AccessTarget {
  unitId: string;
  reviewStep?: string | null;
}

function inScope(user: AuthenticatedUser, scope: UnitScope, on: AccessTarget): boolean {
  const { unitId } = on;
  switch (scope) {
    case 'review step':
      return reviewsStepIn(user, on.reviewStep ?? 'unit', unitId);
    case 'own units':
      return user.unitIds.includes(unitId);
    case 'visible units':
      return canSeeUnit(user, unitId);
    case 'all units':
      return true;
    default:
      return scope satisfies never;
  }
}

function grantedScopes(user: AuthenticatedUser, action: EvaluationAccessAction): UnitScope[] {
  const row = EVALUATION_ACCESS[action];
  return user.roles.flatMap((role) => row[role] ?? []);
}

/**
 * The one question of this context. `on.unitId`: the unit of the form acted on; without it, whether any of the
 * person's roles grants the action somewhere (create and import ask again once they know the unit).
 */
export function may(user: AuthenticatedUser, action: EvaluationAccessAction, on?: AccessTarget): boolean {
  return grantedScopes(user, action).some((scope) => on === undefined || inScope(user, scope, on));
}

/** Whether the person's units (for the unit step) or departments (for the department step) cover the unit. */
export function reviewsStepIn(user: AuthenticatedUser, step: string, unitId: string): boolean {
  if (step === 'department') return (user.departmentUnitIds ?? []).includes(unitId);
  return seesAllUnits(user) || user.unitIds.includes(unitId);
}

export function assertMay(user: AuthenticatedUser, action: EvaluationAccessAction, on?: AccessTarget): void {
  if (!may(user, action, on)) throw new ActionForbiddenError(action, rolesFor(action));
}

/** The units where the person may do `action`: every unit, or a list (for the SQL of lists and imports). */
export function unitsWhere(user: AuthenticatedUser, action: EvaluationAccessAction): 'all' | string[] {
  const scopes = grantedScopes(user, action);
  if (scopes.some((scope) => scope === 'all units' || ((scope === 'visible units' || scope === 'review step') && seesAllUnits(user)))) return 'all';
  // `review step` covers both steps' units: their own (unit step) and their departments' (department step).
  return [...new Set(scopes.flatMap((scope) => (scope === 'own units' ? user.unitIds : visibleUnitIds(user))))];
}

/** Another unit's evaluation answers as if it did not exist. */
export function assertVisible(user: AuthenticatedUser, state: EvaluationState | null, id: string): asserts state is EvaluationState {
  if (!state || !may(user, 'read', { unitId: state.form.unitId })) throw new EvaluationNotFoundError(id);
}

const REVIEW_ACTIONS: ReadonlySet<EvaluationAction> = new Set(['approve', 'return', 'claim', 'resolveComment']);

/** Where the form is, for the table: its unit and, while Submitted, the step that reviews it now. */
export function accessTarget(state: EvaluationState): AccessTarget {
  return { unitId: state.form.unitId, reviewStep: state.status === 'Submitted' ? currentStep(state.review) : null };
}

/**
 * The commands the web app offers on a form: what its state allows, the table grants, and the review rules leave
 * (never review what you wrote, nor two steps of one submission; withdraw only one's own submission before any
 * approval; claim only what nobody holds; resolve a comment only while a return comment of this revision is open).
 */
export function offeredActions(user: AuthenticatedUser, state: EvaluationState): EvaluationAction[] {
  const approvals = state.review?.approvals ?? [];
  return allowedActions(state.status).filter((action) => {
    if (!may(user, action, accessTarget(state))) return false;
    if (REVIEW_ACTIONS.has(action) && (isSelfReview(user.id, state) || approvals.some((a) => a.by === user.id))) return false;
    if (action === 'withdraw') return approvals.length === 0 && (state.submittedBy ?? state.lastEditedBy) === user.id;
    if (action === 'claim') return !state.review?.claimedBy;
    if (action === 'discard') return mayDiscard(state);
    if (action === 'resolveComment') return openableComments(state).some((c) => c.resolvedBy === undefined);
    return true;
  });
}
