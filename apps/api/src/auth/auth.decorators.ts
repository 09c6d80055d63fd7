import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AccessPolicy, AuthenticatedUser } from '#perf-eval/identity';

export const PUBLIC_ROUTE = 'auth:public';
export const REQUIRED_ACCESS = 'auth:access';

/** Opens a route to anonymous callers; every other route needs a valid token. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** What a route does, as a row of its context's access table. */
export interface AccessRule {
  readonly policy: AccessPolicy;
  readonly action: string;
}

/** The route is `action` of `policy`: the guard lets through only whom that row of the table grants (403 FORBIDDEN). */
export const Allowed = <A extends string>(policy: AccessPolicy<A>, action: A) => SetMetadata(REQUIRED_ACCESS, { policy, action } satisfies AccessRule);

export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthenticatedUser => {
  return ctx.switchToHttp().getRequest<{ user: AuthenticatedUser }>().user;
});
