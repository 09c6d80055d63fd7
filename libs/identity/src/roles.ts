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
}

/** Managers and admins see every unit; everyone else only their own. */
export function seesAllUnits(user: AuthenticatedUser): boolean {
  return user.roles.includes('manager') || user.roles.includes('admin');
}

export function canSeeUnit(user: AuthenticatedUser, unitId: string): boolean {
  return seesAllUnits(user) || user.unitIds.includes(unitId);
}
