export { ERROR_CODES, type ErrorCode } from './error-codes.js';
export { DomainError, type FieldError } from './domain-error.js';
