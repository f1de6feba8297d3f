/**
 * Runtime configuration read from the environment. Deployed, CDK sets these variables on every
 * function; locally, local/main.ts and the test setup set them before handlers load.
 *
 * Fail closed: outside local mode (SERVICE_MODE not 'local') there is no default for a required
 * setting. TABLE_NAME and CURSOR_SECRET are required by every function that reads its configuration;
 * settings only some functions need (STATE_MACHINE_ARN) are required with `requireSettings`.
 *   - In Lambda (AWS_LAMBDA_FUNCTION_NAME is set by the runtime, and the environment is complete when
 *     the module loads) the check runs when this module is imported, so a misconfigured function
 *     stops at init: one JSON log line naming the missing settings (never a value), then the error.
 *   - Anywhere else (scripts, the local server before it sets SERVICE_MODE) the check runs at the
 *     first `config()`, which throws the same error.
 * Local mode keeps its defaults (table `partnerships`, a fixed cursor key): nothing is deployed there.
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
  /** Base URL of the client application that e-mails link to (no trailing slash). */
  appUrl?: string;
  /** The EventBridge bus domain events are put on (the event publisher). */
  eventBusName?: string;
  /** KMS key that seals webhook secrets (deployed; the route functions may only encrypt, the deliverer decrypt). */
  webhookKeyId?: string;
  /** Local mode only: the AES-256-GCM key material that seals webhook secrets in place of KMS. */
  webhookLocalKey?: string;
  /** SQS queue of webhook delivery attempts (deployed). */
  webhookQueueUrl?: string;
}

/** Settings a function may require (names of environment variables). */
export type SettingName =
  | 'TABLE_NAME'
  | 'CURSOR_SECRET'
  | 'STATE_MACHINE_ARN'
  | 'SENDER_EMAIL'
  | 'APP_URL'
  | 'EVENT_BUS_NAME'
  | 'WEBHOOK_KEY_ID'
  | 'WEBHOOK_QUEUE_URL';

/** Required by every function that reads its configuration, outside local mode. */
export const ALWAYS_REQUIRED: readonly SettingName[] = ['TABLE_NAME', 'CURSOR_SECRET'];

/** Local mode only: nothing deployed ever uses these. */
const LOCAL_DEFAULTS = {
  tableName: 'partnerships',
  cursorSecret: 'local-cursor-secret',
  appUrl: 'http://localhost:5173',
  webhookLocalKey: 'local-webhook-secret-key',
} as const;

/** A required setting is missing or empty; the message names the settings, never a value. */
export class MissingSettingsError extends Error {
  override readonly name = 'MissingSettingsError';
  constructor(readonly missing: readonly string[]) {
    super(
      `Missing required setting${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: ` +
        'the function stops (SERVICE_MODE is not "local", so there is no default). Check its environment in the stack.',
    );
  }
}

const isLocal = (env: NodeJS.ProcessEnv) => env.SERVICE_MODE === 'local';
/** A set, non-blank value (a blank value is as good as a missing one). */
const present = (value: string | undefined): string | undefined => (value && value.trim() !== '' ? value : undefined);

/** Names of the settings among `names` that are missing or blank in `env`. */
export function missingSettings(names: readonly SettingName[], env: NodeJS.ProcessEnv = process.env): SettingName[] {
  return names.filter((name) => present(env[name]) === undefined);
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const local = isLocal(env);
  if (!local) {
    const missing = missingSettings(ALWAYS_REQUIRED, env);
    if (missing.length > 0) throw new MissingSettingsError(missing);
  }
  return {
    tableName: present(env.TABLE_NAME) ?? LOCAL_DEFAULTS.tableName,
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    dynamoEndpoint: env.DYNAMODB_ENDPOINT || undefined,
    stateMachineArn: env.STATE_MACHINE_ARN || undefined,
    cursorSecret: present(env.CURSOR_SECRET) ?? LOCAL_DEFAULTS.cursorSecret,
    mode: local ? 'local' : 'aws',
    senderEmail: env.SENDER_EMAIL || undefined,
    eventBusName: present(env.EVENT_BUS_NAME),
    appUrl: (present(env.APP_URL) ?? (local ? LOCAL_DEFAULTS.appUrl : undefined))?.replace(/\/+$/, ''),
    webhookKeyId: present(env.WEBHOOK_KEY_ID),
    webhookLocalKey: local ? (present(env.WEBHOOK_LOCAL_KEY) ?? LOCAL_DEFAULTS.webhookLocalKey) : undefined,
    webhookQueueUrl: present(env.WEBHOOK_QUEUE_URL),
  };
}

/** Where the one init log line goes (a JSON line on stderr, the shape of the service's other logs). */
export type InitLog = (line: string) => void;
const stderrLog: InitLog = (line) => process.stderr.write(`${line}\n`);

function logMissing(missing: readonly string[], log: InitLog, env: NodeJS.ProcessEnv): void {
  log(
    JSON.stringify({
      level: 'ERROR',
      message: 'missing required settings: the function stops at init',
      service: env.POWERTOOLS_SERVICE_NAME ?? 'partnerships',
      timestamp: new Date().toISOString(),
      missingSettings: missing,
      function: env.AWS_LAMBDA_FUNCTION_NAME,
    }),
  );
}

/**
 * Outside local mode, stops the caller unless every named setting is set: logs one line naming the
 * missing ones and throws MissingSettingsError. In local mode it does nothing (in-process adapters
 * stand in for the AWS resources). Call it at module scope of a handler so the function stops at
 * init, e.g. `requireSettings(['STATE_MACHINE_ARN'])` where the handler starts executions.
 */
export function requireSettings(names: readonly SettingName[], env: NodeJS.ProcessEnv = process.env, log: InitLog = stderrLog): void {
  if (isLocal(env)) return;
  const missing = missingSettings(names, env);
  if (missing.length === 0) return;
  logMissing(missing, log, env);
  throw new MissingSettingsError(missing);
}

/** One setting: see requireSettings. */
export function requireSetting(name: SettingName, env: NodeJS.ProcessEnv = process.env, log: InitLog = stderrLog): void {
  requireSettings([name], env, log);
}

/**
 * The init check: in a Lambda runtime outside local mode, the settings every function needs. Runs
 * once when this module loads (exported for tests). Returns whether it checked.
 */
export function checkAtInit(env: NodeJS.ProcessEnv = process.env, log: InitLog = stderrLog): boolean {
  if (!present(env.AWS_LAMBDA_FUNCTION_NAME) || isLocal(env)) return false;
  requireSettings(ALWAYS_REQUIRED, env, log);
  return true;
}

checkAtInit();

/**
 * In a Lambda runtime outside local mode, `requireSettings(names)`; elsewhere nothing (scripts, the
 * bench, the local server). For module scope of handlers whose extra settings depend on what they do:
 * the HTTP wrapper requires STATE_MACHINE_ARN of every route that declares workflow access, the job
 * requires it too. Returns whether it checked.
 */
export function requireSettingsAtInit(
  names: readonly SettingName[],
  env: NodeJS.ProcessEnv = process.env,
  log: InitLog = stderrLog,
): boolean {
  if (!present(env.AWS_LAMBDA_FUNCTION_NAME) || isLocal(env)) return false;
  requireSettings(names, env, log);
  return true;
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
