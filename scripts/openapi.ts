/** `npm run openapi`: writes docs/openapi.json from the route table. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { buildOpenApi } from '../shared/openapi/document';

mkdirSync('docs', { recursive: true });
writeFileSync('docs/openapi.json', JSON.stringify(buildOpenApi(), null, 2) + '\n');
console.log('wrote docs/openapi.json');
