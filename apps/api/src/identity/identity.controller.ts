import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { CurrentUsers } from '../auth/current-users.js';
import { isUuid } from '#perf-eval/persistence';
import { UnknownUserError, Directory, ROLES, type Role, MAX_PASSWORD_LENGTH } from '#perf-eval/identity';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsEmail, IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { Allowed } from '../auth/auth.decorators.js';
import { IDENTITY_ACCESS } from '#perf-eval/identity';

export class CreateUnitDto {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @IsString()
  @MinLength(1)
  @MaxLength(200)
  competentDepartment: string;
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
  displayName: string;

  @IsArray()
  @ArrayMinSize(1)
  @IsIn(ROLES, { each: true })
  roles: Role[];

  @IsArray()
  @ArrayMaxSize(500)
  @IsUUID('all', { each: true })
  unitIds: string[];

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
  @IsEmail()
  email?: string;

  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

/** Units and users, admin only: the same operations as `npm run cli`. */
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
