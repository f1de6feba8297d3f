import { describe, expect, it } from 'vitest';
import {
  checkAssignee,
  checkInvitationEntries,
  dueAction,
  firstDueAt,
  invitationBatchErrorCode,
  resolveTeamAccess,
  type TeamRecord,
} from '../../shared/domain/teams';

const team: TeamRecord = {
  teamId: 't1',
  workspaceId: 'ws1',
  name: 'Team',
  visibility: 'private',
  createdBy: 'creator',
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
};
const openTeam: TeamRecord = { ...team, visibility: 'open' };
const user = (userId: string, workspaceId?: string, role?: 'owner' | 'admin' | 'billing_admin' | 'member') => ({
  userId,
  workspaceId,
  role,
});
const member = (userId: string, role: 'owner' | 'admin' | 'member' = 'member') => ({ teamId: 't1', userId, role });
const partner = (userId: string, permission: 'view' | 'edit' | 'edit_and_invite', status: 'pending' | 'active' = 'active') => ({
  teamId: 't1',
  userId,
  permission,
  status,
});

describe('resolveTeamAccess', () => {
  it('gives nothing without a team', () => {
    expect(resolveTeamAccess(user('u', 'ws1', 'owner'), undefined, undefined, undefined).visible).toBe(false);
  });

  it('hides a private team from workspace members outside it, shows an open one (join only)', () => {
    expect(resolveTeamAccess(user('u', 'ws1', 'member'), team, undefined, undefined).visible).toBe(false);
    const open = resolveTeamAccess(user('u', 'ws1', 'member'), openTeam, undefined, undefined);
    expect(open).toMatchObject({ visible: true, as: 'workspace_member', canJoin: true, canRead: false, canWriteWorkItems: false });
  });

  it('lets team members read, write, add colleagues; managers manage; the creator invites', () => {
    const plain = resolveTeamAccess(user('u', 'ws1', 'member'), team, member('u'), undefined);
    expect(plain).toMatchObject({ as: 'team_member', canRead: true, canWriteWorkItems: true, assignable: true, canAddMembers: true });
    expect(plain).toMatchObject({ canManageMembers: false, canEditSettings: false, canInvitePartners: false, canJoin: false });
    const admin = resolveTeamAccess(user('u', 'ws1', 'member'), team, member('u', 'admin'), undefined);
    expect(admin).toMatchObject({ canManageMembers: true, canEditSettings: true, canInvitePartners: true, invitesActiveAtOnce: false });
    const creator = resolveTeamAccess(user('creator', 'ws1', 'member'), team, member('creator'), undefined);
    expect(creator).toMatchObject({ canInvitePartners: true, maxInvitePermission: 'edit_and_invite', canManageMembers: false });
  });

  it('gives workspace Owner/Admins every team, and immediate invitations', () => {
    for (const role of ['owner', 'admin'] as const) {
      const access = resolveTeamAccess(user('u', 'ws1', role), team, undefined, undefined);
      expect(access).toMatchObject({
        visible: true,
        as: 'workspace_admin',
        canRead: true,
        canEditSettings: true,
        canManagePartners: true,
        invitesActiveAtOnce: true,
        assignable: false,
      });
    }
    expect(resolveTeamAccess(user('u', 'ws1', 'billing_admin'), team, undefined, undefined).visible).toBe(false);
  });

  it('drops team rights of someone who left the workspace, whatever member item remains', () => {
    expect(resolveTeamAccess(user('u', 'ws2', 'member'), team, member('u', 'owner'), undefined).visible).toBe(false);
    expect(resolveTeamAccess(user('u', undefined), openTeam, member('u'), undefined).visible).toBe(false);
  });

  it('limits partners by permission, and only while active', () => {
    const view = resolveTeamAccess(user('p', 'ws2', 'owner'), team, undefined, partner('p', 'view'));
    expect(view).toMatchObject({
      visible: true,
      as: 'partner',
      canRead: true,
      canWriteWorkItems: false,
      assignable: false,
      canInvitePartners: false,
    });
    expect(view).toMatchObject({
      canJoin: false,
      canAddMembers: false,
      canManageMembers: false,
      canEditSettings: false,
      canManagePartners: false,
    });
    const edit = resolveTeamAccess(user('p', 'ws2'), team, undefined, partner('p', 'edit'));
    expect(edit).toMatchObject({ canWriteWorkItems: true, assignable: true, canInvitePartners: false });
    const invite = resolveTeamAccess(user('p', 'ws2'), team, undefined, partner('p', 'edit_and_invite'));
    expect(invite).toMatchObject({ canInvitePartners: true, maxInvitePermission: 'edit_and_invite', invitesActiveAtOnce: false });
    expect(resolveTeamAccess(user('p', 'ws2'), team, undefined, partner('p', 'edit', 'pending')).visible).toBe(false);
    // A partner item of another user or team does not count.
    expect(resolveTeamAccess(user('p', 'ws2'), team, undefined, { ...partner('x', 'edit') }).visible).toBe(false);
    expect(resolveTeamAccess(user('p', 'ws2'), team, undefined, { ...partner('p', 'edit'), teamId: 't2' }).visible).toBe(false);
  });
});

