/** Routes of SPEC §11: webhook endpoints of a workspace, their secrets, test events and delivery log. */
import * as z from 'zod/mini';
import { WILDCARD } from '../../domain/webhooks';
import { EVENT_TYPES } from '../../events/catalog';
import { defineRoute } from '../../http/route';
import * as s from '../../http/schemas';

/** What an endpoint may subscribe to: every known type but the test event (sent only by POST /test), or "*". */
export const SUBSCRIBABLE_EVENT_TYPES = EVENT_TYPES.filter((t) => t !== 'webhook.test.v1');

const workspaceParams = z.strictObject({ workspaceId: s.id() });
const webhookParams = z.strictObject({ webhookId: s.id() });
const deliveryParams = z.strictObject({ webhookId: s.id(), deliveryId: s.id() });

const url = () =>
  z.string().check(
    z.maxLength(2048),
    z.regex(/^https?:\/\/[^\s\u0000-\u001f\u007f]+$/, 'must be an http(s) URL'),
    z.refine((v) => URL.canParse(v), 'must be a URL'),
    z.meta({ format: 'uri' }),
  );

/** At least one type, none repeated; "*" alone means every type. */
const eventTypes = () =>
  z
    .array(z.enum([WILDCARD, ...SUBSCRIBABLE_EVENT_TYPES]))
    .check(
      z.minLength(1),
      z.maxLength(SUBSCRIBABLE_EVENT_TYPES.length),
      z.superRefine((list, ctx) => {
        const seen = new Set<string>();
        list.forEach((value, index) => {
          if (seen.has(value)) ctx.addIssue({ code: 'custom', message: 'repeats an earlier entry', path: [index], input: value });
          seen.add(value);
        });
        if (list.includes(WILDCARD) && list.length > 1)
          ctx.addIssue({ code: 'custom', message: '"*" (every event type) stands alone', path: [], input: list });
      }),
    )
    .register(z.globalRegistry, { uniqueItems: true });

const webhookShape = {
  webhookId: z.string(),
  workspaceId: z.string(),
  url: z.string(),
  description: z.nullable(z.string()),
  eventTypes: z.array(z.string()),
  status: z.enum(['enabled', 'disabled']),
  failingSince: z.nullable(s.time()),
  lastDeliveredAt: z.nullable(s.time()),
  disabledAt: z.nullable(s.time()),
  previousSecretExpiresAt: z.nullable(s.time()),
  createdAt: s.time(),
  updatedAt: s.time(),
};
const webhookResponse = s.named('Webhook', z.object(webhookShape));

const createdWebhookResponse = s.named(
  'CreatedWebhook',
  z.object({
    ...webhookShape,
    /** `whsec_…`: shown only here and on rotation; null on an idempotent replay (never stored in the clear). */
    secret: z.nullable(z.string()),
  }),
);

const attemptResponse = z.object({
  at: s.time(),
  statusCode: z.optional(z.int()),
  error: z.optional(z.string()),
  durationMs: z.number(),
  responseBody: z.optional(z.string()),
});

const deliveryResponse = s.named(
  'WebhookDelivery',
  z.object({
    deliveryId: z.string(),
    webhookId: z.string(),
    eventId: z.string(),
    eventType: z.string(),
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.array(attemptResponse),
    nextAttemptAt: z.nullable(s.time()),
    correlationId: z.string(),
    createdAt: s.time(),
  }),
);

export const createWebhook = defineRoute({
  id: 'createWebhook',
  method: 'POST',
  path: '/workspaces/{workspaceId}/webhooks',
  entry: 'functions/webhooks/create-webhook.ts',
  summary:
    'Owner/Admin: add a webhook endpoint (at most 10 per workspace). The answer holds its signing secret (whsec_…), shown only here and on rotation.',
  params: workspaceParams,
  body: z.strictObject({ url: url(), eventTypes: eventTypes(), description: z.optional(s.text(500)) }),
  response: createdWebhookResponse,
  successStatus: 201,
  idempotent: true,
  replayRedacts: ['secret'],
  errors: { 403: ['forbidden'], 404: ['not_found'], 422: ['webhook_url_not_allowed', 'webhook_limit_reached'] },
  access: { table: 'readWrite', webhooks: ['seal'] },
});

export const listWebhooks = defineRoute({
  id: 'listWebhooks',
  method: 'GET',
  path: '/workspaces/{workspaceId}/webhooks',
  entry: 'functions/webhooks/list-webhooks.ts',
  summary: "Owner/Admin: the workspace's webhook endpoints (never their secrets).",
  params: workspaceParams,
  query: s.listQuery(),
  response: s.pageOf(webhookResponse),
  errors: { 403: ['forbidden'], 404: ['not_found'] },
  access: { table: 'read' },
});

