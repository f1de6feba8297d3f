/**
 * What every security suite shares (their requests go through test/support/api.ts `send`, with full
 * control of body text, headers and claims): the checks of a response (spec error format, no 5xx, no
 * internals, no other tenant's identifiers), and the case counters written to
 * reports/security/<suite>.json for scripts/security-report.ts.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll } from 'vitest';
import { matchRoute, REPO_ROOT } from '../../../local/router';
import type { RouteSpec } from '../../../shared/http/route';
import type { ApiRequest, ApiResponse } from '../../support/api';
import { describeChanges, type Change } from './snapshot';

export type Route = RouteSpec<any, any, any>;

export const describeRequest = (r: ApiRequest) =>
  `${r.method} ${r.path.length > 160 ? `${r.path.slice(0, 160)}...` : r.path}${r.body === undefined ? '' : ` ${preview(r.body)}`}`;

const preview = (body: unknown) => {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return text.length > 160 ? `${text.slice(0, 160)}... (${text.length} chars)` : text;
};

/** The spec's status for each error code family (SPEC §1). */
const CODE_FOR_STATUS: Record<number, (code: string) => boolean> = {
  400: (c) => c === 'validation_failed',
  401: (c) => c === 'unauthenticated',
  403: (c) => c === 'forbidden' || c === 'not_registered',
  404: (c) => c === 'not_found',
  409: (c) => /^[a-z][a-z0-9_]*$/.test(c),
  422: (c) => /^[a-z][a-z0-9_]*$/.test(c),
  429: (c) => c === 'rate_limited',
  500: (c) => c === 'internal_error',
  503: (c) => c === 'service_unavailable',
};

/** Signs of internals in a response: stacks, SDK and DynamoDB wording, file paths. */
const INTERNALS = [
  /\bat [\w$.<>]+ \(/, // stack frame
  /node_modules|\/work\/|file:\/\//,
  /TransactionCanceled|ConditionalCheckFailed|ValidationException|ResourceNotFound|ProvisionedThroughput|ThrottlingException/,
  /DynamoDB|dynamodb|AWS SDK|\$metadata|httpStatusCode/,
  /TypeError|ReferenceError|SyntaxError|RangeError/,
  /ExpressionAttribute|KeyConditionExpression|UpdateExpression/,
  /"pk"|"sk"|gsi1pk|gsi2pk|USER#|TEAM#|WS#|PS#/,
];

/** Problems of one response: 5xx, error format, status/code pairs, internals. Empty = fine. */
export function formatProblems(response: ApiResponse): string[] {
  const problems: string[] = [];
  if (response.status >= 500) problems.push(`5xx: ${response.status} ${response.text.slice(0, 200)}`);
  if (response.status >= 400) {
    const error = response.body?.error;
    const keys = response.body && typeof response.body === 'object' ? Object.keys(response.body) : [];
    if (!response.headers['content-type']?.startsWith('application/json'))
      problems.push(`error without JSON content-type: ${response.headers['content-type']}`);
    if (!error || typeof error.code !== 'string' || typeof error.message !== 'string' || keys.length !== 1) {
      problems.push(`not the spec error format: ${response.text.slice(0, 200)}`);
    } else {
      const extra = Object.keys(error).filter((k) => !['code', 'message', 'details'].includes(k));
      if (extra.length) problems.push(`error has extra fields ${extra.join(', ')}`);
      const codeOk = CODE_FOR_STATUS[response.status];
      if (!codeOk) problems.push(`unexpected error status ${response.status}`);
      else if (!codeOk(error.code)) problems.push(`status ${response.status} with code ${error.code}`);
      if (response.status === 400 && error.code === 'validation_failed' && !Array.isArray(error.details))
        problems.push('validation_failed without details');
      if (response.status === 429 && !/^\d+$/.test(response.headers['retry-after'] ?? '')) problems.push('429 without Retry-After');
    }
    // The names of unknown fields are echoed on purpose (they are the client's own input).
    const text = response.text.replace(/unknown field\(s\): [^"]*/g, 'unknown field(s): ...');
    for (const pattern of INTERNALS)
      if (pattern.test(text)) problems.push(`internals in the body (${pattern}): ${response.text.slice(0, 200)}`);
  }
  return problems;
}

/**
 * Identifiers of another tenant found in a response (excluding those the request itself carried):
 * `secrets` are the other tenant's ids and e-mails.
 */
export function leaksIn(response: ApiResponse, request: ApiRequest, secrets: Iterable<string>): string[] {
  if (!response.text) return [];
  const sent =
    `${request.path} ${typeof request.body === 'string' ? request.body : JSON.stringify(request.body ?? '')} ${JSON.stringify(request.claims ?? {})}`.toLowerCase();
  const text = response.text.toLowerCase();
  const found: string[] = [];
  for (const secret of secrets) {
    const s = secret.toLowerCase();
    if (text.includes(s) && !sent.includes(s)) found.push(secret);
  }
  return found;
}

/** Fills a route's path template: {name} -> values[name]. */
export function fillPath(route: Route, values: Record<string, string>): string {
  return route.path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    if (!(name in values)) throw new Error(`no value for {${name}} of ${route.id}`);
    return values[name]!;
  });
}

/** The path parameters of a concrete path of this route (as the router decodes them). */
export function paramsOf(route: Route, path: string): Record<string, string> {
  return matchRoute(route.method, path.split('?')[0]!)?.params ?? {};
}

// ---- case counters ---------------------------------------------------------------------------------

export type Counts = Record<string, number>;
/** The counters every suite has, beside the ones it adds. */
type SuiteCounts = Counts & Record<'fiveXx' | 'leaks' | 'stateChanges' | 'formatProblems', number>;

/**
 * Counters of one suite, written to reports/security/<suite>.json when the file's tests end
 * (scripts/security-report.ts merges them into reports/security.json and the README).
 */
export function suiteCounters(suite: string) {
  const counts: SuiteCounts = { fiveXx: 0, leaks: 0, stateChanges: 0, formatProblems: 0 };
  const notes: string[] = [];
  afterAll(() => {
    const dir = resolve(REPO_ROOT, 'reports', 'security');
    mkdirSync(dir, { recursive: true });
    const file = resolve(dir, `${suite}.json`);
    const body = JSON.stringify({ suite, at: new Date().toISOString(), counts, notes }, null, 2);
    writeFileSync(`${file}.tmp`, body);
    renameSync(`${file}.tmp`, file);
  });
  return {
    counts,
    notes,
    add(name: string, by = 1) {
      counts[name] = (counts[name] ?? 0) + by;
    },
    /** Counts a change of state where none may be; returns the problem to report (none when nothing changed). */
    stateChanged(changes: Change[]): string[] {
      if (changes.length === 0) return [];
      counts.stateChanges++;
      return [`state changed:\n${describeChanges(changes)}`];
    },
    /** Counts what every response is checked for; returns the format problems. */
    observe(response: ApiResponse): string[] {
      const problems = formatProblems(response);
      if (response.status >= 500) counts.fiveXx++;
      if (problems.some((p) => !p.startsWith('5xx'))) counts.formatProblems++;
      return problems;
    },
  };
}
