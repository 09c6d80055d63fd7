import { DomainError } from '#perf-eval/errors';

/** The refusals of the identity context (sign-in, units, users, passwords). */
export abstract class IdentityError extends DomainError {}

export class InvalidCredentialsError extends IdentityError {
  readonly code = 'INVALID_CREDENTIALS';
  constructor() {
    super('用户名或密码错误');
  }
}

export class UsernameTakenError extends IdentityError {
  readonly code = 'USERNAME_TAKEN';
  constructor(username: string) {
    super(`用户名已存在：${username}`);
  }
}

export class UnitNameTakenError extends IdentityError {
  readonly code = 'UNIT_EXISTS';
  constructor(name: string) {
    super(`单位已存在：${name}`);
  }
}

export class UnknownUnitError extends IdentityError {
  readonly code = 'UNKNOWN_UNIT';
  override readonly details: { unitIds: string[] };
  constructor(unitIds: string[]) {
    super(`单位不存在：${unitIds.join('、')}`);
    this.details = { unitIds };
  }
}

export class UnitRequiredError extends IdentityError {
  readonly code = 'UNIT_REQUIRED';
  constructor() {
    super('您属于多个单位，请指定 unitId');
  }
}

export class UnknownUserError extends IdentityError {
  readonly code = 'NOT_FOUND';
  constructor(id: string) {
    super(`用户不存在：${id}`);
  }
}

/**
 * A disabled account: at login only after the right password (a wrong one gets InvalidCredentialsError,
 * so nobody learns an account's state without its password), and for the tokens it still holds.
 */
export class AccountDisabledError extends IdentityError {
  readonly code = 'ACCOUNT_DISABLED';
  constructor() {
    super('账号已停用，请联系系统管理员');
  }
}

export class UnitNotFoundError extends IdentityError {
  readonly code = 'NOT_FOUND';
  constructor(id: string) {
    super(`单位不存在：${id}`);
  }
}

export class DepartmentNameTakenError extends IdentityError {
  readonly code = 'DEPARTMENT_EXISTS';
  constructor(name: string) {
    super(`主管部门已存在：${name}`);
  }
}

export class UnknownDepartmentError extends IdentityError {
  readonly code = 'UNKNOWN_DEPARTMENT';
  override readonly details: { departmentIds: string[] };
  constructor(departmentIds: string[]) {
    super(`主管部门不存在：${departmentIds.join('、')}`);
    this.details = { departmentIds };
  }
}

/** A unit's review chain that is no chain: `details.reason` says which rule it breaks (review-chain.ts). */
export class InvalidReviewChainError extends IdentityError {
  readonly code = 'INVALID_REVIEW_CHAIN';
  override readonly details: { reason: string };
  constructor(reason: string, message: string) {
    super(message);
    this.details = { reason };
  }
}

/**
 * Unlinking a unit from its 主管部门 while forms of it wait for the department step (主管部门审核) or are on their way
 * to it: nobody could review them then. `details`: how many, and the 项目名称 of the first few.
 */
export class DepartmentStepPendingError extends IdentityError {
  readonly code = 'DEPARTMENT_STEP_PENDING';
  override readonly details: { unitId: string; pending: number; projectNames: string[] };
  constructor(unitId: string, pending: number, projectNames: string[]) {
    const named = `${projectNames.map((name) => `「${name}」`).join('、')}${pending > projectNames.length ? ' 等' : ''}`;
    super(
      `该单位有 ${pending} 份自评表正在或即将进行主管部门审核（${named}），取消关联主管部门后将无人审核。` +
        '请改为将该单位移至其他主管部门，或待这些审核完成后再取消关联',
    );
    this.details = { unitId, pending, projectNames };
  }
}

/**
 * Taking a reviewer's role, units or 主管部门 away while they are the last person who may review a step at which
 * forms wait: nobody could review those forms then. Disabling the account stays allowed (security first).
 * `details`: how many forms, and the 项目名称 of the first few.
 */
export class LastStepReviewerError extends IdentityError {
  readonly code = 'LAST_STEP_REVIEWER';
  override readonly details: { userId: string; pending: number; projectNames: string[] };
  constructor(userId: string, pending: number, projectNames: string[]) {
    const named = `${projectNames.map((name) => `「${name}」`).join('、')}${pending > projectNames.length ? ' 等' : ''}`;
    super(
      `该用户是 ${pending} 份待审核自评表（${named}）当前审核环节的最后一位审核人，修改后这些表将无人审核。` +
        '请先为相应单位或主管部门指定其他审核人，再修改该用户',
    );
    this.details = { userId, pending, projectNames };
  }
}
