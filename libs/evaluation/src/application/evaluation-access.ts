import { canSeeUnit, type AuthenticatedUser, type Role } from '../../../identity/src/roles.js';
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

export function assertMay(user: AuthenticatedUser, action: EvaluationAction | 'create'): void {
  const required = ACTION_ROLES[action];
  if (!required.some((role) => user.roles.includes(role))) throw new ActionForbiddenError(action, required);
}

/** Another unit's evaluation answers as if it did not exist. */
export function assertVisible(user: AuthenticatedUser, state: EvaluationState | null, id: string): asserts state is EvaluationState {
  if (!state || !canSeeUnit(user, state.form.unitId)) throw new EvaluationNotFoundError(id);
}

export function mayAct(user: AuthenticatedUser, action: EvaluationAction): boolean {
  return ACTION_ROLES[action].some((role) => user.roles.includes(role));
}
