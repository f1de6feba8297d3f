/**
 * The workspace's admin directory (the admins map of shared/store/users.ts): whoever is Owner/Admin
 * when a decision is needed gets the notification, through every change of roles and e-mails, and
 * reading the deciders costs no Query of the members.
 */
import { describe, expect, it } from 'vitest';
import { keys } from '../../shared/store/keys';
import { as, emailOf, newActor, registered, uid, type Client } from '../support/api';
import { expectError } from '../support/errors';
import { countRoundTrips } from '../support/round-trips';
import { notificationsOf, readItem } from '../support/table';
import { newMember, newWorkspace, type Workspace } from '../support/world';
import { useLocalWorkflow } from '../support/workflow';

const workflow = useLocalWorkflow({ retryIntervalMs: 10 });

/** A plain member's team (its partner invitations wait for the workspace Owner/Admins). */
async function teamOf(member: Client, workspaceId: string) {
  const created = await member.post(`/workspaces/${workspaceId}/teams`, { name: 'Directory', visibility: 'open' });
  expect(created.status).toBe(201);
  return created.body.teamId as string;
}

/**
 * Invites a fresh guest user into the team (pending) and returns which of `candidates` (e-mails) were
 * told to decide it, with the DynamoDB commands the invitation sent.
 */
async function decidersOfNextInvitation(inviter: Client, teamId: string, guest: Workspace, candidates: string[]) {
  const invitee = await newMember(guest, 'member', 'invitee');
  const { calls: commands, result: invited } = await countRoundTrips(() =>
    inviter.post(`/teams/${teamId}/partner-invitations`, { invitations: [{ email: emailOf(invitee), permission: 'view' }] }),
  );
  expect(invited.status, JSON.stringify(invited.body)).toBe(201);
  expect(invited.body.items[0].status).toBe('pending');
  const told: string[] = [];
  for (const email of candidates) {
    const notes = await notificationsOf(email);
    if (notes.some((n) => n.template === 'team_partner.invitation_pending' && JSON.stringify(n.data).includes(emailOf(invitee))))
      told.push(email);
  }
  return { told: told.sort(), commands };
}

const sorted = (...emails: string[]) => [...emails].sort();

