import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { listActivity } from '../../shared/store/activity';
import { db, tableName } from '../../shared/store/client';
import { keys } from '../../shared/store/keys';
import { UseCaseContext } from '../../shared/context';
import { processDueInvitation } from '../../shared/features/team-partners/due';
import { runReminderJob } from '../../shared/features/jobs/reminder-job';
import { TABLE } from '../../shared/store/table';
import { emailOf, registered, uid, type Client } from '../support/api';
import { expectError } from '../support/errors';
import { notificationsOf, readItem } from '../support/table';
import { newMember, newWorkspace } from '../support/world';

/** A host workspace (Owner + Admin), a team created by a plain member, and a guest workspace with users. */
async function setup() {
  const host = await newWorkspace('host');
  const hostAdmin = await newMember(host, 'admin', 'hostadmin');
  const creator = await newMember(host, 'member', 'creator');
  const created = await creator.post(`/workspaces/${host.workspaceId}/teams`, { name: 'Launch', visibility: 'private' });
  const teamId = created.body.teamId as string;
  const otherTeam = (await creator.post(`/workspaces/${host.workspaceId}/teams`, { name: 'Other', visibility: 'open' })).body
    .teamId as string;
  const hostPrivate = (await hostAdmin.post(`/workspaces/${host.workspaceId}/teams`, { name: 'Secret', visibility: 'private' })).body
    .teamId as string;
  const guest = await newWorkspace('guest');
  const g1 = await newMember(guest, 'member', 'g1');
  const g2 = await newMember(guest, 'member', 'g2');
  return { host, hostAdmin, creator, teamId, otherTeam, hostPrivate, guest, g1, g2 };
}

/** The job's call for one item of the due index, as the job read it. */
const processDue = (item: Record<string, any>, now: Date) =>
  processDueInvitation(UseCaseContext.forSystem('system:reminder-job', now), { invitationId: item.invitationId, dueKey: item.gsi2sk });

const invite = (api: Client, teamId: string, invitations: Array<{ email: string; permission: string }>) =>
  api.post(`/teams/${teamId}/partner-invitations`, { invitations });

async function partnerItems(teamId: string) {
  const out = await db().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': keys.teamPartition(teamId), ':p': 'P' },
    }),
  );
  return out.Items ?? [];
}

