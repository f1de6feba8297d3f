/**
 * `npm run client`: regenerates the typed client's types (clients/typescript/src/schema.d.ts) from
 * docs/openapi.json with openapi-typescript. test/unit/typescript-client.test.ts keeps them in step.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';

const ROOT = resolve(import.meta.dirname, '..');
export const CLIENT_SCHEMA = resolve(ROOT, 'clients/typescript/src/schema.d.ts');

/** The generated file's text, from the committed document. */
export async function generateClientSchema(): Promise<string> {
  const ast = await openapiTS(pathToFileURL(resolve(ROOT, 'docs/openapi.json')), { silent: true });
  return COMMENT_HEADER + astToString(ast);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  writeFileSync(CLIENT_SCHEMA, await generateClientSchema());
  console.log('wrote clients/typescript/src/schema.d.ts');
}
