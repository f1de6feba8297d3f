/** docs/DATA-MODEL.md matches the declared data model and what the routes really read and write. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import { REPO_ROOT } from '../../local/router';
import { recordDataModel, renderDataModel } from '../support/data-model';
import { useLocalWorkflow } from '../support/workflow';

const workflow = useLocalWorkflow();

it('docs/DATA-MODEL.md is in step (regenerate with npm run data-model); every key a route touches is declared', async () => {
  const rendered = renderDataModel(await recordDataModel(workflow.runner));
  expect(readFileSync(resolve(REPO_ROOT, 'docs/DATA-MODEL.md'), 'utf8')).toBe(rendered);
}, 180_000);
