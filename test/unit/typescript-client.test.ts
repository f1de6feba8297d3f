/** clients/typescript: its generated types are those of docs/openapi.json (regenerate with `npm run client`). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLIENT_SCHEMA, generateClientSchema } from '../../scripts/client';
import { routes } from '../../shared/routes';

describe('the typed TypeScript client', () => {
  it('clients/typescript/src/schema.d.ts is what openapi-typescript generates from docs/openapi.json (npm run client)', async () => {
    expect(readFileSync(CLIENT_SCHEMA, 'utf8')).toBe(await generateClientSchema());
  }, 30_000);

  it('types every operation of the route table', () => {
    const generated = readFileSync(CLIENT_SCHEMA, 'utf8');
    const missing = routes.filter((route) => !generated.includes(`    ${route.id}: {`)).map((route) => route.id);
    expect(missing).toEqual([]);
  });
});