describe('checkAssignee', () => {
  it('accepts members of the workspace and edit partners; names view partners', () => {
    expect(checkAssignee(team, { userId: 'm', workspaceId: 'ws1' }, member('m'), undefined)).toBe('ok');
    expect(checkAssignee(team, { userId: 'm', workspaceId: 'ws9' }, member('m'), undefined)).toBe('assignee_not_in_team');
    expect(checkAssignee(team, { userId: 'p', workspaceId: 'ws2' }, undefined, partner('p', 'edit'))).toBe('ok');
    expect(checkAssignee(team, { userId: 'p', workspaceId: 'ws2' }, undefined, partner('p', 'view'))).toBe('assignee_view_only');
    expect(checkAssignee(team, { userId: 'p', workspaceId: 'ws2' }, undefined, partner('p', 'edit', 'pending'))).toBe(
      'assignee_not_in_team',
    );
    expect(checkAssignee(team, undefined, undefined, undefined)).toBe('assignee_not_in_team');
  });
});

describe('checkInvitationEntries', () => {
  it('reports every bad entry with its index and code', () => {
    const errors = checkInvitationEntries(team, 'edit', [
      { email: 'a@x', permission: 'view', invitee: { userId: 'a', workspaceId: 'ws2' } },
      { email: 'b@x', permission: 'view' },
      { email: 'c@x', permission: 'view', invitee: { userId: 'c', workspaceId: undefined } },
      { email: 'd@x', permission: 'view', invitee: { userId: 'd', workspaceId: 'ws1' } },
      { email: 'e@x', permission: 'view', invitee: { userId: 'e', workspaceId: 'ws2' }, existing: { status: 'pending' } },
      { email: 'a@x', permission: 'edit', invitee: { userId: 'a', workspaceId: 'ws2' } },
      { email: 'f@x', permission: 'edit_and_invite', invitee: { userId: 'f', workspaceId: 'ws3' } },
    ]);
    expect(errors).toEqual([
      { index: 1, email: 'b@x', code: 'partner_not_registered' },
      { index: 2, email: 'c@x', code: 'partner_not_registered' },
      { index: 3, email: 'd@x', code: 'same_workspace' },
      { index: 4, email: 'e@x', code: 'already_partner' },
      { index: 5, email: 'a@x', code: 'already_partner' },
      { index: 6, email: 'f@x', code: 'permission_too_high' },
    ]);
  });

  it('answers with the shared code, or invalid_invitations when they differ', () => {
    expect(invitationBatchErrorCode([{ index: 0, email: 'a', code: 'already_partner' }])).toEqual({
      code: 'already_partner',
      conflict: true,
    });
    expect(invitationBatchErrorCode([{ index: 0, email: 'a', code: 'same_workspace' }])).toEqual({
      code: 'same_workspace',
      conflict: false,
    });
    expect(
      invitationBatchErrorCode([
        { index: 0, email: 'a', code: 'same_workspace' },
        { index: 1, email: 'b', code: 'already_partner' },
      ]),
    ).toEqual({ code: 'invalid_invitations', conflict: false });
  });
});

describe('dueAction', () => {
  const createdAt = '2025-01-01T00:00:00.000Z';
  const pending = { status: 'pending' as const, createdAt };
  const day = (n: number) => new Date(Date.parse(createdAt) + n * 24 * 3600 * 1000);

  it('is first due 3 days after creation', () => {
    expect(firstDueAt(createdAt)).toBe(day(3).toISOString());
  });

  it('reminds every 3 days, then expires at 30 days', () => {
    expect(dueAction(pending, day(3).toISOString(), day(2))).toEqual({ action: 'skip' });
    expect(dueAction(pending, day(3).toISOString(), day(3))).toEqual({ action: 'remind', nextDueAt: day(6).toISOString() });
    // A late run does not pile up reminders: the next one is still on the 3-day grid.
    expect(dueAction(pending, day(3).toISOString(), day(10))).toEqual({ action: 'remind', nextDueAt: day(12).toISOString() });
    expect(dueAction(pending, day(27).toISOString(), day(28))).toEqual({ action: 'remind', nextDueAt: day(30).toISOString() });
    expect(dueAction(pending, day(30).toISOString(), day(30))).toEqual({ action: 'expire' });
    expect(dueAction({ ...pending, status: 'active' }, day(3).toISOString(), day(40))).toEqual({ action: 'skip' });
  });
});
