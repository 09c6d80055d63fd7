import { canSeeUnit, seesAllUnits, type AuthenticatedUser, type Role } from '#perf-eval/identity';
import { allowedActions, isSelfReview, type EvaluationAction, type EvaluationState } from '../domain/evaluation.js';
import { EvaluationError, EvaluationNotFoundError } from '../domain/evaluation.errors.js';

export class ActionForbiddenError extends EvaluationError {
  readonly code = 'FORBIDDEN';
  override readonly details: { action: string; requiredRoles: Role[] };
  constructor(action: string, requiredRoles: readonly Role[]) {
    super(`您没有执行此操作的权限（需要角色：${requiredRoles.join(' / ')}）`);
    this.details = { action, requiredRoles: [...requiredRoles] };
  }
}

/**
 * Where a role counts for an action on a form of a unit:
 * - `own units`: the units the person belongs to (a drafter drafts for their units, also when another role,
 *   manager or admin, lets them see every unit);
 * - `visible units`: wherever the person sees (identity's unit scope: own units, all for managers and admins);
 * - `all units`: every unit.
 */
export type UnitScope = 'own units' | 'visible units' | 'all units';

export const EVALUATION_ACCESS_ACTIONS = [
  'read',
  'create',
  'copy',
  'import',
  'edit',
  'submit',
  'approve',
  'return',
  'publish',
  'reopen',
  'attach',
  'detach',
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
  approve: { reviewer: 'visible units' },
  return: { reviewer: 'visible units' },
  publish: { manager: 'all units' },
  reopen: { manager: 'all units', drafter: 'own units' },
  // Evidence is the drafter's, as the form is: added and removed by whoever edits it; read with it (`read`).
  attach: { drafter: 'own units' },
  detach: { drafter: 'own units' },
  'queue.review': { reviewer: 'visible units' },
  'queue.publish': { manager: 'all units', admin: 'all units' },
  'queue.overdue': { manager: 'all units', admin: 'all units' },
  'queue.drafts': { drafter: 'own units' },
};

export function rolesFor(action: EvaluationAccessAction): Role[] {
  return Object.keys(EVALUATION_ACCESS[action]) as Role[];
}

function inScope(user: AuthenticatedUser, scope: UnitScope, unitId: string): boolean {
  switch (scope) {
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
export function may(user: AuthenticatedUser, action: EvaluationAccessAction, on?: { unitId: string }): boolean {
  return grantedScopes(user, action).some((scope) => on === undefined || inScope(user, scope, on.unitId));
}

export function assertMay(user: AuthenticatedUser, action: EvaluationAccessAction, on?: { unitId: string }): void {
  if (!may(user, action, on)) throw new ActionForbiddenError(action, rolesFor(action));
}

/** The units where the person may do `action`: every unit, or a list (for the SQL of lists and imports). */
export function unitsWhere(user: AuthenticatedUser, action: EvaluationAccessAction): 'all' | string[] {
  const scopes = grantedScopes(user, action);
  if (scopes.some((scope) => scope === 'all units' || (scope === 'visible units' && seesAllUnits(user)))) return 'all';
  return scopes.length ? user.unitIds : [];
}

/** Another unit's evaluation answers as if it did not exist. */
export function assertVisible(user: AuthenticatedUser, state: EvaluationState | null, id: string): asserts state is EvaluationState {
  if (!state || !may(user, 'read', { unitId: state.form.unitId })) throw new EvaluationNotFoundError(id);
}

const REVIEW_ACTIONS: ReadonlySet<EvaluationAction> = new Set(['approve', 'return']);

/** The commands the web app offers on a form: what its state allows, the table grants, and the self-review rule leaves. */
export function offeredActions(user: AuthenticatedUser, state: EvaluationState): EvaluationAction[] {
  return allowedActions(state.status).filter(
    (action) => may(user, action, { unitId: state.form.unitId }) && !(REVIEW_ACTIONS.has(action) && isSelfReview(user.id, state)),
  );
}
