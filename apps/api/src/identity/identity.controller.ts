import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsEmail, IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { Directory } from '../../../../libs/identity/src/directory.js';
import { ROLES, type Role } from '../../../../libs/identity/src/roles.js';
import { Roles } from '../auth/auth.decorators.js';

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

  @IsString()
  @MinLength(8)
  @MaxLength(200)
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

/** Units and users, admin only: the same operations as `npm run cli`. */
@ApiTags('admin 单位与用户')
@ApiBearerAuth()
@Controller()
export class IdentityController {
  constructor(private readonly directory: Directory) {}

  @Roles('admin')
  @Post('units')
  createUnit(@Body() body: CreateUnitDto) {
    return this.directory.createUnit(body.name, body.competentDepartment);
  }

  /** Everyone signed in may read the unit list (forms name their unit). */
  @Get('units')
  listUnits() {
    return this.directory.listUnits();
  }

  @Roles('admin')
  @Post('users')
  createUser(@Body() body: CreateUserDto) {
    return this.directory.createUser(body);
  }

  @Roles('admin')
  @Get('users')
  listUsers() {
    return this.directory.listUsers();
  }
}
