/**
 * The one place where errors become HTTP responses, in the spec's format:
 * {"error": {"code", "message", "details"?}}. Anything that is not a known error is a 500 with a
 * generic message: no stack, no SDK text. The full error is logged with the request id.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DomainError, type ErrorKind } from '../errors';

const STATUS: Record<ErrorKind, number> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  business_rule: 422,
  rate_limited: 429,
};

/** The HTTP status of a domain error (e.g. recorded with a refused login). */
export const statusOf = (error: DomainError): number => STATUS[error.kind];

export const JSON_HEADERS = { 'content-type': 'application/json' } as const;

export function errorResponse(
  status: number,
  code: string,
  message: string,
  details?: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: status,
    headers: { ...JSON_HEADERS, ...headers },
    body: JSON.stringify({ error: details === undefined ? { code, message } : { code, message, details } }),
  };
}

export function toDomainError(error: unknown): DomainError | undefined {
  if (error instanceof DomainError) return error;
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  if (cause instanceof DomainError) return cause;
  return undefined;
}

/**
 * DynamoDB throttling that outlasted the SDK's own retries: nothing was written (a transaction is all
 * or nothing), so the client may simply retry. Matched by name: no SDK import here.
 */
const THROTTLING_ERRORS = new Set(['ThrottlingException', 'ProvisionedThroughputExceededException', 'RequestLimitExceeded']);
const THROTTLED_RETRY_AFTER_SECONDS = 1;

export function mapError(error: unknown): { response: APIGatewayProxyStructuredResultV2; known: boolean } {
  const domain = toDomainError(error);
  if (domain) {
    const headers: Record<string, string> =
      domain.retryAfterSeconds !== undefined ? { 'retry-after': String(domain.retryAfterSeconds) } : {};
    return { response: errorResponse(STATUS[domain.kind], domain.code, domain.message, domain.details, headers), known: true };
  }
  if (THROTTLING_ERRORS.has((error as Error | undefined)?.name ?? '')) {
    return {
      response: errorResponse(503, 'service_unavailable', 'The service is busy. Retry shortly.', undefined, {
        'retry-after': String(THROTTLED_RETRY_AFTER_SECONDS),
      }),
      known: false,
    };
  }
  return {
    response: errorResponse(500, 'internal_error', 'Something went wrong on our side. Try again later.'),
    known: false,
  };
}
