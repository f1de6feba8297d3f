/** Fixtures of the host-guest partnership tests: two workspaces with a user of each role, and helpers. */
import { expect } from 'vitest';
import { getItem } from '../../shared/data/dynamo';
import { keys } from '../../shared/store/keys';
import { listNotifications } from '../../shared/notify/outbox';
import { registered } from '../support/api';
import type { LocalWorkflow } from '../support/workflow';

export type Api = Awaited<ReturnType<typeof registered>>;

async function workspace(label: string) {
  const owner = await registered(`${label}owner`);
  const created = await owner.post('/workspaces', { name: `${label} Inc` });
  expect(created.status).toBe(201);
  const workspaceId: string = created.body.workspaceId;
  const join = async (who: string, role: string) => {
    const api = await registered(`${label}${who}`);
    const added = await owner.post(`/workspaces/${workspaceId}/members`, { email: api.actor!.email, role });
    expect(added.status).toBe(201);
    return api;
  };
  const admin = await join('admin', 'admin');
  const member = await join('member', 'member');
  return { workspaceId, owner, admin, member, join };
}

/** A host and a guest workspace, each with owner/admin/member, plus an outsider in a third workspace. */
export async function world() {
  const [host, guest] = await Promise.all([workspace('host'), workspace('guest')]);
  const outsider = await registered('outsider');
  expect((await outsider.post('/workspaces', { name: 'Elsewhere' })).status).toBe(201);
  return { host, guest, outsider };
}
export type World = Awaited<ReturnType<typeof world>>;

export const email = (api: Api) => api.actor!.email;
export const uid = (api: Api) => api.actor!.userId;

/** A member's request (awaiting host approval). */
export async function memberRequest(w: World, requester: Api = w.host.member) {
  const response = await requester.post(`/workspaces/${w.host.workspaceId}/partnerships`, {
    guestWorkspaceId: w.guest.workspaceId,
    partnerEmail: email(w.guest.admin),
    reason: 'We run the project together',
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  expect(response.body.status).toBe('awaiting_host_approval');
  return response.body.partnershipId as string;
}

/** A member's request taken through host approval and guest acceptance: an active partnership. */
export async function activePartnership(w: World, workflow: LocalWorkflow) {
  const partnershipId = await memberRequest(w);
  await workflow.waitFor(partnershipId, { state: 'AwaitHostApproval' });
  expect((await w.host.admin.post(`/partnerships/${partnershipId}/approve`)).status).toBe(200);
  await workflow.waitFor(partnershipId, { state: 'AwaitGuestAcceptance' });
  expect((await w.guest.admin.post(`/partnerships/${partnershipId}/accept`, { acceptTerms: true })).status).toBe(200);
  await workflow.waitFor(partnershipId, { status: 'SUCCEEDED' });
  return partnershipId;
}

/** A host Admin's request (host approval skipped). */
export async function adminRequest(w: World) {
  const response = await w.host.admin.post(`/workspaces/${w.host.workspaceId}/partnerships`, {
    guestWorkspaceId: w.guest.workspaceId,
    partnerEmail: email(w.guest.admin),
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  expect(response.body.status).toBe('awaiting_guest_acceptance');
  return response.body.partnershipId as string;
}

export async function notes(api: Api, template?: string) {
  const page = await listNotifications(email(api), { limit: 100 });
  return page.items.filter((n) => !template || n.template === template);
}

export async function stored(partnershipId: string) {
  return getItem(keys.partnership(partnershipId));
}

export function expectError(response: { status: number; body: any; headers?: Record<string, string> }, status: number, code: string) {
  expect({ status: response.status, code: response.body?.error?.code }, JSON.stringify(response.body)).toEqual({ status, code });
}
