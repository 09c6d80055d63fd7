/** The refusals of the HTTP layer itself; the libraries' refusals live with them (evaluation.errors.ts, identity.errors.ts, …). */
import { ROLE_LABELS, type Role } from '#perf-eval/identity';
import { DomainError, type FieldError } from '#perf-eval/errors';

/** A bad or unknown field of a body, query string, header or path, each named by its path. */
export class ValidationFailedError extends DomainError {
  readonly code = 'VALIDATION_FAILED';
  override readonly details: { fields: FieldError[] };
  constructor(fields: FieldError[]) {
    super(`输入有误：${fields.map((f) => f.field).join('、')}`);
    this.details = { fields };
  }
}

/** No token, or one that is invalid, expired, names nobody or was revoked. */
export class UnauthenticatedError extends DomainError {
  readonly code = 'UNAUTHENTICATED';
}

/** The route needs a role the user does not have. */
export class RoleRequiredError extends DomainError {
  readonly code = 'FORBIDDEN';
  constructor(required: readonly Role[]) {
    super(`没有权限（需要角色：${required.map((r) => ROLE_LABELS[r] ?? r).join(' / ')}）`);
  }
}

/** A record a route looks up by id itself (a recompute run, a notification) does not exist for this user. */
export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
}

export class StreamTicketInvalidError extends DomainError {
  readonly code = 'STREAM_TICKET_INVALID';
}

/** A body that is not JSON where JSON is read (the import names its own: UnsupportedFileError). */
export class UnsupportedMediaTypeError extends DomainError {
  readonly code = 'UNSUPPORTED_MEDIA_TYPE';
  constructor(
    message: string,
    override readonly details: { contentType: string | null; expected: string },
  ) {
    super(message);
  }
}

/** /api/health with a dependency down: what is down and since when (`details` is the health report). */
export class ServiceDegradedError extends DomainError {
  readonly code = 'DEPENDENCY_UNAVAILABLE';
  constructor(
    message: string,
    override readonly details: Record<string, unknown> & { down: string[]; retryAfterSeconds: number },
  ) {
    super(message);
  }
}
