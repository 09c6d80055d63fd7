export const ROLES = ['drafter', 'reviewer', 'manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  drafter: '填报人',
  reviewer: '审核人',
  manager: '管理员',
  admin: '系统管理员',
};

/** The person behind a request, as the token and the directory describe them. */
export interface AuthenticatedUser {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  unitIds: string[];
  /** The 主管部门 the person reviews for (the department step of a review chain). */
  departmentIds?: string[];
  /** The units of those departments, resolved with the session. */
  departmentUnitIds?: string[];
}

/**
 * The unit scope of each role: which units' forms, lists, summaries and notifications a person sees. Managers
 * and admins see every unit; everyone else only their own. What a person may *do* there is each context's table.
 */
export const UNIT_SCOPE: Record<Role, 'own units' | 'all units'> = {
  drafter: 'own units',
  reviewer: 'own units',
  manager: 'all units',
  admin: 'all units',
};

export function seesAllUnits(user: AuthenticatedUser): boolean {
  return user.roles.some((role) => UNIT_SCOPE[role] === 'all units');
}

export function canSeeUnit(user: AuthenticatedUser, unitId: string): boolean {
  return seesAllUnits(user) || user.unitIds.includes(unitId);
}