describe('team partners (SPEC §4)', () => {
  it('invite -> approve -> collaborate (create, assign) -> remove', async () => {
    const s = await setup();
    const invited = await invite(s.creator, s.teamId, [{ email: emailOf(s.g1), permission: 'edit' }]);
    expect(invited.status).toBe(201);
    const [inv] = invited.body.items;
    expect(inv).toMatchObject({ status: 'pending', email: emailOf(s.g1), permission: 'edit', invitedBy: uid(s.creator), teamId: s.teamId });

    // Pending: the workspace Owner/Admins are told; the partner has no access yet.
    for (const decider of [s.host.owner, s.hostAdmin]) {
      expect((await notificationsOf(decider)).map((n) => n.template)).toContain('team_partner.invitation_pending');
    }
    expect((await notificationsOf(s.creator)).filter((n) => n.template.startsWith('team_partner'))).toEqual([]);
    expectError(await s.g1.get(`/teams/${s.teamId}`), 404, 'not_found');
    expect((await s.g1.get('/me')).body.partnerTeams ?? []).toEqual([]);

    // Manage Partners.
    const pending = await s.hostAdmin.get(`/workspaces/${s.host.workspaceId}/partner-invitations?status=pending`);
    expect(pending.status).toBe(200);
    expect(pending.body.items.map((i: { invitationId: string }) => i.invitationId)).toEqual([inv.invitationId]);
    expectError(await s.creator.get(`/workspaces/${s.host.workspaceId}/partner-invitations`), 403, 'forbidden');
    expectError(await s.g1.get(`/workspaces/${s.host.workspaceId}/partner-invitations`), 404, 'not_found');
    expectError(await s.hostAdmin.get(`/workspaces/${s.host.workspaceId}/partner-invitations?status=weird`), 400, 'validation_failed');

    // Only a workspace Owner/Admin decides; the inviter sees it (403), strangers don't (404).
    expectError(await s.creator.post(`/partner-invitations/${inv.invitationId}/approve`), 403, 'forbidden');
    expectError(await s.g2.post(`/partner-invitations/${inv.invitationId}/approve`), 404, 'not_found');
    const approved = await s.hostAdmin.post(`/partner-invitations/${inv.invitationId}/approve`);
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'active', decidedBy: uid(s.hostAdmin) });
    expectError(await s.host.owner.post(`/partner-invitations/${inv.invitationId}/approve`), 409, 'invalid_state');
    for (const who of [s.creator, s.g1]) {
      expect((await notificationsOf(who)).map((n) => n.template)).toContain('team_partner.approved');
    }
    expect((await s.hostAdmin.get(`/workspaces/${s.host.workspaceId}/partner-invitations`)).body.items).toEqual([]);
    expect((await s.hostAdmin.get(`/workspaces/${s.host.workspaceId}/partner-invitations?status=active`)).body.items).toHaveLength(1);

    // The partner sees the team, its work items, members and partners.
    const team = await s.g1.get(`/teams/${s.teamId}`);
    expect(team.status).toBe(200);
    expect(team.body.access).toMatchObject({ as: 'partner', partnerPermission: 'edit' });
    expect((await s.g1.get('/me')).body.partnerTeams).toEqual([expect.objectContaining({ teamId: s.teamId, permission: 'edit' })]);
    expect((await s.g1.get(`/teams/${s.teamId}/members`)).status).toBe(200);
    const partners = await s.creator.get(`/teams/${s.teamId}/partners`);
    expect(partners.body.items).toEqual([expect.objectContaining({ userId: uid(s.g1), status: 'active', permission: 'edit' })]);

    // Collaborate: the partner creates a work item and is assigned one.
    const own = await s.g1.post(`/teams/${s.teamId}/work-items`, { title: 'From partner', assigneeId: uid(s.creator) });
    expect(own.status).toBe(201);
    const assigned = await s.creator.post(`/teams/${s.teamId}/work-items`, { title: 'For partner', assigneeId: uid(s.g1) });
    expect(assigned.status).toBe(201);
    expect((await s.g1.patch(`/work-items/${assigned.body.workItemId}`, { status: 'done' })).body.status).toBe('done');
    // ... and assigns work to themselves (the writer's and the assignee's check are one partner item).
    const self = await s.g1.post(`/teams/${s.teamId}/work-items`, { title: 'Mine', assigneeId: uid(s.g1) });
    expect(self.status).toBe(201);
    expect(self.body.assigneeId).toBe(uid(s.g1));
    const reassigned = await s.g1.patch(`/work-items/${own.body.workItemId}`, { assigneeId: uid(s.g1) });
    expect(reassigned.status).toBe(200);
    expect(reassigned.body.assigneeId).toBe(uid(s.g1));

    // Nothing else of the host workspace.
    expectError(await s.g1.get(`/teams/${s.otherTeam}`), 404, 'not_found');
    expectError(await s.g1.get(`/teams/${s.otherTeam}/work-items`), 404, 'not_found');
    expectError(await s.g1.post(`/teams/${s.otherTeam}/join`), 404, 'not_found');
    expectError(await s.g1.get(`/teams/${s.hostPrivate}`), 404, 'not_found');
    expectError(await s.g1.get(`/workspaces/${s.host.workspaceId}/teams`), 404, 'not_found');
    expectError(await s.g1.get(`/workspaces/${s.host.workspaceId}`), 404, 'not_found');
    expectError(await s.g1.get(`/workspaces/${s.host.workspaceId}/members`), 404, 'not_found');
    // Inside the team, member management is not theirs.
    expectError(await s.g1.post(`/teams/${s.teamId}/members`, { email: emailOf(s.g2) }), 403, 'forbidden');
    expectError(await s.g1.patch(`/teams/${s.teamId}`, { name: 'Mine' }), 403, 'forbidden');
    expectError(await s.g1.post(`/teams/${s.teamId}/join`), 403, 'forbidden');

    // Remove: access ends at once.
    expectError(await s.g1.delete(`/teams/${s.teamId}/partners/${uid(s.g2)}`), 403, 'forbidden');
    expectError(await s.hostAdmin.delete(`/teams/${s.teamId}/partners/${uid(s.g2)}`), 404, 'not_found');
    expectError(await s.g2.delete(`/teams/${s.teamId}/partners/${uid(s.g1)}`), 404, 'not_found');
    const plain = await newMember(s.host);
    await s.creator.post(`/teams/${s.teamId}/members`, { email: emailOf(plain) });
    expectError(await plain.delete(`/teams/${s.teamId}/partners/${uid(s.g1)}`), 403, 'forbidden');
    expect((await plain.get(`/teams/${s.teamId}/partners`)).status).toBe(200);
    expect((await s.hostAdmin.delete(`/teams/${s.teamId}/partners/${uid(s.g1)}`)).status).toBe(204);
    expectError(await s.g1.get(`/teams/${s.teamId}`), 404, 'not_found');
    expectError(await s.g1.get(`/teams/${s.teamId}/work-items`), 404, 'not_found');
    expectError(await s.g1.patch(`/work-items/${assigned.body.workItemId}`, { status: 'todo' }), 404, 'not_found');
    expect((await s.g1.get('/me')).body.partnerTeams).toEqual([]);
    expect((await notificationsOf(s.g1)).map((n) => n.template)).toContain('team_partner.removed');
    // A removed partner can no longer be assigned, and may be invited again.
    expectError(
      await s.creator.post(`/teams/${s.teamId}/work-items`, { title: 'Again', assigneeId: uid(s.g1) }),
      422,
      'assignee_not_in_team',
    );
    expect((await invite(s.hostAdmin, s.teamId, [{ email: emailOf(s.g1), permission: 'view' }])).status).toBe(201);

    const log = await listActivity({ kind: 'workspace', id: s.host.workspaceId }, { limit: 100 });
    expect(log.items.map((e) => e.action)).toEqual(
      expect.arrayContaining(['team_partner.invited', 'team_partner.approved', 'team_partner.removed', 'team_partner.added']),
    );
  });

  it('a batch with one bad entry creates nothing (422 with per-entry errors)', async () => {
    const s = await setup();
    const colleague = await newMember(s.host);
    const loner = await registered('loner');
    const bad = await invite(s.creator, s.teamId, [
      { email: emailOf(s.g1), permission: 'view' },
      { email: 'nobody@nowhere.example', permission: 'edit' },
      { email: emailOf(colleague), permission: 'edit' },
      { email: emailOf(loner), permission: 'view' },
      { email: emailOf(s.g1).toUpperCase(), permission: 'edit' },
    ]);
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('invalid_invitations');
    expect(bad.body.error.details).toEqual([
      { index: 1, email: 'nobody@nowhere.example', code: 'partner_not_registered' },
      { index: 2, email: emailOf(colleague), code: 'same_workspace' },
      { index: 3, email: emailOf(loner), code: 'partner_not_registered' },
      { index: 4, email: emailOf(s.g1), code: 'already_partner' },
    ]);
    expect(await partnerItems(s.teamId)).toEqual([]);
    expect(await notificationsOf(s.host.owner)).toEqual([]);

    const single = await invite(s.creator, s.teamId, [{ email: emailOf(colleague), permission: 'view' }]);
    expectError(single, 422, 'same_workspace');
    expect(single.body.error.details).toEqual([{ index: 0, email: emailOf(colleague), code: 'same_workspace' }]);
    expectError(await invite(s.creator, s.teamId, [{ email: 'ghost@example.com', permission: 'view' }]), 422, 'partner_not_registered');

    // Shape errors are 400s: empty list, 21 entries, unknown permission.
    expectError(await invite(s.creator, s.teamId, []), 400, 'validation_failed');
    const many = Array.from({ length: 21 }, (_, i) => ({ email: `u${i}@example.com`, permission: 'view' }));
    expectError(await invite(s.creator, s.teamId, many), 400, 'validation_failed');
    expectError(await invite(s.creator, s.teamId, [{ email: emailOf(s.g1), permission: 'admin' }]), 400, 'validation_failed');

    // A good batch of two creates both; inviting either again is 409 already_partner.
    const good = await invite(s.creator, s.teamId, [
      { email: emailOf(s.g1), permission: 'view' },
      { email: emailOf(s.g2), permission: 'edit' },
    ]);
    expect(good.status).toBe(201);
    expect(good.body.items).toHaveLength(2);
    expect(await partnerItems(s.teamId)).toHaveLength(4); // 2 partner items + 2 invitations
    const again = await invite(s.hostAdmin, s.teamId, [{ email: emailOf(s.g2), permission: 'edit' }]);
    expectError(again, 409, 'already_partner');
    expect(again.body.error.details).toEqual([{ index: 0, email: emailOf(s.g2), code: 'already_partner' }]);
    // One admin notification for the whole batch.
    const notes = await notificationsOf(s.host.owner);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.data.invitations).toHaveLength(2);
  });

  it('who may invite: team creator/Owner/Admin, workspace Owner/Admin (active at once), not plain members', async () => {
    const s = await setup();
    const plain = await newMember(s.host);
    await s.creator.post(`/teams/${s.teamId}/members`, { email: emailOf(plain) });
    expectError(await invite(plain, s.teamId, [{ email: emailOf(s.g1), permission: 'view' }]), 403, 'forbidden');
    // A team admin (not the creator) may invite.
    await s.creator.patch(`/teams/${s.teamId}/members/${uid(plain)}`, { role: 'admin' });
    expect((await invite(plain, s.teamId, [{ email: emailOf(s.g1), permission: 'view' }])).body.items[0].status).toBe('pending');

    const direct = await invite(s.host.owner, s.teamId, [{ email: emailOf(s.g2), permission: 'edit_and_invite' }]);
    expect(direct.status).toBe(201);
    expect(direct.body.items[0]).toMatchObject({ status: 'active', decidedBy: uid(s.host.owner) });
    expect((await s.g2.get(`/teams/${s.teamId}`)).status).toBe(200);
    expect((await notificationsOf(s.g2)).map((n) => n.template)).toContain('team_partner.activated');
    expect((await notificationsOf(s.host.owner)).map((n) => n.template)).toContain('team_partner.activated_summary');
    // No decision left to make.
    expectError(await s.host.owner.post(`/partner-invitations/${direct.body.items[0].invitationId}/approve`), 409, 'invalid_state');

    // Outsiders: 404.
    const other = await newWorkspace('other');
    expectError(await invite(other.owner, s.teamId, [{ email: emailOf(s.g1), permission: 'view' }]), 404, 'not_found');
  });

  it('an edit_and_invite partner invites at most their own permission, pending host approval', async () => {
    const s = await setup();
    await invite(s.hostAdmin, s.teamId, [{ email: emailOf(s.g1), permission: 'edit_and_invite' }]);
    const third = await newWorkspace('third');
    const viaPartner = await invite(s.g1, s.teamId, [
      { email: emailOf(s.g2), permission: 'edit_and_invite' },
      { email: emailOf(third.owner), permission: 'view' },
    ]);
    expect(viaPartner.status).toBe(201);
    expect(viaPartner.body.items.map((i: { status: string }) => i.status)).toEqual(['pending', 'pending']);
    // The partner inviter may withdraw their own pending one.
    expect((await s.g1.delete(`/partner-invitations/${viaPartner.body.items[1].invitationId}`)).status).toBe(204);
    expectError(await s.g1.delete(`/partner-invitations/${viaPartner.body.items[1].invitationId}`), 409, 'invalid_state');

    // Downgraded to edit: may no longer invite.
    const plain = await newMember(s.host);
    await s.creator.post(`/teams/${s.teamId}/members`, { email: emailOf(plain) });
    expectError(await plain.patch(`/teams/${s.teamId}/partners/${uid(s.g1)}`, { permission: 'edit' }), 403, 'forbidden');
    const patched = await s.hostAdmin.patch(`/teams/${s.teamId}/partners/${uid(s.g1)}`, { permission: 'edit' });
    expect(patched.status).toBe(200);
    expect(patched.body.permission).toBe('edit');
    expect((await notificationsOf(s.g1)).map((n) => n.template)).toContain('team_partner.permission_changed');
    expectError(await invite(s.g1, s.teamId, [{ email: emailOf(third.owner), permission: 'view' }]), 403, 'forbidden');
    // A pending partner's permission is not edited here.
    expectError(await s.hostAdmin.patch(`/teams/${s.teamId}/partners/${uid(s.g2)}`, { permission: 'view' }), 409, 'invalid_state');
    expectError(await s.hostAdmin.patch(`/teams/${s.teamId}/partners/nobody`, { permission: 'view' }), 404, 'not_found');

    // Back to edit_and_invite (the team Owner, here the creator, manages partners too): invites again.
    const fourth = await newWorkspace('fourth');
    await s.creator.patch(`/teams/${s.teamId}/partners/${uid(s.g1)}`, { permission: 'edit_and_invite' });
    expect((await invite(s.g1, s.teamId, [{ email: emailOf(fourth.owner), permission: 'edit_and_invite' }])).status).toBe(201);
  });

  it('a view partner reads but cannot write, cannot be assigned (422), and may leave', async () => {
    const s = await setup();
    await invite(s.host.owner, s.teamId, [{ email: emailOf(s.g1), permission: 'view' }]);
    const item = await s.creator.post(`/teams/${s.teamId}/work-items`, { title: 'Read me' });
    expect((await s.g1.get(`/teams/${s.teamId}/work-items`)).body.items).toHaveLength(1);
    expectError(await s.g1.post(`/teams/${s.teamId}/work-items`, { title: 'Nope' }), 403, 'forbidden');
    expectError(await s.g1.patch(`/work-items/${item.body.workItemId}`, { status: 'done' }), 403, 'forbidden');
    expectError(await invite(s.g1, s.teamId, [{ email: emailOf(s.g2), permission: 'view' }]), 403, 'forbidden');
    expectError(await s.creator.post(`/teams/${s.teamId}/work-items`, { title: 'X', assigneeId: uid(s.g1) }), 422, 'assignee_view_only');
    expectError(await s.creator.patch(`/work-items/${item.body.workItemId}`, { assigneeId: uid(s.g1) }), 422, 'assignee_view_only');
    expect((await s.g1.get(`/teams/${s.teamId}/work-items`)).body.items[0]).toMatchObject({ status: 'todo', assigneeId: null });
    // A partner cannot remove another partner, but may leave.
    await invite(s.host.owner, s.teamId, [{ email: emailOf(s.g2), permission: 'edit' }]);
    expectError(await s.g1.delete(`/teams/${s.teamId}/partners/${uid(s.g2)}`), 403, 'forbidden');
    expect((await s.g1.delete(`/teams/${s.teamId}/partners/${uid(s.g1)}`)).status).toBe(204);
    expectError(await s.g1.get(`/teams/${s.teamId}/work-items`), 404, 'not_found');
  });

  it('a declined partner never gets access; decline reasons reach inviter and partner', async () => {
    const s = await setup();
    const [inv] = (await invite(s.creator, s.teamId, [{ email: emailOf(s.g1), permission: 'edit' }])).body.items;
    expect((await s.g1.get(`/partner-invitations/${inv.invitationId}`)).status).toBe(200);
    expectError(await s.g2.get(`/partner-invitations/${inv.invitationId}`), 404, 'not_found');
    expectError(await s.creator.post(`/partner-invitations/${inv.invitationId}/decline`, { reason: 'x' }), 403, 'forbidden');
    expectError(await s.host.owner.post(`/partner-invitations/${inv.invitationId}/decline`, { reason: '' }), 400, 'validation_failed');
    const declined = await s.host.owner.post(`/partner-invitations/${inv.invitationId}/decline`, { reason: 'Not now' });
    expect(declined.status).toBe(200);
    expect(declined.body).toMatchObject({ status: 'declined', reason: 'Not now' });
    for (const who of [s.creator, s.g1]) {
      const note = (await notificationsOf(who)).find((n) => n.template === 'team_partner.declined');
      expect(note?.data.reason).toBe('Not now');
    }
    expectError(await s.g1.get(`/teams/${s.teamId}`), 404, 'not_found');
    expectError(await s.host.owner.post(`/partner-invitations/${inv.invitationId}/approve`), 409, 'invalid_state');
    expectError(await s.creator.delete(`/partner-invitations/${inv.invitationId}`), 409, 'invalid_state');
    expect(await partnerItems(s.teamId)).toHaveLength(1); // only the invitation record remains
    // Declined: may be invited again.
    expect((await invite(s.creator, s.teamId, [{ email: emailOf(s.g1), permission: 'edit' }])).status).toBe(201);
  });

  it('approve vs decline race: exactly one wins, the other is 409 invalid_state', async () => {
    const s = await setup();
    const [inv] = (await invite(s.creator, s.teamId, [{ email: emailOf(s.g1), permission: 'edit' }])).body.items;
    const results = await Promise.all([
      s.host.owner.post(`/partner-invitations/${inv.invitationId}/approve`),
      s.hostAdmin.post(`/partner-invitations/${inv.invitationId}/decline`, {}),
    ]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409]);
    expect(results.find((r) => r.status === 409)!.body.error.code).toBe('invalid_state');
    const winner = results.find((r) => r.status === 200)!.body.status;
    const stored = await readItem(keys.partnerInvitation(inv.invitationId));
    expect(stored?.status).toBe(winner);
    expect((await s.g1.get(`/teams/${s.teamId}`)).status).toBe(winner === 'active' ? 200 : 404);
  });

  it('the inviter withdraws a pending invitation; only the inviter', async () => {
    const s = await setup();
    const [inv] = (await invite(s.creator, s.teamId, [{ email: emailOf(s.g1), permission: 'edit' }])).body.items;
    expectError(await s.hostAdmin.delete(`/partner-invitations/${inv.invitationId}`), 403, 'forbidden');
    expectError(await s.g2.delete(`/partner-invitations/${inv.invitationId}`), 404, 'not_found');
    expect((await s.creator.delete(`/partner-invitations/${inv.invitationId}`)).status).toBe(204);
    expectError(await s.hostAdmin.post(`/partner-invitations/${inv.invitationId}/approve`), 409, 'invalid_state');
    expect((await s.hostAdmin.get(`/workspaces/${s.host.workspaceId}/partner-invitations?status=withdrawn`)).body.items).toHaveLength(1);
    expectError(await s.creator.delete(`/partner-invitations/nope`), 404, 'not_found');
  });

  it('reminds the deciders every 3 days and expires after 30 days (processDueInvitation)', async () => {
    const s = await setup();
    const [inv] = (await invite(s.creator, s.teamId, [{ email: emailOf(s.g1), permission: 'edit' }])).body.items;
    const created = Date.parse(inv.createdAt);
    const day = (n: number) => new Date(created + n * 24 * 3600 * 1000 + 1000);
    const due = async () => {
      const out = await db().send(
        new QueryCommand({
          TableName: tableName(),
          IndexName: TABLE.indexes.due.name,
          KeyConditionExpression: 'gsi2pk = :due',
          FilterExpression: 'invitationId = :id',
          ExpressionAttributeValues: { ':due': 'DUE', ':id': inv.invitationId },
        }),
      );
      return out.Items?.[0];
    };
    const first = await due();
    expect(first?.gsi2sk).toBe(`${new Date(created + 3 * 24 * 3600 * 1000).toISOString()}#PARTNER_INVITATION#${inv.invitationId}`);

    expect(await processDue(first!, day(2))).toBe('skipped');
    expect(await processDue(first!, day(3))).toBe('reminded');
    // The same (stale) item again: no second reminder.
    expect(await processDue(first!, day(3))).toBe('skipped');
    const reminders = (await notificationsOf(s.hostAdmin)).filter((n) => n.template === 'team_partner.invitation_reminder');
    expect(reminders).toHaveLength(1);
    const second = await due();
    expect(second?.gsi2sk.startsWith(new Date(created + 6 * 24 * 3600 * 1000).toISOString())).toBe(true);
    expect(await processDue(second!, day(6))).toBe('reminded');

    const third = await due();
    expect(await processDue(third!, day(31))).toBe('expired');
    expect(await due()).toBeUndefined();
    expect((await readItem(keys.partnerInvitation(inv.invitationId)))?.status).toBe('expired');
    expect((await notificationsOf(s.creator)).map((n) => n.template)).toContain('team_partner.expired');
    expectError(await s.hostAdmin.post(`/partner-invitations/${inv.invitationId}/approve`), 409, 'invalid_state');
    expect((await s.hostAdmin.get(`/workspaces/${s.host.workspaceId}/partner-invitations?status=expired`)).body.items).toHaveLength(1);
    // The slot is free again.
    expect((await invite(s.creator, s.teamId, [{ email: emailOf(s.g1), permission: 'edit' }])).status).toBe(201);
  });

  it('the scheduled job dispatches due partner invitations to processDueInvitation', async () => {
    const s = await setup();
    const [inv] = (await invite(s.creator, s.teamId, [{ email: emailOf(s.g1), permission: 'view' }])).body.items;
    const result = await runReminderJob(new Date(Date.parse(inv.createdAt) + 3 * 24 * 3600 * 1000 + 1000));
    expect(result.failed).toBe(0);
    expect(result.reminded).toBeGreaterThanOrEqual(1);
    expect((await readItem(keys.partnerInvitation(inv.invitationId)))?.remindersSent).toBe(1);
    expect((await notificationsOf(s.host.owner)).map((n) => n.template)).toContain('team_partner.invitation_reminder');
  });

  it('a decided invitation leaves the due index and is skipped by the job', async () => {
    const s = await setup();
    const [inv] = (await invite(s.creator, s.teamId, [{ email: emailOf(s.g1), permission: 'edit' }])).body.items;
    const stale = await readItem(keys.partnerInvitation(inv.invitationId));
    await s.hostAdmin.post(`/partner-invitations/${inv.invitationId}/approve`);
    const after = await readItem(keys.partnerInvitation(inv.invitationId));
    expect(after?.gsi2pk).toBeUndefined();
    expect(await processDue(stale!, new Date(Date.parse(inv.createdAt) + 40 * 24 * 3600 * 1000))).toBe('skipped');
    expect((await readItem(keys.partnerInvitation(inv.invitationId)))?.status).toBe('active');
    expect((await s.g1.get(`/teams/${s.teamId}`)).status).toBe(200);
  });
});
