import { Body, Controller, Get, HttpCode, Post, Req, type OnApplicationBootstrap } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { Request } from 'express';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { Directory, InvalidCredentialsError } from '#perf-eval/identity';
import type { AuthenticatedUser } from '#perf-eval/identity';
import { LoginAttempts } from './login-attempts.js';
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
export class AuthController implements OnApplicationBootstrap {
  constructor(
    private readonly directory: Directory,
    private readonly jwt: JwtService,
    private readonly attempts: LoginAttempts,
  ) {}

  onApplicationBootstrap(): void {
    this.directory.placeholderHash().catch(() => undefined);
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  async login(@Body() body: LoginDto, @Req() req: Request) {
    const user = await checkPassword(this.attempts, this.directory, req.ip ?? 'unknown', body.username, body.password);
    const claims: TokenClaims = { sub: user.id, username: user.username, name: user.displayName, roles: user.roles, units: user.unitIds, gen: user.tokenGeneration };
    return {
      accessToken: await this.jwt.signAsync(claims),
      user: {
        id: user.id,
        username: user.username,
        displayName: user.displayName,
        roles: user.roles,
        unitIds: user.unitIds,
        departmentIds: user.departmentIds,
        departmentUnitIds: user.departmentUnitIds ?? [],
      },
    };
  }

  @ApiBearerAuth()
  @Get('me')
  me(@CurrentUser() user: AuthenticatedUser) {
    return user;
  }
}

/**
 * The one way a password is checked over HTTP (login and the queue dashboard): counted before the check,
 * given back unless it was a wrong guess.
 */
export async function checkPassword(attempts: LoginAttempts, directory: Directory, client: string, username: string, password: string) {
  const attempt = await attempts.reserve(client, username);
  try {
    const user = await directory.verifyCredentials(username, password);
    await attempt.release();
    return user;
  } catch (error) {
    if (!(error instanceof InvalidCredentialsError)) await attempt.release();
    throw error;
  }
}
