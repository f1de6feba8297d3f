/**
 * The route table: every route of the HTTP API, defined once. Used by infra/ (one function per
 * route), local/ (the local server's router), scripts/openapi.ts and the tests.
 */
import { identityRoutes } from '../features/identity/routes';
import { partnershipRoutes } from '../features/partnerships/routes';
import { sharingRoutes } from '../features/sharing/routes';
import { workspaceRoutes } from '../features/workspaces/routes';
import type { RouteSpec } from '../http/route';
import { teamRoutes } from './teams';

export const routes: ReadonlyArray<RouteSpec<any, any, any>> = [...identityRoutes, ...workspaceRoutes, ...teamRoutes, ...partnershipRoutes, ...sharingRoutes];
