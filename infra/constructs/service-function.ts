/**
 * Every Lambda of the service is built the same way: Node.js 24 on ARM (nodejs20.x is deprecated in
 * Lambda since 2026-04-30; the bundle targets node20 syntax so the same code runs locally on Node 20),
 * an ESM bundle made by the local esbuild (never docker), minified, with source maps (options in
 * infra/bundling.ts, which the bench builds with too), and X-Ray active tracing.
 *
 * Tracing is X-Ray through the Lambda runtime only (no Powertools Tracer, no X-Ray SDK in the bundle;
 * measured in docs/DECISIONS.md): each invocation gets its Lambda segments (init, invocation,
 * overhead) and joins the trace of the state machine or API call that caused it. X-Ray's write
 * actions (xray:PutTraceSegments, xray:PutTelemetryRecords) accept only Resource "*": every
 * execution role carries them, acknowledged once per role below.
 *
 * Each function gets its own log group with a retention (created next to it, `<id>Logs`), and an
 * execution role without the AWS-managed basic execution policy: either the role passed in (the API
 * route functions share one role per access profile, see route-functions.ts) or its own `<id>Role`.
 * Either way the role may write only to this function's log group.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { type IRole, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { resolve } from 'node:path';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../shared/observability/metric-names';
import { FUNCTION_BUNDLING, FUNCTION_NODE_OPTIONS } from '../bundling';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

export const XRAY_ACKNOWLEDGEMENT = {
  id: 'AwsSolutions-IAM5[Resource::*]',
  reason:
    'Active X-Ray tracing (SPEC §12: tracing on every function): xray:PutTraceSegments and ' +
    'xray:PutTelemetryRecords support no resource-level permissions (IAM accepts only Resource "*"); they ' +
    'only write trace data, and the role gets nothing else on "*" for tracing.',
};

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

/** Roles already carrying the X-Ray acknowledgement (route functions share roles). */
const acknowledgedRoles = new WeakSet<IRole>();

/** Memory of every function that does not set its own (the bench's cost model bills Lambda at it). */
export const DEFAULT_MEMORY_MB = 512;

export class ServiceFunction extends NodejsFunction {
  /** The execution role (`role` of a Function is optional only for imported functions). */
  readonly executionRole: IRole;

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
      memorySize: props.memorySize ?? DEFAULT_MEMORY_MB,
      timeout: props.timeout ?? Duration.seconds(10),
      role,
      logGroup,
      tracing: Tracing.ACTIVE,
      environment: {
        NODE_OPTIONS: FUNCTION_NODE_OPTIONS,
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        ...props.environment,
      },
      projectRoot: REPO_ROOT,
      depsLockFilePath: resolve(REPO_ROOT, 'package-lock.json'),
      bundling: {
        format: OutputFormat.ESM,
        minify: FUNCTION_BUNDLING.minify,
        sourceMap: FUNCTION_BUNDLING.sourceMap,
        sourcesContent: FUNCTION_BUNDLING.sourcesContent,
        target: FUNCTION_BUNDLING.target,
        mainFields: [...FUNCTION_BUNDLING.mainFields],
        externalModules: [...FUNCTION_BUNDLING.externalModules],
        banner: FUNCTION_BUNDLING.banner,
        forceDockerBundling: false,
      },
    });
    this.executionRole = role;
    logGroup.grantWrite(role);
    if (!acknowledgedRoles.has(role)) {
      acknowledgedRoles.add(role);
      Validations.of(role).acknowledge(XRAY_ACKNOWLEDGEMENT);
    }
  }
}
