/**
 * Every Lambda of the service is built the same way: Node.js 24 on ARM (nodejs20.x is deprecated in
 * Lambda since 2026-04-30; the bundle targets node20 syntax so the same code runs locally on Node 20),
 * an ESM bundle made by the local esbuild (never docker), the AWS SDK v3 left to the runtime,
 * minified, with source maps. No X-Ray active tracing: nothing in the code emits subsegments, and
 * X-Ray's write actions accept only Resource "*", which would widen every role.
 *
 * Each function gets its own log group with a retention (created next to it, `<id>Logs`), and an
 * execution role without the AWS-managed basic execution policy: either the role passed in (the API
 * route functions share one role per access profile, see route-functions.ts) or its own `<id>Role`.
 * Either way the role may write only to this function's log group.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { type IRole, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

export interface ServiceFunctionProps {
  /** Handler module relative to the repository root, e.g. functions/identity/get-me.ts */
  entry: string;
  environment?: Record<string, string>;
  timeout?: Duration;
  memorySize?: number;
  description?: string;
  /** Execution role; by default the function gets its own role (its log group only until granted more). */
  role?: IRole;
  /** @default one month */
  logRetention?: RetentionDays;
}

export class ServiceFunction extends NodejsFunction {
  /** `this.logGroup` (inherited) is the function's own log group, created here. */
  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role =
      props.role ??
      new Role(scope, `${id}Role`, {
        assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
        description: `Execution role of ${props.entry}`,
      });
    super(scope, id, {
      entry: resolve(REPO_ROOT, props.entry),
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      role,
      logGroup,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'partnerships',
        ...props.environment,
      },
      projectRoot: REPO_ROOT,
      depsLockFilePath: resolve(REPO_ROOT, 'package-lock.json'),
      bundling: {
        format: OutputFormat.ESM,
        minify: true,
        sourceMap: true,
        target: 'node20',
        mainFields: ['module', 'main'],
        externalModules: ['@aws-sdk/*'],
        // ESM bundles of CommonJS dependencies still call require() for Node built-ins.
        banner: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
        forceDockerBundling: false,
      },
    });
    logGroup.grantWrite(role);
  }
}
