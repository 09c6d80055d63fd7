import { canSeeUnit, type AuthenticatedUser, type Role } from '#perf-eval/identity';
import type { EvaluationAction, EvaluationState } from '../domain/evaluation.js';
import { EvaluationError, EvaluationNotFoundError } from '../domain/evaluation.errors.js';

export class ActionForbiddenError extends EvaluationError {
  readonly code = 'FORBIDDEN';
  override readonly details: { action: string; requiredRoles: Role[] };
  constructor(action: string, requiredRoles: Role[]) {
    super(`您没有执行此操作的权限（需要角色：${requiredRoles.join(' / ')}）`);
    this.details = { action, requiredRoles };
  }
}

/** Who may do what to an evaluation: the role table of DOMAIN.md's "People and the lifecycle". */
const ACTION_ROLES: Record<EvaluationAction | 'create', Role[]> = {
  create: ['drafter'],
  edit: ['drafter'],
  submit: ['drafter'],
  approve: ['reviewer'],
  return: ['reviewer'],
  publish: ['manager'],
  reopen: ['manager', 'drafter'],
};

/**
 * A drafter drafts for the units they belong to (DOMAIN.md), also when another role (manager, admin) lets them
 * see every unit: on a form of `unitId`, the drafter role counts only in the drafter's own units.
 */
function actsAs(user: AuthenticatedUser, role: Role, unitId: string | undefined): boolean {
  return user.roles.includes(role) && (role !== 'drafter' || unitId === undefined || user.unitIds.includes(unitId));
}

/** `unitId`: the unit of the form acted on (create, copy and import check the unit themselves). */
export function assertMay(user: AuthenticatedUser, action: EvaluationAction | 'create', unitId?: string): void {
  const required = ACTION_ROLES[action];
  if (!required.some((role) => actsAs(user, role, unitId))) throw new ActionForbiddenError(action, required);
}

/** Another unit's evaluation answers as if it did not exist. */
export function assertVisible(user: AuthenticatedUser, state: EvaluationState | null, id: string): asserts state is EvaluationState {
  if (!state || !canSeeUnit(user, state.form.unitId)) throw new EvaluationNotFoundError(id);
}

export function mayAct(user: AuthenticatedUser, action: EvaluationAction, unitId: string): boolean {
  return ACTION_ROLES[action].some((role) => actsAs(user, role, unitId));
}
