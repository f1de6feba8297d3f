/** `npm run events`: writes docs/events/ (JSON Schemas and the catalog) from shared/events/catalog.ts. */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../local/router';
import { eventDocs } from '../shared/events/docs';

const dir = join(REPO_ROOT, 'docs/events');
mkdirSync(dir, { recursive: true });
const files = eventDocs();
// A type removed from the catalog leaves no stale schema behind.
for (const name of readdirSync(dir)) if (!files.has(name)) rmSync(join(dir, name));
for (const [name, content] of files) writeFileSync(join(dir, name), content);
console.log(`docs/events: ${files.size} files`);
