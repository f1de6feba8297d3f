/**
 * Typed domain errors. They carry the spec's error code; shared/http/errors.ts maps them to HTTP in
 * one place. Domain code throws these and never builds status codes itself.
 */
export type ErrorKind =
  | 'validation' // 400
  | 'unauthenticated' // 401
  | 'forbidden' // 403
  | 'not_found' // 404
  | 'conflict' // 409
  | 'business_rule' // 422
  | 'rate_limited'; // 429

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** Seconds, for rate_limited. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const validationFailed = (details: unknown, message = 'The request is not valid.') =>
  new DomainError('validation', 'validation_failed', message, details);
export const unauthenticated = (message = 'A valid bearer token is required.') =>
  new DomainError('unauthenticated', 'unauthenticated', message);
export const forbidden = (message = 'You are not allowed to do this.', code = 'forbidden') => new DomainError('forbidden', code, message);
export const notRegistered = () => new DomainError('forbidden', 'not_registered', 'Register first with PUT /me.');
export const notFound = (what = 'resource') => new DomainError('not_found', 'not_found', `The ${what} does not exist.`);
export const conflict = (code: string, message: string, details?: unknown) => new DomainError('conflict', code, message, details);
export const businessRule = (code: string, message: string, details?: unknown) => new DomainError('business_rule', code, message, details);
export const rateLimited = (retryAfterSeconds: number, message = 'Try again later.') =>
  new DomainError('rate_limited', 'rate_limited', message, undefined, retryAfterSeconds);
