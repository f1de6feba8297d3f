/**
 * The route table: every route of the HTTP API, defined once. Used by infra/ (one function per
 * route), local/ (the local server's router), scripts/openapi.ts and the tests.
 */
import { identityRoutes } from '../features/identity/routes';
import { partnershipRoutes } from '../features/partnerships/routes';
import { sharingRoutes } from '../features/sharing/routes';
import { teamPartnerRoutes } from '../features/team-partners/routes';
import { teamRoutes } from '../features/teams/routes';
import { webhookRoutes } from '../features/webhooks/routes';
import { workspaceRoutes } from '../features/workspaces/routes';
import type { RouteSpec } from '../http/route';

export const routes: ReadonlyArray<RouteSpec> = [
  ...identityRoutes,
  ...workspaceRoutes,
  ...teamRoutes,
  ...teamPartnerRoutes,
  ...partnershipRoutes,
  ...sharingRoutes,
  ...webhookRoutes,
];
