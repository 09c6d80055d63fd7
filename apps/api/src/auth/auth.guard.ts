import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import type { AuthenticatedUser, Role } from '#perf-eval/identity';
import { AccountDisabledError } from '#perf-eval/identity';
import { PUBLIC_ROUTE, REQUIRED_ACCESS, type AccessRule } from './auth.decorators.js';
import { CurrentUsers } from './current-users.js';
import { isUuid } from '#perf-eval/persistence';
import { RoleRequiredError, UnauthenticatedError } from '../api.errors.js';

export interface TokenClaims {
  sub: string;
  username: string;
  name: string;
  roles: Role[];
  units: string[];
  /** The user's token generation when the token was issued (tokens from before it existed: 0). */
  gen?: number;
}

/** Tokens whose signature this process checked, kept until they expire (a signature does not change): ~3 % of a command's CPU. */
const VERIFIED_TOKENS_MAX = 10_000;

/** Denies by default: a route is open only when marked @Public(), and @Allowed() narrows it to a row of an access table. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
    private readonly users: CurrentUsers,
  ) {}

  private readonly verified = new Map<string, { claims: TokenClaims; expiresAt: number }>();

  /** The token's claims once its signature and expiry are checked; a token seen before is not verified again until it expires. */
  private async claimsOf(token: string): Promise<TokenClaims> {
    const known = this.verified.get(token);
    if (known && known.expiresAt > Date.now()) return known.claims;
    if (known) this.verified.delete(token);
    const claims = await this.jwt.verifyAsync<TokenClaims & { exp?: number }>(token);
    if (typeof claims.exp === 'number') {
      if (this.verified.size >= VERIFIED_TOKENS_MAX) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(token, { claims, expiresAt: claims.exp * 1000 });
    }
    return claims;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; user?: AuthenticatedUser }>();
    const [scheme, token] = (request.headers.authorization ?? '').split(' ');
    if (scheme !== 'Bearer' || !token) throw new UnauthenticatedError('缺少访问令牌');
    let claims: TokenClaims;
    try {
      claims = await this.claimsOf(token);
    } catch {
      throw new UnauthenticatedError('访问令牌无效或已过期，请重新登录');
    }
    // Tokens are signed here with a user id; any other subject (a secret shared elsewhere, a forged claim) names nobody.
    if (typeof claims.sub !== 'string' || !isUuid(claims.sub)) throw new UnauthenticatedError('访问令牌无效或已过期，请重新登录');
    const session = await this.users.session(claims.sub);
    // Users are disabled, never deleted: a valid token without an active user is a disabled account's.
    if (!session) throw new AccountDisabledError();
    // The password changed (or the account was disabled and enabled again) since this token was issued.
    if ((claims.gen ?? 0) !== session.tokenGeneration) throw new UnauthenticatedError('登录凭据已失效（密码已更改或账号曾被停用），请重新登录');
    const user = session.user;
    request.user = user;
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(REQUIRED_ACCESS, targets);
    if (rule && !rule.policy.may(user, rule.action)) throw new RoleRequiredError(rule.policy.rolesFor(rule.action));
    return true;
  }
}
