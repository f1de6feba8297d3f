/**
 * Runtime configuration read from the environment, once, at module scope. Deployed, CDK sets these
 * variables on every function; locally, local/main.ts and the test setup set them before handlers load.
 */
export interface ServiceConfig {
  tableName: string;
  region: string;
  /** Set only in local mode: DynamoDB Local's endpoint. */
  dynamoEndpoint?: string;
  stateMachineArn?: string;
  /** HMAC key for list cursors. */
  cursorSecret: string;
  /** 'local' routes workflow calls and e-mail to in-process adapters. */
  mode: 'aws' | 'local';
  senderEmail?: string;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  return {
    tableName: env.TABLE_NAME ?? 'partnerships',
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    dynamoEndpoint: env.DYNAMODB_ENDPOINT || undefined,
    stateMachineArn: env.STATE_MACHINE_ARN || undefined,
    cursorSecret: env.CURSOR_SECRET ?? 'local-cursor-secret',
    mode: env.SERVICE_MODE === 'local' ? 'local' : 'aws',
    senderEmail: env.SENDER_EMAIL || undefined,
  };
}

let cached: ServiceConfig | undefined;
/** Config is read lazily so that tests and the local server can set the environment first. */
export function config(): ServiceConfig {
  cached ??= readConfig();
  return cached;
}
export function resetConfigForTests(): void {
  cached = undefined;
}
