/**
 * The route table: every route of the HTTP API, defined once. Used by infra/ (one function per
 * route), local/ (the local server's router), scripts/openapi.ts and the tests.
 */
import type { RouteSpec } from '../http/route';
import { identityRoutes } from './identity';
import { teamRoutes } from './teams';
import { partnershipRoutes } from './partnerships';
import { sharingRoutes } from './sharing';

export const routes: ReadonlyArray<RouteSpec<any, any, any>> = [...identityRoutes, ...teamRoutes, ...partnershipRoutes, ...sharingRoutes];
