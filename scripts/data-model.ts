/** `npm run data-model`: writes docs/DATA-MODEL.md (see test/support/data-model.ts). Starts its own DynamoDB Local. */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ensureTable, startDynamoLocal } from '../local/dynamodb';
import { REPO_ROOT } from '../local/router';
import { createWorkflowRunner } from '../local/workflow-runner';
import { resetConfigForTests } from '../shared/config';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const dynamo = await startDynamoLocal();
try {
  await ensureTable(dynamo.endpoint, 'data_model');
  Object.assign(process.env, {
    SERVICE_MODE: 'local',
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    TABLE_NAME: 'data_model',
    AWS_REGION: 'us-east-1',
    CURSOR_SECRET: 'data-model-cursor-secret',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  resetConfigForTests();
  // Loaded after the environment is set, as handlers read it at module scope.
  const { recordDataModel, renderDataModel } = await import('../test/support/data-model');
  const runner = await createWorkflowRunner();
  try {
    writeFileSync(resolve(REPO_ROOT, 'docs/DATA-MODEL.md'), renderDataModel(await recordDataModel(runner)));
    console.log('wrote docs/DATA-MODEL.md');
  } finally {
    await runner.stop();
  }
} finally {
  await dynamo.stop();
}