describe('the admin directory follows every change of Owner/Admins', () => {
  it('create, add, promote, demote, transfer, remove, leave and e-mail change: the right people decide next', async () => {
    const ws = await newWorkspace('dir-owner');
    const guest = await newWorkspace('dir-guest');
    const admin = await newMember(ws, 'admin', 'dir-admin'); // added as Admin
    const inviter = await newMember(ws, 'member', 'dir-inviter');
    const promoted = await newMember(ws, 'member', 'dir-promoted');
    const heir = await newMember(ws, 'billing_admin', 'dir-heir');
    const teamId = await teamOf(inviter, ws.workspaceId);
    const owner = ws.owner;
    const everyone = () => [owner, admin, inviter, promoted, heir].map(emailOf);

    // Created with its Owner, then an Admin added: both decide, nobody else; no member Query.
    let next = await decidersOfNextInvitation(inviter, teamId, guest, everyone());
    expect(next.told).toEqual(sorted(emailOf(owner), emailOf(admin)));
    expect(next.commands).not.toContain('QueryCommand');
    expect(next.commands.length).toBeLessThanOrEqual(4);

    // Promotion to Admin.
    expect((await owner.patch(`/workspaces/${ws.workspaceId}/members/${uid(promoted)}`, { role: 'admin' })).status).toBe(200);
    next = await decidersOfNextInvitation(inviter, teamId, guest, everyone());
    expect(next.told).toEqual(sorted(emailOf(owner), emailOf(admin), emailOf(promoted)));

    // Demotion (an Admin demoting themselves counts too).
    expect((await admin.patch(`/workspaces/${ws.workspaceId}/members/${uid(admin)}`, { role: 'member' })).status).toBe(200);
    next = await decidersOfNextInvitation(inviter, teamId, guest, everyone());
    expect(next.told).toEqual(sorted(emailOf(owner), emailOf(promoted)));

    // Ownership transfer to a Billing Admin: they join the deciders; the old Owner stays one (as Admin).
    expect((await owner.post(`/workspaces/${ws.workspaceId}/ownership-transfer`, { userId: uid(heir) })).status).toBe(200);
    next = await decidersOfNextInvitation(inviter, teamId, guest, everyone());
    expect(next.told).toEqual(sorted(emailOf(owner), emailOf(promoted), emailOf(heir)));

    // Removal of an Admin by the new Owner.
    expect((await heir.delete(`/workspaces/${ws.workspaceId}/members/${uid(promoted)}`)).status).toBe(204);
    next = await decidersOfNextInvitation(inviter, teamId, guest, everyone());
    expect(next.told).toEqual(sorted(emailOf(owner), emailOf(heir)));

    // The old Owner (now Admin) changes e-mail: the next notification goes to the new address only.
    const renamed = { userId: uid(owner), email: `renamed.${uid(owner).toLowerCase()}@example.com` };
    expect((await as(renamed).put('/me', { name: 'Renamed' })).status).toBe(200);
    next = await decidersOfNextInvitation(inviter, teamId, guest, [...everyone(), renamed.email]);
    expect(next.told).toEqual(sorted(renamed.email, emailOf(heir)));

    // An Admin who leaves on their own.
    expect((await as(renamed).delete(`/workspaces/${ws.workspaceId}/members/${uid(owner)}`)).status).toBe(204);
    next = await decidersOfNextInvitation(inviter, teamId, guest, [...everyone(), renamed.email]);
    expect(next.told).toEqual([emailOf(heir)]);

    // A plain member's e-mail change does not make them a decider.
    const inviterRenamed = { userId: uid(inviter), email: `renamed.${uid(inviter).toLowerCase()}@example.com` };
    expect((await as(inviterRenamed).put('/me', { name: 'Inviter' })).status).toBe(200);
    next = await decidersOfNextInvitation(as(inviterRenamed), teamId, guest, [...everyone(), renamed.email, inviterRenamed.email]);
    expect(next.told).toEqual([emailOf(heir)]);
  });

  it('a promotion racing an e-mail change never leaves the old address in the directory', async () => {
    const ws = await newWorkspace('race-owner');
    const guest = await newWorkspace('race-guest');
    const inviter = await newMember(ws, 'member', 'race-inviter');
    const target = await newMember(ws, 'member', 'race-target');
    const teamId = await teamOf(inviter, ws.workspaceId);
    const moved = { userId: uid(target), email: `moved.${uid(target).toLowerCase()}@example.com` };
    const [promotion, change] = await Promise.all([
      ws.owner.patch(`/workspaces/${ws.workspaceId}/members/${uid(target)}`, { role: 'admin' }),
      as(moved).put('/me', { name: 'Moved' }),
    ]);
    // Either may lose with 409 concurrent_update; whatever won, the directory matches the user record.
    for (const response of [promotion, change]) expect([200, 409]).toContain(response.status);
    const record = await readItem(keys.user(uid(target)));
    const next = await decidersOfNextInvitation(inviter, teamId, guest, [emailOf(ws.owner), emailOf(target), moved.email]);
    const expected = record!.role === 'admin' ? [emailOf(ws.owner), record!.email] : [emailOf(ws.owner)];
    expect(next.told).toEqual(sorted(...expected));
  });

  it('partnerships read the host and guest directories: requests, partner checks and reminders', async () => {
    const host = await newWorkspace('ps-host');
    const guest = await newWorkspace('ps-guest');
    const requester = await newMember(host, 'member', 'ps-requester');
    const hostAdmin = await newMember(host, 'member', 'ps-host-admin');
    const partner = await newMember(guest, 'member', 'ps-partner');
    const request = () =>
      requester.post(`/workspaces/${host.workspaceId}/partnerships`, {
        guestWorkspaceId: guest.workspaceId,
        partnerEmail: emailOf(partner),
        reason: 'Directory test',
      });

    // The partner must be a guest Owner/Admin: refused until promoted.
    expectError(await request(), 422, 'partner_not_guest_admin');
    expect((await guest.owner.patch(`/workspaces/${guest.workspaceId}/members/${uid(partner)}`, { role: 'admin' })).status).toBe(200);
    expect((await host.owner.patch(`/workspaces/${host.workspaceId}/members/${uid(hostAdmin)}`, { role: 'admin' })).status).toBe(200);
    const created = await request();
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.partnershipId as string;
    await workflow.waitFor(id, { state: 'AwaitHostApproval' });
    for (const decider of [host.owner, hostAdmin]) {
      expect((await notificationsOf(decider)).filter((n) => n.template === 'partnership.requested')).toHaveLength(1);
    }

    // Demoted before the reminder: only the Owner is reminded.
    expect((await host.owner.patch(`/workspaces/${host.workspaceId}/members/${uid(hostAdmin)}`, { role: 'member' })).status).toBe(200);
    const reminded = await requester.post(`/partnerships/${id}/reminders`);
    expect(reminded.status).toBe(200);
    expect(reminded.body.recipients).toBe(1);
    expect((await notificationsOf(host.owner)).filter((n) => n.template === 'partnership.reminder')).toHaveLength(1);
    expect((await notificationsOf(hostAdmin)).filter((n) => n.template === 'partnership.reminder')).toHaveLength(0);
  });
});

