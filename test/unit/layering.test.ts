/**
 * The house rules of docs/DESIGN.md that a reader could break without noticing, checked on the source:
 * DynamoDB expressions and key strings only in shared/store/, use cases and domain free of HTTP, the
 * domain free of AWS and of the store, handlers thin, no Scan.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../local/router';

function sources(dir: string): Array<{ path: string; text: string }> {
  const out: Array<{ path: string; text: string }> = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.ts')) out.push({ path: relative(REPO_ROOT, full), text: readFileSync(full, 'utf8') });
    }
  };
  walk(join(REPO_ROOT, dir));
  return out;
}

const product = [...sources('shared'), ...sources('functions')];
const outsideStore = product.filter((f) => !f.path.startsWith('shared/store/'));
const offenders = (files: typeof product, pattern: RegExp) => files.filter((f) => pattern.test(f.text)).map((f) => f.path);

describe('layering', () => {
  it('DynamoDB expressions are built only in shared/store/', () => {
    expect(
      offenders(outsideStore, /UpdateExpression|ConditionExpression|KeyConditionExpression|FilterExpression|ProjectionExpression/),
    ).toEqual([]);
  });

  it('table keys are spelled only in shared/store/ (keys.ts)', () => {
    expect(offenders(outsideStore, /['`](USER|EMAIL|WS|TEAM|PS|PSGUARD|GRANT|ACT|NOTE|DUE)#/)).toEqual([]);
    expect(offenders(outsideStore, /@aws-sdk\/(lib-dynamodb|client-dynamodb)/)).toEqual([]);
  });

  it('use cases and the domain do not import shared/http (route declarations may, for defineRoute and the schemas)', () => {
    const files = [...sources('shared/features'), ...sources('shared/domain')].filter((f) => !f.path.endsWith('/routes.ts'));
    expect(offenders(files, /from '(\.\.\/)+http\//)).toEqual([]);
  });

  it('the domain is pure: no AWS, no store, no context', () => {
    expect(offenders(sources('shared/domain'), /from '(@aws-sdk|@aws-lambda-powertools|\.\.\/store|\.\.\/context)/)).toEqual([]);
  });

  it('HTTP handlers are thin: no status codes, no try/catch', () => {
    const handlers = sources('functions').filter((f) => f.text.includes('httpHandler('));
    expect(handlers.length).toBeGreaterThan(50);
    expect(offenders(handlers, /statusCode|\btry\s*\{/)).toEqual([]);
  });

  it('no Scan anywhere in the product code', () => {
    expect(offenders(product, /ScanCommand|\.scan\(/)).toEqual([]);
  });
});
