/**
 * The mix: three kinds of connection, each sending its steps in order, pass after pass. Reads are the
 * same five GETs by the host's people; writes create and edit a work item as a team member or `edit`
 * partner; decisions take a partnership through request, approval, acceptance, removal, a second
 * request and a decline. Writing connections hold objects of their own (slots), so every request is
 * valid by construction.
 */
import type { KindName } from './settings';
import type { DecisionSlot, LoadActor, LoadWorld, WriterSlot } from './seed';

/** Per-connection context of one pass through a kind's sequence (autocannon resets it each pass). */
export interface Context {
  slot?: unknown;
  /** Index of the last step answered as expected in this pass. */
  answered: number;
  sentAt: number;
  /** Kept from a response by an earlier step's `keep`; a step runs only once the one before it answered. */
  partnershipId?: string;
  workItemId?: string;
  [value: string]: unknown;
}

export interface Step {
  /** Route template, for the report. */
  route: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  expect: number;
  actor: (ctx: Context) => LoadActor;
  path: (ctx: Context) => string;
  body?: (ctx: Context) => unknown;
  /** Keeps what later steps need from the response body. */
  keep?: (body: any, ctx: Context) => void;
}

export interface KindPlan {
  name: KindName;
  description: string;
  steps: Step[];
  /** Exclusive: a connection holds its slot for a whole pass (no two connections share objects). */
  exclusive: boolean;
  slots: unknown[];
}

export function buildPlans(world: LoadWorld): KindPlan[] {
  let titles = 0;
  const reader = (ctx: Context) => ctx.slot as LoadActor;
  const writer = (ctx: Context) => (ctx.slot as WriterSlot).actor;
  const decision = (ctx: Context) => ctx.slot as DecisionSlot;
  const requestStep = (route: string, reason: string): Step => ({
    route,
    method: 'POST',
    expect: 201,
    actor: (ctx) => decision(ctx).requester,
    path: () => `/workspaces/${world.hostId}/partnerships`,
    body: (ctx) => ({ guestWorkspaceId: decision(ctx).guestWorkspaceId, partnerEmail: decision(ctx).guestAdmin.email, reason }),
    keep: (body, ctx) => (ctx.partnershipId = body.partnershipId),
  });
  return [
    {
      name: 'reads',
      description:
        'GET /me, GET /workspaces/{id}, GET /teams/{id}/work-items, GET /workspaces/{id}/partnerships, GET /partnerships/{id} in turn, as the host Owner, Admin or a member (round robin per pass).',
      exclusive: false,
      slots: world.readers,
      steps: [
        { route: 'GET /me', method: 'GET', expect: 200, actor: reader, path: () => '/me' },
        { route: 'GET /workspaces/{id}', method: 'GET', expect: 200, actor: reader, path: () => `/workspaces/${world.hostId}` },
        { route: 'GET /teams/{id}/work-items', method: 'GET', expect: 200, actor: reader, path: () => `/teams/${world.teamId}/work-items` },
        {
          route: 'GET /workspaces/{id}/partnerships',
          method: 'GET',
          expect: 200,
          actor: reader,
          path: () => `/workspaces/${world.hostId}/partnerships`,
        },
        {
          route: 'GET /partnerships/{id}',
          method: 'GET',
          expect: 200,
          actor: reader,
          path: () => `/partnerships/${world.pendingPartnershipId}`,
        },
      ],
    },
    {
      name: 'writes',
      description:
        'POST /teams/{id}/work-items, then PATCH /work-items/{id} of that item (status doing, assigned to the writer, renamed); each connection writes as its own team member or `edit` partner (one writer in three is a partner).',
      exclusive: true,
      slots: world.writers,
      steps: [
        {
          route: 'POST /teams/{id}/work-items',
          method: 'POST',
          expect: 201,
          actor: writer,
          path: () => `/teams/${world.teamId}/work-items`,
          body: () => ({ title: `Load item ${titles++}` }),
          keep: (body, ctx) => (ctx.workItemId = body.workItemId),
        },
        {
          route: 'PATCH /work-items/{id}',
          method: 'PATCH',
          expect: 200,
          actor: writer,
          path: (ctx) => `/work-items/${ctx.workItemId!}`,
          // Every writer assigns the item to themselves (a partner too: its writer and assignee
          // checks are one ConditionCheck) and renames it.
          body: (ctx) => ({ status: 'doing', assigneeId: writer(ctx).userId, title: `Load item ${titles++} (edited)` }),
        },
      ],
    },
    {
      name: 'decisions',
      description:
        'A member requests a partnership with a guest workspace; the host admin approves; the guest admin accepts; the member removes it; the member requests again; the host admin declines. Each connection uses its own member and guest workspace, so every decision is valid.',
      exclusive: true,
      slots: world.decisionSlots,
      steps: [
        requestStep('POST /workspaces/{id}/partnerships', 'Load test: joint project.'),
        {
          route: 'POST /partnerships/{id}/approve',
          method: 'POST',
          expect: 200,
          actor: () => world.admin,
          path: (ctx) => `/partnerships/${ctx.partnershipId!}/approve`,
        },
        {
          route: 'POST /partnerships/{id}/accept',
          method: 'POST',
          expect: 200,
          actor: (ctx) => decision(ctx).guestAdmin,
          path: (ctx) => `/partnerships/${ctx.partnershipId!}/accept`,
          body: () => ({ acceptTerms: true }),
        },
        {
          route: 'DELETE /partnerships/{id}',
          method: 'DELETE',
          expect: 200,
          actor: (ctx) => decision(ctx).requester,
          path: (ctx) => `/partnerships/${ctx.partnershipId!}`,
        },
        requestStep('POST /workspaces/{id}/partnerships (again)', 'Load test: second try.'),
        {
          route: 'POST /partnerships/{id}/decline',
          method: 'POST',
          expect: 200,
          actor: () => world.admin,
          path: (ctx) => `/partnerships/${ctx.partnershipId!}/decline`,
          body: () => ({ reason: 'Not this quarter.' }),
        },
      ],
    },
  ];
}