export const getWebhook = defineRoute({
  id: 'getWebhook',
  method: 'GET',
  path: '/webhooks/{webhookId}',
  entry: 'functions/webhooks/get-webhook.ts',
  summary: 'Owner/Admin: a webhook endpoint.',
  params: webhookParams,
  response: webhookResponse,
  errors: { 403: ['forbidden'], 404: ['not_found'] },
  access: { table: 'read' },
});

export const updateWebhook = defineRoute({
  id: 'updateWebhook',
  method: 'PATCH',
  path: '/webhooks/{webhookId}',
  entry: 'functions/webhooks/update-webhook.ts',
  summary: 'Owner/Admin: change the URL, event types, description, or enable/disable the endpoint.',
  params: webhookParams,
  body: s.patch({
    url: z.optional(url()),
    eventTypes: z.optional(eventTypes()),
    description: z.optional(z.nullable(s.text(500))),
    status: z.optional(z.enum(['enabled', 'disabled'])),
  }),
  response: webhookResponse,
  errors: { 403: ['forbidden'], 404: ['not_found'], 422: ['webhook_url_not_allowed'] },
  access: { table: 'readWrite' },
});

export const deleteWebhook = defineRoute({
  id: 'deleteWebhook',
  method: 'DELETE',
  path: '/webhooks/{webhookId}',
  entry: 'functions/webhooks/delete-webhook.ts',
  summary: 'Owner/Admin: delete the endpoint (its pending deliveries fail).',
  params: webhookParams,
  successStatus: 204,
  errors: { 403: ['forbidden'], 404: ['not_found'] },
  access: { table: 'readWrite' },
});

export const rotateWebhookSecret = defineRoute({
  id: 'rotateWebhookSecret',
  method: 'POST',
  path: '/webhooks/{webhookId}/rotate-secret',
  entry: 'functions/webhooks/rotate-secret.ts',
  summary: 'Owner/Admin: a new signing secret (shown only here); the previous one also signs for 24 h.',
  params: webhookParams,
  response: s.named('RotatedWebhookSecret', z.object({ webhookId: z.string(), secret: z.string(), previousSecretExpiresAt: s.time() })),
  errors: { 403: ['forbidden'], 404: ['not_found'] },
  access: { table: 'readWrite', webhooks: ['seal'] },
});

export const testWebhook = defineRoute({
  id: 'testWebhook',
  method: 'POST',
  path: '/webhooks/{webhookId}/test',
  entry: 'functions/webhooks/test-webhook.ts',
  summary: 'Owner/Admin: send a webhook.test.v1 event to this endpoint only (202: its delivery is under way).',
  params: webhookParams,
  response: z.object({ deliveryId: z.string(), eventId: z.string(), eventType: z.string() }),
  successStatus: 202,
  errors: { 403: ['forbidden'], 404: ['not_found'], 422: ['webhook_disabled'] },
  access: { table: 'readWrite', webhooks: ['enqueue'] },
});

export const listWebhookDeliveries = defineRoute({
  id: 'listWebhookDeliveries',
  method: 'GET',
  path: '/webhooks/{webhookId}/deliveries',
  entry: 'functions/webhooks/list-deliveries.ts',
  summary: "Owner/Admin: the endpoint's deliveries, newest first, with every attempt.",
  params: webhookParams,
  query: s.listQuery(),
  response: s.pageOf(deliveryResponse),
  errors: { 403: ['forbidden'], 404: ['not_found'] },
  access: { table: 'read' },
});

export const redeliverWebhookDelivery = defineRoute({
  id: 'redeliverWebhookDelivery',
  method: 'POST',
  path: '/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver',
  entry: 'functions/webhooks/redeliver.ts',
  summary: 'Owner/Admin: send a delivery again (a new round of attempts, the first at once).',
  params: deliveryParams,
  response: deliveryResponse,
  successStatus: 202,
  errors: { 403: ['forbidden'], 404: ['not_found'], 422: ['webhook_disabled'] },
  access: { table: 'readWrite', webhooks: ['enqueue'] },
});

export const webhookRoutes = [
  createWebhook,
  listWebhooks,
  getWebhook,
  updateWebhook,
  deleteWebhook,
  rotateWebhookSecret,
  testWebhook,
  listWebhookDeliveries,
  redeliverWebhookDelivery,
];