describe('prefetched reads never leak', () => {
  it('a refused caller gets the same 404/403 (also with a broken cursor), never the prefetched page', async () => {
    const ws = await newWorkspace('pf-owner');
    const member = await newMember(ws, 'member', 'pf-member');
    const stranger = await registered('pf-stranger');
    const teamId = (await ws.owner.post(`/workspaces/${ws.workspaceId}/teams`, { name: 'Private', visibility: 'private' })).body
      .teamId as string;
    expect((await ws.owner.post(`/teams/${teamId}/work-items`, { title: 'Secret' })).status).toBe(201);

    for (const path of [`/teams/${teamId}/work-items`, `/teams/${teamId}/members`, `/teams/${teamId}/partners`]) {
      expectError(await stranger.get(path), 404, 'not_found');
      expectError(await stranger.get(`${path}?cursor=broken`), 404, 'not_found');
      expectError(await member.get(path), 404, 'not_found'); // a private team they are not in
      expect((await ws.owner.get(path)).status).toBe(200);
      expectError(await ws.owner.get(`${path}?cursor=broken`), 400, 'validation_failed');
    }
    expectError(await stranger.get(`/workspaces/${ws.workspaceId}/members`), 404, 'not_found');
    expectError(await stranger.get(`/workspaces/${ws.workspaceId}/teams?cursor=broken`), 404, 'not_found');
    expectError(await member.get(`/workspaces/${ws.workspaceId}/partner-invitations?status=pending`), 403, 'forbidden');
    expectError(await stranger.get(`/workspaces/${ws.workspaceId}/partner-invitations?status=pending`), 404, 'not_found');
    // Unregistered: 403 not_registered, whatever the prefetch read.
    expectError(await as(newActor('pf-nobody')).get('/me'), 403, 'not_registered');
    expectError(await as(newActor('pf-nobody')).get(`/teams/${teamId}/work-items`), 403, 'not_registered');

    // The private team is not in a plain member's list, but is in the Owner's.
    const memberList = await member.get(`/workspaces/${ws.workspaceId}/teams`);
    expect(memberList.body.items.map((t: { teamId: string }) => t.teamId)).not.toContain(teamId);
    const ownerList = await ws.owner.get(`/workspaces/${ws.workspaceId}/teams`);
    expect(ownerList.body.items.map((t: { teamId: string }) => t.teamId)).toContain(teamId);
  });
});
