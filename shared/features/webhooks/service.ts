/**
 * Webhook endpoints (SPEC §11), for a workspace's Owner and Admins (other members 403, other tenants
 * 404 on every route). Secrets are made here, sealed at once (secrets.ts) and shown only in the answer
 * of create and rotate. Every change is in the workspace's activity log and recorded as a webhook.*
 * event at its one call site (store/webhooks.ts `recordWebhookEvent`).
 */
import { createHash, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { early, type UseCaseContext } from '../../context';
import { requireWorkspaceAdmin } from '../../domain/identity';
import {
  MAX_WEBHOOKS_PER_WORKSPACE,
  ROTATION_GRACE_MS,
  addressAllowed,
  checkWebhookUrl,
  newWebhookSecret,
  type UrlMode,
} from '../../domain/webhooks';
import { businessRule, notFound } from '../../errors';
import type { CloudEvent } from '../../events/types';
import { newId } from '../../ids';
import { config } from '../../config';
import { optimistic, type PageRequest } from '../../store';
import { appendActivity } from '../../store/activity';
import { keys } from '../../store/keys';
import { recordWebhookEvent, WEBHOOK_CONDITIONS, type StoredDelivery, type StoredWebhook } from '../../store/webhooks';
import { enqueueAttempts } from './queue';
import { resolveForCheck } from './resolve';
import { sealSecret } from './secrets';

export const EVENT_SOURCE = '/partnerships';

// ---- views -----------------------------------------------------------------------------------------------

export const webhookView = (w: StoredWebhook) => ({
  webhookId: w.webhookId,
  workspaceId: w.workspaceId,
  url: w.url,
  description: w.description,
  eventTypes: w.eventTypes,
  status: w.status,
  failingSince: w.failingSince,
  lastDeliveredAt: w.lastDeliveredAt,
  disabledAt: w.disabledAt,
  /** When the previous secret stops signing (null: no rotation in progress). */
  previousSecretExpiresAt: w.secrets.find((s) => s.expiresAt !== null)?.expiresAt ?? null,
  createdAt: w.createdAt,
  updatedAt: w.updatedAt,
});

export const deliveryView = (d: StoredDelivery) => ({
  deliveryId: d.deliveryId,
  webhookId: d.webhookId,
  eventId: d.eventId,
  eventType: d.eventType,
  status: d.status,
  attempts: d.attempts.map((a) => ({
    at: a.at,
    ...(a.statusCode !== undefined ? { statusCode: a.statusCode } : {}),
    ...(a.error !== undefined ? { error: a.error } : {}),
    durationMs: a.durationMs,
    ...(a.responseBody !== undefined ? { responseBody: a.responseBody } : {}),
  })),
  nextAttemptAt: d.nextAttemptAt,
  correlationId: d.correlationId,
  createdAt: d.createdAt,
});

/** The delivery id of an event at an endpoint: one per (event, endpoint), whatever runs the fan-out how often. */
export const deliveryIdOf = (eventId: string) => createHash('sha256').update(eventId).digest('hex').slice(0, 32);

/** A webhook.* event (never with a secret). */
export function webhookEvent(
  ctx: UseCaseContext,
  type: string,
  webhook: Pick<StoredWebhook, 'webhookId' | 'workspaceId' | 'url' | 'eventTypes' | 'status'>,
  extra: Record<string, unknown> = {},
  correlationId = ctx.correlationId,
): CloudEvent<Record<string, unknown>> {
  return {
    specversion: '1.0',
    id: newId(ctx.now.getTime()),
    source: EVENT_SOURCE,
    type,
    subject: `webhooks/${webhook.webhookId}`,
    time: ctx.at,
    datacontenttype: 'application/json',
    correlationid: correlationId,
    data: {
      webhookId: webhook.webhookId,
      workspaceId: webhook.workspaceId,
      url: webhook.url,
      eventTypes: [...webhook.eventTypes],
      status: webhook.status,
      ...extra,
    },
  };
}

// ---- rules that need the mode ------------------------------------------------------------------------------

const urlMode = (): UrlMode => config().mode;

const urlNotAllowed = (issue: string) =>
  businessRule('webhook_url_not_allowed', 'This URL may not receive webhooks.', [{ field: 'body.url', issue }]);

/**
 * The pure rules, then DNS (SPEC §11: a host that "is or resolves to" a non-public address): every address
 * must be allowed. Locally, http://localhost:<port> / http://127.0.0.1:<port> stay allowed as the pure rules
 * say. A host that does not resolve (in time) is left to the deliverer, which checks again before every attempt.
 */
async function requireAllowedUrl(url: string): Promise<void> {
  const mode = urlMode();
  const verdict = checkWebhookUrl(url, mode);
  if (!verdict.allowed) throw urlNotAllowed(verdict.reason);
  if (mode === 'local' && verdict.url.protocol === 'http:') return;
  if (isIP(verdict.host)) return;
  const refused = (await resolveForCheck(verdict.host))?.find((a) => !addressAllowed(a.address));
  if (refused) throw urlNotAllowed(`${verdict.host} resolves to ${refused.address}, not a public address`);
}

const limitReached = () =>
  businessRule('webhook_limit_reached', `A workspace has at most ${MAX_WEBHOOKS_PER_WORKSPACE} webhooks.`, {
    limit: MAX_WEBHOOKS_PER_WORKSPACE,
  });

/** The caller (Owner/Admin of its workspace) and the endpoint; 404 when it does not exist or is another tenant's. */
async function adminWebhook(ctx: UseCaseContext, webhookId: string): Promise<StoredWebhook> {
  const [me, webhook] = await Promise.all([ctx.me(), ctx.store.webhooks.get(webhookId)]);
  requireWorkspaceAdmin(me, keys.scopeOf(webhookId) ?? '');
  if (!webhook) throw notFound('webhook');
  return webhook;
}

// ---- use cases ---------------------------------------------------------------------------------------------

export interface WebhookInput {
  url: string;
  eventTypes: string[];
  description?: string;
}

export async function createWebhook(ctx: UseCaseContext, workspaceId: string, input: WebhookInput) {
  const { webhooks } = ctx.store;
  const [me, count] = await Promise.all([ctx.me(), webhooks.count(workspaceId)]);
  requireWorkspaceAdmin(me, workspaceId);
  await requireAllowedUrl(input.url);
  if (count >= MAX_WEBHOOKS_PER_WORKSPACE) throw limitReached();
  const webhookId = keys.scopedId(workspaceId, newId(ctx.now.getTime()));
  const secret = newWebhookSecret(randomBytes);
  const at = ctx.at;
  const webhook: StoredWebhook = {
    webhookId,
    workspaceId,
    url: input.url,
    description: input.description ?? null,
    eventTypes: input.eventTypes,
    status: 'enabled',
    secrets: [{ sealed: await sealSecret(secret, webhookId), createdAt: at, expiresAt: null }],
    failingSince: null,
    lastDeliveredAt: null,
    disabledAt: null,
    createdAt: at,
    createdBy: me.userId,
    updatedAt: at,
    version: 1,
  };
  const tx = ctx.store.transaction();
  ctx.store.users.requireRole(tx, me.userId, workspaceId, ['owner', 'admin']);
  webhooks.create(tx, webhook);
  appendActivity(tx, [{ kind: 'workspace', id: workspaceId }], {
    actorId: me.userId,
    action: 'webhook.created',
    target: { type: 'webhook', id: webhookId },
    data: { url: webhook.url, eventTypes: webhook.eventTypes },
    at,
  });
  recordWebhookEvent(tx, webhookEvent(ctx, 'webhook.created.v1', webhook), workspaceId);
  await tx.commit({ [WEBHOOK_CONDITIONS.belowLimit]: () => limitReached() });
  return { ...webhookView(webhook), secret };
}

export async function listWebhooks(ctx: UseCaseContext, workspaceId: string, page: PageRequest) {
  const pending = early(ctx.store.webhooks.page(workspaceId, page));
  requireWorkspaceAdmin(await ctx.me(), workspaceId);
  const result = await pending;
  return { items: result.items.map(webhookView), nextCursor: result.nextCursor };
}

export async function readWebhook(ctx: UseCaseContext, webhookId: string) {
  return webhookView(await adminWebhook(ctx, webhookId));
}

export interface WebhookPatch {
  url?: string;
  eventTypes?: string[];
  description?: string | null;
  status?: 'enabled' | 'disabled';
}

export async function updateWebhook(ctx: UseCaseContext, webhookId: string, patch: WebhookPatch) {
  if (patch.url !== undefined) await requireAllowedUrl(patch.url);
  return optimistic(ctx.store, async () => {
    const webhook = await adminWebhook(ctx, webhookId);
    const at = ctx.at;
    const enabling = patch.status === 'enabled' && webhook.status === 'disabled';
    const next: StoredWebhook = {
      ...webhook,
      ...(patch.url !== undefined ? { url: patch.url } : {}),
      ...(patch.eventTypes !== undefined ? { eventTypes: patch.eventTypes } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.status !== undefined ? { status: patch.status } : {}),
      // Enabled again: a fresh start (the 3 days of failures count from the next failed attempt).
      ...(enabling ? { failingSince: null, disabledAt: null } : {}),
      ...(patch.status === 'disabled' && webhook.status === 'enabled' ? { disabledAt: at } : {}),
      updatedAt: at,
    };
    const tx = ctx.store.transaction();
    ctx.store.users.requireRole(tx, ctx.caller.userId, webhook.workspaceId, ['owner', 'admin']);
    ctx.store.webhooks.replace(tx, webhook, next);
    appendActivity(tx, [{ kind: 'workspace', id: webhook.workspaceId }], {
      actorId: ctx.caller.userId,
      action: 'webhook.updated',
      target: { type: 'webhook', id: webhookId },
      data: { ...patch },
      at,
    });
    recordWebhookEvent(tx, webhookEvent(ctx, 'webhook.updated.v1', next), webhook.workspaceId);
    await tx.commit();
    return webhookView({ ...next, version: webhook.version + 1 });
  });
}

export function deleteWebhook(ctx: UseCaseContext, webhookId: string) {
  return optimistic(ctx.store, async () => {
    const webhook = await adminWebhook(ctx, webhookId);
    const tx = ctx.store.transaction();
    ctx.store.users.requireRole(tx, ctx.caller.userId, webhook.workspaceId, ['owner', 'admin']);
    ctx.store.webhooks.remove(tx, webhook);
    appendActivity(tx, [{ kind: 'workspace', id: webhook.workspaceId }], {
      actorId: ctx.caller.userId,
      action: 'webhook.deleted',
      target: { type: 'webhook', id: webhookId },
      data: { url: webhook.url },
      at: ctx.at,
    });
    recordWebhookEvent(tx, webhookEvent(ctx, 'webhook.deleted.v1', webhook), webhook.workspaceId);
    await tx.commit();
  });
}

/** A new current secret; the previous one signs too for 24 h (Standard Webhooks rotation). */
export function rotateSecret(ctx: UseCaseContext, webhookId: string) {
  return optimistic(ctx.store, async () => {
    const webhook = await adminWebhook(ctx, webhookId);
    const at = ctx.at;
    const secret = newWebhookSecret(randomBytes);
    const expiresAt = new Date(ctx.now.getTime() + ROTATION_GRACE_MS).toISOString();
    const current = webhook.secrets.find((s) => s.expiresAt === null);
    const next: StoredWebhook = {
      ...webhook,
      // The new secret, and the one it replaces until its grace ends (an older one stops at once).
      secrets: [
        { sealed: await sealSecret(secret, webhookId), createdAt: at, expiresAt: null },
        ...(current ? [{ ...current, expiresAt }] : []),
      ],
      updatedAt: at,
    };
    const tx = ctx.store.transaction();
    ctx.store.users.requireRole(tx, ctx.caller.userId, webhook.workspaceId, ['owner', 'admin']);
    ctx.store.webhooks.replace(tx, webhook, next);
    appendActivity(tx, [{ kind: 'workspace', id: webhook.workspaceId }], {
      actorId: ctx.caller.userId,
      action: 'webhook.secret_rotated',
      target: { type: 'webhook', id: webhookId },
      data: { previousSecretExpiresAt: expiresAt },
      at,
    });
    recordWebhookEvent(
      tx,
      webhookEvent(ctx, 'webhook.secret_rotated.v1', next, { previousSecretExpiresAt: expiresAt }),
      webhook.workspaceId,
    );
    await tx.commit();
    return { webhookId, secret, previousSecretExpiresAt: expiresAt };
  });
}

/** A webhook.test.v1 event to this endpoint only, delivered like any other (its first attempt at once). */
export async function sendTestEvent(ctx: UseCaseContext, webhookId: string) {
  const webhook = await adminWebhook(ctx, webhookId);
  if (webhook.status !== 'enabled') throw businessRule('webhook_disabled', 'Enable the webhook before sending it a test event.');
  const event = webhookEvent(ctx, 'webhook.test.v1', webhook, { message: 'A test event sent from the webhook settings.' });
  const deliveryId = deliveryIdOf(event.id);
  const at = ctx.at;
  await ctx.store.webhooks.createDelivery(
    {
      deliveryId,
      webhookId,
      workspaceId: webhook.workspaceId,
      eventId: event.id,
      eventType: event.type,
      createdAt: at,
      correlationId: ctx.correlationId,
      body: JSON.stringify(event),
    },
    at,
  );
  await enqueueAttempts([{ webhookId, deliveryId, dueAt: at }]);
  return { deliveryId, eventId: event.id, eventType: event.type };
}

export async function listDeliveries(ctx: UseCaseContext, webhookId: string, page: PageRequest) {
  const pending = early(ctx.store.webhooks.deliveriesPage(webhookId, page));
  await adminWebhook(ctx, webhookId);
  const result = await pending;
  return { items: result.items.map(deliveryView), nextCursor: result.nextCursor };
}

/** Sends a delivery again (whatever its status): a new round of attempts, the first at once. */
export function redeliver(ctx: UseCaseContext, webhookId: string, deliveryId: string) {
  return optimistic(ctx.store, async () => {
    const [webhook, delivery] = await Promise.all([adminWebhook(ctx, webhookId), ctx.store.webhooks.delivery(webhookId, deliveryId)]);
    if (!delivery) throw notFound('delivery');
    if (webhook.status !== 'enabled') throw businessRule('webhook_disabled', 'Enable the webhook before redelivering to it.');
    const at = ctx.at;
    const tx = ctx.store.transaction();
    ctx.store.webhooks.redeliver(tx, delivery, at, ctx.correlationId);
    appendActivity(tx, [{ kind: 'workspace', id: webhook.workspaceId }], {
      actorId: ctx.caller.userId,
      action: 'webhook.redelivery_requested',
      target: { type: 'webhook', id: webhookId },
      data: { deliveryId, eventId: delivery.eventId },
      at,
    });
    await tx.commit();
    await enqueueAttempts([{ webhookId, deliveryId, dueAt: at }]);
    return deliveryView({ ...delivery, status: 'pending', nextAttemptAt: at, firstAttemptAt: null, correlationId: ctx.correlationId });
  });
}
