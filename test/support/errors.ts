/**
 * What a refusal looks like: a domain function's DomainError (unit tests) and an API error response
 * ({ error: { code, message, details? } }, SPEC §1).
 */
import { expect } from 'vitest';
import { DomainError } from '../../shared/errors';

/**
 * The DomainError `run` throws, as `kind:code` (e.g. `conflict:invalid_state`), or undefined when it
 * returns. Any other error propagates (it is a bug, not a refusal).
 */
export function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return `${error.kind}:${error.code}`;
  }
}

interface Answer {
  status: number;
  body?: any;
}

/** The error code of an API response (undefined on success). */
export const errorCode = (response: Answer): string | undefined => response.body?.error?.code;

/** "409 invalid_state", "201 " (for failure messages and lists of outcomes). */
export const outcome = (response: Answer) => `${response.status} ${errorCode(response) ?? ''}`;

/** The response is the error `status` `code`, with a message (SPEC §1); `why` prefixes the failure message. */
export function expectError(response: Answer, status: number, code: string, why?: string) {
  const context = `${why ? `${why}: ` : ''}${JSON.stringify(response.body)}`;
  expect({ status: response.status, code: errorCode(response) }, context).toEqual({ status, code });
  expect(typeof response.body.error.message, context).toBe('string');
}
