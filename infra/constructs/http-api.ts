/**
 * The HTTP API: one `$default` stage with throttling defaults and JSON access logs, one route per
 * entry of the route table (added by the stack with `addServiceRoute`, always behind the JWT
 * authorizer), and a `$default` catch-all route without authorizer whose function answers 404 in the
 * spec's error format.
 */
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration, type HttpLambdaIntegrationProps } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { PayloadFormatVersion } from 'aws-cdk-lib/aws-apigatewayv2';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { RouteSpec } from '../../shared/http/route';

export interface ServiceHttpApiProps {
  /** Applied to every route of the route table (never to `$default`). */
  authorizer: IHttpRouteAuthorizer;
  /** Function behind the `$default` route (unknown method/path: 404). */
  notFound: IFunction;
  /** Stage throttling: steady-state requests per second and burst. */
  throttle: { rateLimit: number; burstLimit: number };
}

/**
 * One field per $context variable (HTTP API access-log variables). Joining with the function logs
 * (SPEC §1, §12): `requestId` is the `apiRequestId` key of every function log line of the request
 * (shared/http/handler.ts), and `integrationRequestId` is the Lambda request id (Powertools'
 * `function_request_id`); those lines carry the `correlationId` (HTTP API access logs cannot read a
 * request header, so the id is joined through them).
 */
export const ACCESS_LOG_FIELDS: Record<string, string> = {
  requestId: '$context.requestId',
  integrationRequestId: '$context.integration.requestId',
  requestTime: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  routeKey: '$context.routeKey',
  path: '$context.path',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  latency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  sub: '$context.authorizer.claims.sub',
};

const payloadV2: HttpLambdaIntegrationProps = { payloadFormatVersion: PayloadFormatVersion.VERSION_2_0 };

export class ServiceHttpApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
  private readonly authorizer: IHttpRouteAuthorizer;

  constructor(scope: Construct, id: string, props: ServiceHttpApiProps) {
    super(scope, id);
    this.authorizer = props.authorizer;
    this.api = new HttpApi(this, 'Api', {
      description: 'Partnerships service: cross-organization collaboration API',
      createDefaultStage: false,
    });
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
    const defaultRoute = new HttpRoute(this, 'DefaultRoute', {
      httpApi: this.api,
      routeKey: HttpRouteKey.DEFAULT,
      integration: new HttpLambdaIntegration('NotFound', props.notFound, payloadV2),
    });
    Validations.of(defaultRoute).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'The $default catch-all only answers 404 not_found for unknown routes (SPEC: unknown routes are 404); ' +
        'its function reads nothing and has no data access. Every route of the route table has the JWT authorizer.',
    });
  }

  /** The route `METHOD path` of the route table, behind the JWT authorizer, invoking `fn`. */
  addServiceRoute(route: RouteSpec, fn: IFunction): HttpRoute {
    return new HttpRoute(this, `Route${pascal(route.id)}`, {
      httpApi: this.api,
      routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]),
      integration: new HttpLambdaIntegration(`${pascal(route.id)}Integration`, fn, payloadV2),
      authorizer: this.authorizer,
    });
  }
}

export const pascal = (id: string) => id.charAt(0).toUpperCase() + id.slice(1);
