import type { ErrorCode } from './error-codes.js';

/**
 * Every refusal the system gives a client: a stable `code`, a Chinese `message` for people, and
 * `details` a client may read (the fields at fault, the findings, the versions in conflict). The
 * libraries throw these and know nothing of HTTP; apps/api maps `code` to a status in one table.
 * Anything thrown that is not a DomainError is a fault of the server (500, logged, nothing leaked).
 */
export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
  readonly details: unknown = undefined;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** One field of a request or a command at fault, by its path (`indicators[3].score`, `q`, `password`). */
export interface FieldError {
  field: string;
  messages: string[];
}
