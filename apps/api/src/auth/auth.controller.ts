import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { ThrottlerGuard } from '@nestjs/throttler';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { Directory } from '../../../../libs/identity/src/directory.js';
import type { AuthenticatedUser } from '../../../../libs/identity/src/roles.js';
import { CurrentUser, Public } from './auth.decorators.js';
import type { TokenClaims } from './auth.guard.js';

export class LoginDto {
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  username: string;

  @IsString()
  @MinLength(1)
  @MaxLength(200)
  password: string;
}

@ApiTags('auth 登录')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly directory: Directory,
    private readonly jwt: JwtService,
  ) {}

  @Public()
  @UseGuards(ThrottlerGuard)
  @Post('login')
  @HttpCode(200)
  async login(@Body() body: LoginDto) {
    const user = await this.directory.verifyCredentials(body.username, body.password);
    const claims: TokenClaims = { sub: user.id, username: user.username, name: user.displayName, roles: user.roles, units: user.unitIds };
    return {
      accessToken: await this.jwt.signAsync(claims),
      user: { id: user.id, username: user.username, displayName: user.displayName, roles: user.roles, unitIds: user.unitIds },
    };
  }

  @ApiBearerAuth()
  @Get('me')
  me(@CurrentUser() user: AuthenticatedUser) {
    return user;
  }
}
