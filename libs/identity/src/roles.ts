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
  /** The 主管部门 whose units' forms this person reviews (step `department` of a unit's review chain). */
  departmentIds?: string[];
  /**
   * The units of those departments, resolved when the session is loaded (Directory.findSession) so that access
   * checks stay synchronous; a change of a unit's department or of the person's departments is announced like
   * any change of the user (UserChangePublisher), so no cached session keeps the old list.
   */
  departmentUnitIds?: string[];
}

/**
 * The unit scope of each role: which units' forms, lists, summaries and notifications a person sees. Managers
 * and admins see every unit; everyone else their own units and the units of their 主管部门 (visibleUnitIds).
 * What a person may *do* there is each context's table.
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

/**
 * The units whose forms a person sees unless they see all (seesAllUnits): their own units and every unit of
 * their departments. The one list every read filters by (lists, queues, summary, inbox, live events).
 */
export function visibleUnitIds(user: AuthenticatedUser): string[] {
  const departmentUnits = user.departmentUnitIds ?? [];
  if (departmentUnits.length === 0) return user.unitIds;
  return [...new Set([...user.unitIds, ...departmentUnits])];
}

export function canSeeUnit(user: AuthenticatedUser, unitId: string): boolean {
  return seesAllUnits(user) || user.unitIds.includes(unitId) || (user.departmentUnitIds ?? []).includes(unitId);
}
