/** SPEC §5: host-guest partnerships through the API, with the synthesized state machine running locally. */
import { describe, expect, it } from 'vitest';
import { listActivity } from '../../shared/store/activity';
import { emailOf, uid } from '../support/api';
import { expectError } from '../support/errors';
import { notificationsOf, storedPartnership } from '../support/table';
import { adminRequest, hostAndGuest, memberRequest, type HostAndGuest } from '../support/world';
import { useLocalWorkflow } from '../support/workflow';

const workflow = useLocalWorkflow({ retryIntervalMs: 10 });

const acceptBy = (w: HostAndGuest, id: string) => w.guest.admin.post(`/partnerships/${id}/accept`, { acceptTerms: true });

describe('the three stages', () => {
  it('member request -> host approval -> guest acceptance: active, execution SUCCEEDED', async () => {
    const w = await hostAndGuest();
    const id = await memberRequest(w);
    await workflow.waitFor(id, { state: 'AwaitHostApproval' });
    expect(await notificationsOf(w.host.admin, 'partnership.requested')).toHaveLength(1);
    expect(await notificationsOf(w.host.owner, 'partnership.requested')).toHaveLength(1);
    expect(await notificationsOf(w.host.member, 'partnership.requested')).toHaveLength(0);

    const approved = await w.host.admin.post(`/partnerships/${id}/approve`);
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'awaiting_guest_acceptance', hostDecision: { by: uid(w.host.admin) } });
    await workflow.waitFor(id, { state: 'AwaitGuestAcceptance' });
    expect(await notificationsOf(w.guest.admin, 'partnership.invitation')).toHaveLength(1);

    const accepted = await acceptBy(w, id);
    expect(accepted.status).toBe(200);
    expect(accepted.body.status).toBe('active');
    await workflow.waitFor(id, { status: 'SUCCEEDED' });
    expect(workflow.path(id)).toEqual([
      'NeedsHostApproval?',
      'AwaitHostApproval',
      'HostDecision',
      'AwaitGuestAcceptance',
      'GuestDecision',
      'Active',
    ]);
    expect(workflow.transitions(id)).toBe(6);
    // Owners (the requester) and host admins are told; the record is clean (no token, not due).
    expect(await notificationsOf(w.host.member, 'partnership.accepted')).toHaveLength(1);
    expect(await notificationsOf(w.host.admin, 'partnership.accepted')).toHaveLength(1);
    const item = await storedPartnership(id);
    expect(item).toMatchObject({ status: 'active' });
    expect(item?.taskToken).toBeUndefined();
    expect(item?.resume).toBeUndefined();
    expect(item?.gsi2pk).toBeUndefined();
    // Activity: partnership, host and (once visible) guest scopes.
    const log = await listActivity({ kind: 'partnership', id }, { limit: 10 });
    expect(log.items.map((e) => e.action)).toEqual(['partnership.accepted', 'partnership.approved', 'partnership.requested']);
    const guestLog = await listActivity({ kind: 'workspace', id: w.guest.workspaceId }, { limit: 10 });
    expect(guestLog.items.map((e) => e.action)).toEqual(expect.arrayContaining(['partnership.accepted', 'partnership.approved']));
    expect(guestLog.items.map((e) => e.action)).not.toContain('partnership.requested');
  });

  it('a host Admin request skips host approval and invites the partner at once', async () => {
    const w = await hostAndGuest();
    const id = await adminRequest(w);
    expect(await notificationsOf(w.guest.admin, 'partnership.invitation')).toHaveLength(1);
    expect(await notificationsOf(w.host.owner, 'partnership.requested')).toHaveLength(0);
    await workflow.waitFor(id, { state: 'AwaitGuestAcceptance' });
    expect((await acceptBy(w, id)).status).toBe(200);
    await workflow.waitFor(id, { status: 'SUCCEEDED' });
    expect(workflow.path(id)).toEqual(['NeedsHostApproval?', 'AwaitGuestAcceptance', 'GuestDecision', 'Active']);
  });

  it('host decline ends it (terminal) and frees the pair', async () => {
    const w = await hostAndGuest();
    const id = await memberRequest(w);
    await workflow.waitFor(id, { state: 'AwaitHostApproval' });
    const declined = await w.host.owner.post(`/partnerships/${id}/decline`, { reason: 'Not now' });
    expect(declined.status).toBe(200);
    expect(declined.body).toMatchObject({ status: 'declined_by_host', hostDecision: { reason: 'Not now' } });
    await workflow.waitFor(id, { status: 'SUCCEEDED' });
    expect(workflow.path(id).at(-1)).toBe('DeclinedByHost');
    expect(await notificationsOf(w.host.member, 'partnership.declined_by_host')).toHaveLength(1);
    // The guest never saw it.
    expectError(await w.guest.admin.get(`/partnerships/${id}`), 404, 'not_found');
    expectError(await w.host.admin.post(`/partnerships/${id}/approve`), 409, 'invalid_state');
    await memberRequest(w);
  });

  it('guest decline -> resend -> accept', async () => {
    const w = await hostAndGuest();
    const id = await memberRequest(w);
    await workflow.waitFor(id, { state: 'AwaitHostApproval' });
    expect((await w.host.admin.post(`/partnerships/${id}/approve`)).status).toBe(200);
    await workflow.waitFor(id, { state: 'AwaitGuestAcceptance' });
    const declined = await w.guest.owner.post(`/partnerships/${id}/decline`, { reason: 'Terms unclear' });
    expect(declined.status).toBe(200);
    expect(declined.body.status).toBe('declined_by_guest');
    expect(await notificationsOf(w.host.member, 'partnership.declined_by_guest')).toHaveLength(1);
    await workflow.waitFor(id, { state: 'AwaitResend' });
    // The guest may not resend its own decline; the owner may.
    expectError(await w.guest.admin.post(`/partnerships/${id}/resend`), 403, 'forbidden');
    const resent = await w.host.member.post(`/partnerships/${id}/resend`);
    expect(resent.status).toBe(200);
    expect(resent.body).toMatchObject({ status: 'awaiting_guest_acceptance', resendCount: 1 });
    await workflow.waitFor(id, { state: 'AwaitGuestAcceptance' });
    expect(await notificationsOf(w.guest.admin, 'partnership.invitation')).toHaveLength(2);
    expect((await acceptBy(w, id)).status).toBe(200);
    await workflow.waitFor(id, { status: 'SUCCEEDED' });
    expect(workflow.path(id)).toEqual([
      'NeedsHostApproval?',
      'AwaitHostApproval',
      'HostDecision',
      'AwaitGuestAcceptance',
      'GuestDecision',
      'AwaitResend',
      'ResendDecision',
      'AwaitGuestAcceptance',
      'GuestDecision',
      'Active',
    ]);
  });

  it('a Partnership Owner cancels before active; the pair is free again', async () => {
    const w = await hostAndGuest();
    const id = await memberRequest(w);
    await workflow.waitFor(id, { state: 'AwaitHostApproval' });
    expectError(await w.host.admin.post(`/partnerships/${id}/cancel`), 403, 'forbidden');
    const cancelled = await w.host.member.post(`/partnerships/${id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    await workflow.waitFor(id, { status: 'SUCCEEDED' });
    expect(workflow.path(id).at(-1)).toBe('Cancelled');
    expect(await notificationsOf(w.host.admin, 'partnership.cancelled')).toHaveLength(1);
    expectError(await w.host.member.post(`/partnerships/${id}/cancel`), 409, 'invalid_state');
    await memberRequest(w);
  });

  it('DELETE removes an active partnership (guest Owner/Admin may too); owners and partner told', async () => {
    const w = await hostAndGuest();
    const id = await adminRequest(w);
    await workflow.waitFor(id, { state: 'AwaitGuestAcceptance' });
    expect((await acceptBy(w, id)).status).toBe(200);
    await workflow.waitFor(id, { status: 'SUCCEEDED' });
    expectError(await w.host.member.delete(`/partnerships/${id}`), 404, 'not_found');
    expectError(await w.host.owner.post(`/partnerships/${id}/cancel`), 403, 'forbidden');
    expectError(await w.host.admin.post(`/partnerships/${id}/cancel`), 409, 'invalid_state');
    const removed = await w.guest.owner.delete(`/partnerships/${id}`);
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ status: 'removed', closed: { by: uid(w.guest.owner) } });
    expect(await notificationsOf(w.host.admin, 'partnership.removed')).toHaveLength(1);
    expect(await notificationsOf(w.guest.admin, 'partnership.removed')).toHaveLength(1);
    expectError(await w.host.admin.delete(`/partnerships/${id}`), 409, 'invalid_state');
    await adminRequest(w);
  });

  it('DELETE during a stage ends the waiting execution as Removed', async () => {
    const w = await hostAndGuest();
    const id = await memberRequest(w);
    await workflow.waitFor(id, { state: 'AwaitHostApproval' });
    expect((await w.host.owner.delete(`/partnerships/${id}`)).status).toBe(200);
    await workflow.waitFor(id, { status: 'SUCCEEDED' });
    expect(workflow.path(id).at(-1)).toBe('Removed');
  });
});

describe('reminders', () => {
  it('a Partnership Owner reminds the deciders at most once per 24 h (429 + Retry-After)', async () => {
    const w = await hostAndGuest();
    const id = await memberRequest(w);
    expectError(await w.host.admin.post(`/partnerships/${id}/reminders`), 403, 'forbidden');
    const sent = await w.host.member.post(`/partnerships/${id}/reminders`);
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ status: 'awaiting_host_approval', recipients: 2 });
    expect(await notificationsOf(w.host.admin, 'partnership.reminder')).toHaveLength(1);
    const again = await w.host.member.post(`/partnerships/${id}/reminders`);
    expectError(again, 429, 'rate_limited');
    const retryAfter = Number(again.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(24 * 3600 - 60);
    expect(retryAfter).toBeLessThanOrEqual(24 * 3600);
    expect(await notificationsOf(w.host.admin, 'partnership.reminder')).toHaveLength(1);
  });

  it('in the guest stage, a reminder reaches every guest Owner/Admin and partnerEmail', async () => {
    const w = await hostAndGuest();
    const id = await memberRequest(w);
    await workflow.waitFor(id, { state: 'AwaitHostApproval' });
    expect((await w.host.admin.post(`/partnerships/${id}/approve`)).status).toBe(200);
    const sent = await w.host.member.post(`/partnerships/${id}/reminders`);
    expect(sent.status).toBe(200);
    // partnerEmail is the guest admin; the guest owner is the other guest Owner/Admin.
    expect(sent.body).toMatchObject({ status: 'awaiting_guest_acceptance', recipients: 2 });
    expect(await notificationsOf(w.guest.admin, 'partnership.reminder')).toHaveLength(1);
    expect(await notificationsOf(w.guest.owner, 'partnership.reminder')).toHaveLength(1);
    expect(await notificationsOf(w.guest.member, 'partnership.reminder')).toHaveLength(0);
  });

  it('reminders need a stage awaiting a decision', async () => {
    const w = await hostAndGuest();
    const id = await adminRequest(w);
    await workflow.waitFor(id, { state: 'AwaitGuestAcceptance' });
    expect((await acceptBy(w, id)).status).toBe(200);
    expectError(await w.host.admin.post(`/partnerships/${id}/reminders`), 409, 'invalid_state');
  });
});

describe('visibility and lists', () => {
  it('who sees what: host admins all, members their own, guest admins from stage 3 on', async () => {
    const w = await hostAndGuest();
    const id = await memberRequest(w);
    const other = await w.host.join('other', 'member');
    expect((await w.host.owner.get(`/partnerships/${id}`)).status).toBe(200);
    expect((await w.host.member.get(`/partnerships/${id}`)).body.reason).toBe('We run the project together');
    expectError(await other.get(`/partnerships/${id}`), 404, 'not_found');
    expectError(await w.guest.admin.get(`/partnerships/${id}`), 404, 'not_found');
    expectError(await w.guest.admin.post(`/partnerships/${id}/accept`, { acceptTerms: true }), 404, 'not_found');
    expectError(await w.outsider.get(`/partnerships/${id}`), 404, 'not_found');
    expectError(await w.host.member.post(`/partnerships/${id}/approve`), 403, 'forbidden');
    expectError(await other.post(`/partnerships/${id}/approve`), 404, 'not_found');

    expect((await w.host.admin.post(`/partnerships/${id}/approve`)).status).toBe(200);
    const guestView = await w.guest.admin.get(`/partnerships/${id}`);
    expect(guestView.status).toBe(200);
    expect(guestView.body).toMatchObject({ status: 'awaiting_guest_acceptance', reason: null });
    expectError(await w.guest.member.get(`/partnerships/${id}`), 404, 'not_found');
    expectError(await w.guest.admin.post(`/partnerships/${id}/approve`), 403, 'forbidden');
    expectError(await w.host.admin.post(`/partnerships/${id}/accept`, { acceptTerms: true }), 403, 'forbidden');
    expectError(await w.host.admin.post(`/partnerships/${id}/decline`), 409, 'invalid_state');

    // Lists: one Query each.
    const hostAll = await w.host.admin.get(`/workspaces/${w.host.workspaceId}/partnerships`);
    expect(hostAll.status).toBe(200);
    expect(hostAll.body.items.map((p: any) => p.partnershipId)).toEqual([id]);
    expect((await w.host.member.get(`/workspaces/${w.host.workspaceId}/partnerships?side=host`)).body.items).toHaveLength(1);
    expect((await other.get(`/workspaces/${w.host.workspaceId}/partnerships`)).body).toEqual({ items: [], nextCursor: null });
    const guestAll = await w.guest.admin.get(`/workspaces/${w.guest.workspaceId}/partnerships?side=guest`);
    expect(guestAll.body.items).toMatchObject([{ partnershipId: id, status: 'awaiting_guest_acceptance' }]);
    expect((await w.guest.member.get(`/workspaces/${w.guest.workspaceId}/partnerships?side=guest`)).body.items).toEqual([]);
    expectError(await w.outsider.get(`/workspaces/${w.host.workspaceId}/partnerships`), 404, 'not_found');
    expect((await w.guest.admin.get(`/workspaces/${w.guest.workspaceId}/partnerships?side=guest&status=active`)).body.items).toEqual([]);
    expectError(await w.host.admin.get(`/workspaces/${w.host.workspaceId}/partnerships?side=both`), 400, 'validation_failed');
    expectError(await w.host.admin.get(`/workspaces/${w.host.workspaceId}/partnerships?status=pending`), 400, 'validation_failed');

    // The list entries follow status changes.
    await workflow.waitFor(id, { state: 'AwaitGuestAcceptance' });
    expect((await w.guest.admin.post(`/partnerships/${id}/accept`, { acceptTerms: true })).status).toBe(200);
    const active = await w.host.member.get(`/workspaces/${w.host.workspaceId}/partnerships?status=active`);
    expect(active.body.items).toMatchObject([{ partnershipId: id, status: 'active' }]);
    expect((await w.guest.admin.get(`/workspaces/${w.guest.workspaceId}/partnerships?side=guest&status=active`)).body.items).toHaveLength(
      1,
    );
  });

  it('lists page with a cursor, newest first', async () => {
    const w = await hostAndGuest();
    // Three partnerships with three different guests.
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const g = await hostAndGuest();
      const response = await w.host.admin.post(`/workspaces/${w.host.workspaceId}/partnerships`, {
        guestWorkspaceId: g.guest.workspaceId,
        partnerEmail: emailOf(g.guest.owner),
      });
      expect(response.status).toBe(201);
      ids.push(response.body.partnershipId);
    }
    const first = await w.host.owner.get(`/workspaces/${w.host.workspaceId}/partnerships?limit=2`);
    expect(first.body.items.map((p: any) => p.partnershipId)).toEqual([ids[2], ids[1]]);
    const second = await w.host.owner.get(
      `/workspaces/${w.host.workspaceId}/partnerships?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`,
    );
    expect(second.body.items.map((p: any) => p.partnershipId)).toEqual([ids[0]]);
    expectError(
      await w.host.owner.get(
        `/workspaces/${w.host.workspaceId}/partnerships?side=guest&cursor=${encodeURIComponent(first.body.nextCursor)}`,
      ),
      400,
      'validation_failed',
    );
  });

  it('a Partnership Owner adds a host member as co-owner', async () => {
    const w = await hostAndGuest();
    const id = await memberRequest(w);
    const colleague = await w.host.join('colleague', 'member');
    expectError(await colleague.get(`/partnerships/${id}`), 404, 'not_found');
    expectError(await w.host.admin.post(`/partnerships/${id}/owners`, { userId: uid(colleague) }), 403, 'forbidden');
    expectError(await w.host.member.post(`/partnerships/${id}/owners`, { userId: uid(w.guest.member) }), 422, 'not_host_member');
    expectError(await w.host.member.post(`/partnerships/${id}/owners`, { userId: 'nobody' }), 422, 'not_host_member');
    const added = await w.host.member.post(`/partnerships/${id}/owners`, { userId: uid(colleague) });
    expect(added.status).toBe(201);
    expect(added.body.owners.map((o: any) => o.userId)).toEqual([uid(w.host.member), uid(colleague)]);
    expectError(await w.host.member.post(`/partnerships/${id}/owners`, { userId: uid(colleague) }), 409, 'already_owner');
    expect(await notificationsOf(colleague, 'partnership.owner_added')).toHaveLength(1);
    // The co-owner sees it, lists it, and may cancel it.
    expect((await colleague.get(`/partnerships/${id}`)).status).toBe(200);
    expect((await colleague.get(`/workspaces/${w.host.workspaceId}/partnerships`)).body.items).toHaveLength(1);
    expect((await colleague.post(`/partnerships/${id}/cancel`)).status).toBe(200);
    // And the co-owner's list entry followed the status.
    expect((await colleague.get(`/workspaces/${w.host.workspaceId}/partnerships?status=cancelled`)).body.items).toHaveLength(1);
  });
});

describe('refusals (nothing changes)', () => {
  it('request refusals: reason required, same workspace, unknown guest, partner not guest admin, pair exists, bad input', async () => {
    const w = await hostAndGuest();
    const base = `/workspaces/${w.host.workspaceId}/partnerships`;
    const ok = { guestWorkspaceId: w.guest.workspaceId, partnerEmail: emailOf(w.guest.admin), reason: 'Because' };
    expectError(await w.host.member.post(base, { ...ok, reason: undefined }), 422, 'reason_required');
    expectError(await w.host.member.post(base, { ...ok, guestWorkspaceId: w.host.workspaceId }), 422, 'same_workspace');
    expectError(await w.host.member.post(base, { ...ok, guestWorkspaceId: 'nosuchworkspace' }), 422, 'guest_not_found');
    expectError(await w.host.member.post(base, { ...ok, partnerEmail: emailOf(w.guest.member) }), 422, 'partner_not_guest_admin');
    expectError(await w.host.member.post(base, { ...ok, partnerEmail: emailOf(w.host.admin) }), 422, 'partner_not_guest_admin');
    expectError(await w.host.member.post(base, { ...ok, reason: '' }), 400, 'validation_failed');
    expectError(await w.host.member.post(base, { ...ok, reason: 'x'.repeat(501) }), 400, 'validation_failed');
    expectError(await w.host.member.post(base, { ...ok, extra: 1 }), 400, 'validation_failed');
    expectError(await w.host.member.post(base, { ...ok, partnerEmail: 'not-an-email' }), 400, 'validation_failed');
    expectError(await w.guest.member.post(base, ok), 404, 'not_found');
    expectError(await w.outsider.post(base, ok), 404, 'not_found');
    // Nothing was created by any of these.
    expect((await w.host.admin.get(base)).body.items).toEqual([]);
    expect(await listActivity({ kind: 'workspace', id: w.host.workspaceId }, { limit: 100 })).toMatchObject({
      items: expect.not.arrayContaining([expect.objectContaining({ action: 'partnership.requested' })]),
    });

    const id = await memberRequest(w);
    expectError(await w.host.admin.post(base, { ...ok, reason: undefined }), 409, 'partnership_exists');
    // The reverse direction is another pair.
    const reverse = await w.guest.owner.post(`/workspaces/${w.guest.workspaceId}/partnerships`, {
      guestWorkspaceId: w.host.workspaceId,
      partnerEmail: emailOf(w.host.owner),
    });
    expect(reverse.status).toBe(201);
    expect((await w.host.admin.get(base)).body.items.map((p: any) => p.partnershipId)).toEqual([id]);
  });

  it('an Idempotency-Key retry returns the first response and creates nothing', async () => {
    const w = await hostAndGuest();
    const base = `/workspaces/${w.host.workspaceId}/partnerships`;
    const body = { guestWorkspaceId: w.guest.workspaceId, partnerEmail: emailOf(w.guest.admin) };
    const first = await w.host.admin.post(base, body, { 'idempotency-key': 'k-1' });
    const second = await w.host.admin.post(base, body, { 'idempotency-key': 'k-1' });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body.partnershipId).toBe(first.body.partnershipId);
    expectError(
      await w.host.admin.post(base, { ...body, partnerEmail: emailOf(w.guest.owner) }, { 'idempotency-key': 'k-1' }),
      422,
      'idempotency_key_reused',
    );
  });

  it('decision refusals: terms_not_accepted, invalid_state, unknown fields', async () => {
    const w = await hostAndGuest();
    const id = await adminRequest(w);
    await workflow.waitFor(id, { state: 'AwaitGuestAcceptance' });
    expectError(await w.guest.admin.post(`/partnerships/${id}/accept`, {}), 422, 'terms_not_accepted');
    expectError(await w.guest.admin.post(`/partnerships/${id}/accept`, { acceptTerms: false }), 422, 'terms_not_accepted');
    expectError(await w.guest.admin.post(`/partnerships/${id}/accept`, { acceptTerms: 'yes' }), 400, 'validation_failed');
    expectError(await w.guest.admin.post(`/partnerships/${id}/decline`, { reason: 'x', other: 1 }), 400, 'validation_failed');
    expectError(await w.host.admin.post(`/partnerships/${id}/approve`), 409, 'invalid_state');
    expectError(await w.host.member.post(`/partnerships/${id}/resend`), 404, 'not_found');
    expectError(await w.host.admin.post(`/partnerships/${id}/resend`), 409, 'invalid_state');
    expectError(await w.host.admin.get(`/partnerships/nosuchpartnership`), 404, 'not_found');
    // Still waiting, nothing recorded.
    expect((await w.host.admin.get(`/partnerships/${id}`)).body).toMatchObject({
      status: 'awaiting_guest_acceptance',
      guestDecision: null,
    });
    expect(workflow.execution(id)?.waitingAt).toBe('AwaitGuestAcceptance');
    expect((await acceptBy(w, id)).status).toBe(200);
    expectError(await acceptBy(w, id), 409, 'invalid_state');
    expectError(await w.guest.admin.post(`/partnerships/${id}/decline`), 409, 'invalid_state');
    await workflow.waitFor(id, { status: 'SUCCEEDED' });
  });
});
