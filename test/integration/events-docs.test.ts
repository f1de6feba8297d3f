/** docs/events/ (JSON Schemas and the catalog) is in step with shared/events/catalog.ts: regenerate with `npm run events`. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { REPO_ROOT } from '../../local/router';
import { EVENT_TYPES } from '../../shared/events/catalog';
import { eventDocs } from '../../shared/events/docs';

const dir = join(REPO_ROOT, 'docs/events');

it('docs/events/ is in step with the catalog (npm run events)', () => {
  const expected = eventDocs();
  expect(readdirSync(dir).sort()).toEqual([...expected.keys()].sort());
  for (const [name, content] of expected) expect(readFileSync(join(dir, name), 'utf8'), name).toBe(content);
});

it('the catalog covers every event type, each with its own schema file, and the webhook types agreed with the webhooks', () => {
  const readme = readFileSync(join(dir, 'README.md'), 'utf8');
  for (const type of EVENT_TYPES) {
    expect(type).toMatch(/^[a-z_]+\.[a-z_]+\.v[0-9]+$/);
    expect(readme).toContain(`[\`${type}\`](${type}.schema.json)`);
  }
  expect(EVENT_TYPES).toEqual(
    expect.arrayContaining([
      'webhook.created.v1',
      'webhook.updated.v1',
      'webhook.deleted.v1',
      'webhook.secret_rotated.v1',
      'webhook.disabled.v1',
      'webhook.test.v1',
    ]),
  );
});
