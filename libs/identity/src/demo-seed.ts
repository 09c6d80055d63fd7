import type { Directory } from './directory.js';
import type { Role } from './roles.js';

export const DEMO_UNIT = { name: '北京市关心下一代工作委员会办公室', competentDepartment: '中共北京市委老干部局' };
export const DEFAULT_DEMO_PASSWORD = 'demo1234';

/** `inUnit`: of the sample unit; `inDepartment`: a reviewer of its 主管部门 (the second step of a two-step chain). */
const DEMO_USERS: { username: string; displayName: string; roles: Role[]; inUnit: boolean; inDepartment?: boolean }[] = [
  { username: 'drafter', displayName: '填报人（演示）', roles: ['drafter'], inUnit: true },
  { username: 'reviewer', displayName: '审核人（演示）', roles: ['reviewer'], inUnit: true },
  { username: 'dept-reviewer', displayName: '主管部门审核人（演示）', roles: ['reviewer'], inUnit: false, inDepartment: true },
  { username: 'manager', displayName: '管理员（演示）', roles: ['manager'], inUnit: true },
  { username: 'admin', displayName: '系统管理员（演示）', roles: ['admin'], inUnit: false },
];

/**
 * What the sign-in page may say about the demo: its accounts while the demo is seeded (SEED_DEMO is not
 * `false`), and their password only when it is the well-known default (a chosen DEMO_PASSWORD stays unsaid).
 */
export function demoAccountsHint(config: { seedDemo: boolean; demoPassword: string }): {
  accounts: { username: string; roles: Role[]; department?: true }[];
  password: string | null;
} {
  if (!config.seedDemo) return { accounts: [], password: null };
  const password = config.demoPassword;
  return {
    accounts: DEMO_USERS.map(({ username, roles, inDepartment }) => ({ username, roles, ...(inDepartment ? { department: true as const } : {}) })),
    password: password === DEFAULT_DEMO_PASSWORD ? password : null,
  };
}

/**
 * On an empty database only: the sample unit (linked to its 主管部门, 中共北京市委老干部局, with today's one-step
 * review chain) and the demo users, `dept-reviewer` reviewing for that department. Returns whether it seeded. The demo's
 * password (`demo1234` unless DEMO_PASSWORD says otherwise) is the one password exempt from the password
 * policy, so that `npm start` signs in as the README says; changing a demo account's password later goes
 * through the policy like any other.
 */
export async function seedDemo(directory: Directory, password: string): Promise<boolean> {
  if ((await directory.countUsers()) > 0) return false;
  const unit = await directory.unitNamed(DEMO_UNIT.name, DEMO_UNIT.competentDepartment);
  for (const user of DEMO_USERS) {
    await directory.createUser(
      {
        username: user.username,
        password,
        displayName: user.displayName,
        roles: user.roles,
        unitIds: user.inUnit ? [unit.id] : [],
        departmentIds: user.inDepartment && unit.departmentId ? [unit.departmentId] : [],
      },
      { exemptFromPasswordPolicy: true },
    );
  }
  return true;
}
