import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { CurrentUsers } from '../auth/current-users.js';
import { isUuid } from '#perf-eval/persistence';
import { UnknownUserError, Directory, ROLES, type Role, MAX_PASSWORD_LENGTH, REVIEW_STEPS, type ReviewStep, UnitNotFoundError, reviewChainMessage } from '#perf-eval/identity';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { Allowed } from '../auth/auth.decorators.js';
import { IDENTITY_ACCESS } from '#perf-eval/identity';

export class CreateUnitDto {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @Matches(/\S/, { message: '请填写单位名称' })
  name: string;

  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @Matches(/\S/, { message: '请填写主管部门名称' })
  competentDepartment: string;
}

export class CreateDepartmentDto {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @Matches(/\S/, { message: '请填写主管部门名称' })
  name: string;
}

/**
 * What an admin changes of a unit. Here only the shape (known steps); the chain's rules — not empty, each step
 * once, starting with `unit`, `department` only with a department — are the directory's (INVALID_REVIEW_CHAIN).
 */
export class UpdateUnitDto {
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsIn(REVIEW_STEPS, { each: true, message: reviewChainMessage('UNKNOWN_STEP') })
  reviewChain?: ReviewStep[];

  /** null: no department (the chain may then not have a `department` step). */
  @IsOptional()
  @IsUUID('all')
  departmentId?: string | null;
}

export class CreateUserDto {
  @IsString()
  @MinLength(2)
  @MaxLength(64)
  username: string;

  /** Checked by the password policy (WEAK_PASSWORD, libs/identity/src/password-policy.ts), not here. */
  @IsString()
  @MaxLength(MAX_PASSWORD_LENGTH)
  password: string;

  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(/\S/, { message: '请填写姓名' })
  displayName: string;

  @IsArray()
  @ArrayMinSize(1)
  @IsIn(ROLES, { each: true })
  roles: Role[];

  @IsArray()
  @ArrayMaxSize(500)
  @IsUUID('all', { each: true })
  unitIds: string[];

  /** The 主管部门 this person reviews for (step `department`): they see every form of those departments' units. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @IsUUID('all', { each: true })
  departmentIds?: string[];

  @IsOptional()
  @IsEmail()
  email?: string;
}

export class UpdateUserDto {
  /** A new password: checked by the password policy; revokes every token the user holds. */
  @IsOptional()
  @IsString()
  @MaxLength(MAX_PASSWORD_LENGTH)
  password?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(/\S/, { message: '请填写姓名' })
  displayName?: string;

  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(ROLES, { each: true })
  roles?: Role[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @IsUUID('all', { each: true })
  unitIds?: string[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @IsUUID('all', { each: true })
  departmentIds?: string[];

  @IsOptional()
  @IsEmail()
  email?: string;

  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

/** Units, departments and users, admin only (lists: everyone signed in): the same operations as `npm run cli`. */
@ApiTags('admin 单位与用户')
@ApiBearerAuth()
@Controller()
export class IdentityController {
  constructor(
    private readonly directory: Directory,
    private readonly users: CurrentUsers,
  ) {}

  @Allowed(IDENTITY_ACCESS, 'units.create')
  @Post('units')
  createUnit(@Body() body: CreateUnitDto) {
    return this.directory.createUnit(body.name, body.competentDepartment);
  }

  /** Everyone signed in may read the unit list (forms name their unit). */
  @Allowed(IDENTITY_ACCESS, 'units.list')
  @Get('units')
  listUnits() {
    return this.directory.listUnits();
  }

  @ApiOperation({
    summary: '修改单位的主管部门或审核流程 · change a unit’s department or review chain',
    description: 'reviewChain: ["unit"] (单位审核) or ["unit", "department"] (单位审核 → 主管部门审核, needs a department); departmentId null unlinks.',
  })
  @Allowed(IDENTITY_ACCESS, 'units.update')
  @Patch('units/:id')
  updateUnit(@Param('id') id: string, @Body() body: UpdateUnitDto) {
    if (!isUuid(id)) throw new UnitNotFoundError(id);
    return this.directory.updateUnit(id, { reviewChain: body.reviewChain, departmentId: body.departmentId });
  }

  @ApiOperation({ summary: '新建主管部门 · create a competent department', description: '409 DEPARTMENT_EXISTS for a name already taken.' })
  @Allowed(IDENTITY_ACCESS, 'departments.create')
  @Post('departments')
  createDepartment(@Body() body: CreateDepartmentDto) {
    return this.directory.createDepartment(body.name);
  }

  @ApiOperation({ summary: '主管部门及其单位 · the departments with their units’ ids' })
  @Allowed(IDENTITY_ACCESS, 'departments.list')
  @Get('departments')
  listDepartments() {
    return this.directory.listDepartments();
  }

  @Allowed(IDENTITY_ACCESS, 'users.create')
  @Post('users')
  createUser(@Body() body: CreateUserDto) {
    return this.directory.createUser(body);
  }

  @Allowed(IDENTITY_ACCESS, 'users.update')
  @Patch('users/:id')
  async updateUser(@Param('id') id: string, @Body() body: UpdateUserDto) {
    if (!isUuid(id)) throw new UnknownUserError(id);
    const user = await this.directory.updateUser(id, body);
    this.users.forget(id);
    return user;
  }

  @Allowed(IDENTITY_ACCESS, 'users.list')
  @Get('users')
  listUsers() {
    return this.directory.listUsers();
  }
}
