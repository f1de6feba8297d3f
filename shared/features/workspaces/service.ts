/**
 * Workspaces, members, roles, ownership and billing (SPEC §2). The user record is the single source of
 * membership (workspaceId, role); the workspace item keeps the admin directory of its Owner and Admins
 * in step, in the same transaction. Every use case reads what it decides on in one BatchGetItem (the
 * caller with the objects), decides with shared/domain/identity.ts, and writes one transaction whose
 * named conditions re-check what the decision was based on; when one fails, `optimistic` reads again
 * and decides again, so the caller gets the answer a retry would get (403 after a demotion, 409...).
 */
import type { UseCaseContext } from '../../context';
import { early } from '../../context';
import {
  decideAddMember,
  decideCreateWorkspace,
  decideOwnershipTransfer,
  decideRemoval,
  decideRoleChange,
  requireBillingManager,
  requireMember,
  requireOwner,
  requireWorkspaceAdmin,
  type AssignableRole,
  type BillingPlan,
  type WorkspaceRecord,
  type WorkspaceRole,
} from '../../domain/identity';
import { notFound } from '../../errors';
import { newId } from '../../ids';
import { notify } from '../../notify/notify';
import { optimistic, type PageRequest } from '../../store';
import { appendActivity, type ActivityScope } from '../../store/activity';
import { recordEvent, subjects } from '../events/record';
import { normalizeEmail } from '../../store/keys';
import { directoryChangeOf, isDirectoryRole, type MemberRow, type StoredWorkspace } from '../../store/users';
import { readDeparture, recordRemainingDeparture, writeDepartureBatch } from './departure';

// ---- views ----------------------------------------------------------------------------------------

export const workspaceView = (workspace: WorkspaceRecord, role: WorkspaceRole | undefined) => ({
  workspaceId: workspace.workspaceId,
  name: workspace.name,
  ownerId: workspace.ownerId,
  role: role ?? null,
  createdAt: workspace.createdAt,
  updatedAt: workspace.updatedAt,
});

export const memberView = (user: MemberRow) => ({
  userId: user.userId,
  email: user.email,
  name: user.name,
  role: user.role ?? null,
  joinedAt: user.joinedAt ?? null,
});

export const billingView = (workspace: WorkspaceRecord) => ({
  workspaceId: workspace.workspaceId,
  plan: workspace.billing.plan,
  billingEmail: workspace.billing.billingEmail,
  updatedAt: workspace.updatedAt,
});

const scopeOf = (workspaceId: string): ActivityScope => ({ kind: 'workspace', id: workspaceId });

function existing(workspace: StoredWorkspace | undefined): StoredWorkspace {
  if (!workspace) throw notFound('workspace');
  return workspace;
}

/** The user a decide* function accepted: each refuses an unknown one, so undefined here is a bug. */
function accepted<T>(user: T | undefined): T {
  if (user === undefined) throw new Error('a workspace decision accepted an unknown user');
  return user;
}

/** The role read of a member a decision accepted: a member of the workspace always has one. */
function roleOf(member: { userId: string; role?: WorkspaceRole }): WorkspaceRole {
  if (!member.role) throw new Error(`workspace member ${member.userId} has no role`);
  return member.role;
}

// ---- use cases ----------------------------------------------------------------------------------------

/** POST /workspaces: the caller (in no workspace) creates one and becomes its Owner. */
export function createWorkspace(ctx: UseCaseContext, input: { name: string }) {
  return optimistic(ctx.store, async () => {
    const me = await ctx.me();
    decideCreateWorkspace(me);
    const at = ctx.at;
    const workspace: StoredWorkspace = {
      workspaceId: newId(ctx.now.getTime()),
      name: input.name,
      ownerId: me.userId,
      billing: { plan: 'free', billingEmail: me.email },
      admins: { [me.userId]: me.email },
      createdAt: at,
      updatedAt: at,
    };
    const tx = ctx.store.transaction();
    ctx.store.users.joinWorkspace(tx, me, workspace, 'owner', at);
    ctx.store.users.createWorkspace(tx, workspace);
    appendActivity(tx, [scopeOf(workspace.workspaceId)], {
      actorId: me.userId,
      action: 'workspace.created',
      target: { type: 'workspace', id: workspace.workspaceId },
      data: { name: input.name },
      at,
    });
    await tx.commit();
    return workspaceView(workspace, 'owner');
  });
}

/** GET /workspaces/{id}: members only (others 404). */
export async function readWorkspace(ctx: UseCaseContext, workspaceId: string) {
  const [me, workspace] = await Promise.all([ctx.me(), ctx.store.users.workspace(workspaceId)]);
  requireMember(me, workspaceId);
  return workspaceView(existing(workspace), me.role);
}

/** GET /workspaces/{id}/members: the member list is read beside the caller, shown once they are a member. */
export async function listMembers(ctx: UseCaseContext, workspaceId: string, page: PageRequest) {
  const members = early(ctx.store.users.membersPage(workspaceId, page));
  requireMember(await ctx.me(), workspaceId);
  const result = await members;
  return { items: result.items.map(memberView), nextCursor: result.nextCursor };
}

/** POST /workspaces/{id}/members: Owner/Admin add a registered user who is in no workspace. */
export function addMember(ctx: UseCaseContext, workspaceId: string, input: { email: string; role: AssignableRole }) {
  const { users } = ctx.store;
  return optimistic(ctx.store, async () => {
    // The caller, the workspace and the e-mail's owner in one read; then that user.
    const [me, workspaceItem, targetId] = await Promise.all([ctx.me(), users.workspace(workspaceId), users.idByEmail(input.email)]);
    requireWorkspaceAdmin(me, workspaceId);
    const workspace = existing(workspaceItem);
    const target = targetId ? await users.get(targetId) : undefined;
    decideAddMember(me, workspaceId, target);
    const member = accepted(target);

    const at = ctx.at;
    const tx = ctx.store.transaction();
    users.requireRole(tx, me.userId, workspaceId, ['owner', 'admin']);
    users.joinWorkspace(tx, member, workspace, input.role, at);
    users.updateWorkspace(tx, workspaceId, { directory: directoryChangeOf(member, undefined, input.role) });
    appendActivity(tx, [scopeOf(workspaceId)], {
      actorId: me.userId,
      action: 'workspace.member_added',
      target: { type: 'user', id: member.userId },
      data: { email: member.email, role: input.role },
      at,
    });
    recordEvent(ctx, tx, 'workspace.member_added.v1', {
      subject: subjects.workspace(workspaceId),
      data: { workspaceId, userId: member.userId, role: input.role },
      audience: [workspaceId],
    });
    notify(tx, {
      template: 'workspace.member_added',
      to: [member.email],
      data: { workspaceId, workspaceName: workspace.name, role: input.role, addedBy: me.name },
      at,
    });
    await tx.commit();
    return memberView({ ...member, role: input.role, joinedAt: at });
  });
}

/** PATCH /workspaces/{id}/members/{userId}: Owner/Admin change a role (never the Owner's). */
export function changeRole(ctx: UseCaseContext, workspaceId: string, userId: string, role: AssignableRole) {
  const { users } = ctx.store;
  return optimistic(ctx.store, async () => {
    const [me, target] = await Promise.all([ctx.me(), users.get(userId)]);
    const changes = decideRoleChange(me, workspaceId, target, role);
    const member = accepted(target);
    if (!changes) return memberView(member);

    const at = ctx.at;
    const self = member.userId === me.userId;
    const tx = ctx.store.transaction();
    // An Admin changing their own role: the role update's own condition covers the actor.
    if (!self) users.requireRole(tx, me.userId, workspaceId, ['owner', 'admin']);
    users.setRole(tx, member, workspaceId, roleOf(member), role, at);
    users.updateWorkspace(tx, workspaceId, { directory: directoryChangeOf(member, member.role, role) });
    appendActivity(tx, [scopeOf(workspaceId)], {
      actorId: me.userId,
      action: 'workspace.member_role_changed',
      target: { type: 'user', id: member.userId },
      data: { from: member.role, to: role },
      at,
    });
    recordEvent(ctx, tx, 'workspace.member_role_changed.v1', {
      subject: subjects.workspace(workspaceId),
      data: { workspaceId, userId: member.userId, from: roleOf(member), to: role },
      audience: [workspaceId],
    });
    await tx.commit();
    return memberView({ ...member, role });
  });
}

/**
 * DELETE /workspaces/{id}/members/{userId}: Owner/Admin remove a member; a member may leave. With the
 * membership, in the same transaction (SPEC §10): the member stops owning the workspace's open
 * partnerships (the workspace Owner succeeds where nobody else owns one) and their pending partner
 * invitations are withdrawn, a bounded batch of each; a departure left to the scheduled job covers any
 * rest (features/workspaces/departure.ts). Reads: the caller, the member and the workspace in one
 * BatchGet, beside the departure's two Queries; then one transaction.
 */
export function removeMember(ctx: UseCaseContext, workspaceId: string, userId: string) {
  const { users } = ctx.store;
  return optimistic(ctx.store, async () => {
    const departureReads = readDeparture(ctx, workspaceId, userId);
    const [me, target, workspaceItem] = await Promise.all([ctx.me(), users.get(userId), users.workspace(workspaceId)]);
    decideRemoval(me, workspaceId, target);
    const member = accepted(target);
    const workspace = existing(workspaceItem);
    const [owned, invitations] = await Promise.all([departureReads.owned, departureReads.invitations]);
    const at = ctx.at;
    const self = member.userId === me.userId;
    const tx = ctx.store.transaction();
    if (!self) users.requireRole(tx, me.userId, workspaceId, ['owner', 'admin']);
    // Conditioned on the role seen: an Admin leaves the directory with it.
    users.leaveWorkspace(tx, member, workspaceId, roleOf(member), at);
    users.updateWorkspace(tx, workspaceId, { directory: directoryChangeOf(member, member.role, undefined) });
    const departed = { userId: member.userId, email: member.email, departedAt: at };
    const work = writeDepartureBatch(ctx, tx, { workspace, departed, owned, invitations });
    if (!work.done) {
      recordRemainingDeparture(ctx, tx, {
        workspaceId,
        ...departed,
        ownedCursor: work.cursors.owned,
        invitationsCursor: work.cursors.invitations,
      });
    }
    appendActivity(tx, [scopeOf(workspaceId)], {
      actorId: me.userId,
      action: self ? 'workspace.member_left' : 'workspace.member_removed',
      target: { type: 'user', id: member.userId },
      data: {
        email: member.email,
        role: member.role,
        partnershipsLeft: work.partnerships,
        ownerSuccessions: work.successions,
        invitationsWithdrawn: work.invitationsWithdrawn,
        ...(work.done ? {} : { remainderByJob: true }),
      },
      at,
    });
    recordEvent(ctx, tx, 'workspace.member_removed.v1', {
      subject: subjects.workspace(workspaceId),
      data: { workspaceId, userId: member.userId, role: roleOf(member), left: self },
      audience: [workspaceId],
    });
    await tx.commit();
  });
}

/** POST /workspaces/{id}/ownership-transfer: the Owner hands over; they become an Admin. */
export function transferOwnership(ctx: UseCaseContext, workspaceId: string, targetUserId: string) {
  const { users } = ctx.store;
  return optimistic(ctx.store, async () => {
    const [me, workspaceItem, target] = await Promise.all([ctx.me(), users.workspace(workspaceId), users.get(targetUserId)]);
    requireOwner(me, workspaceId);
    const workspace = existing(workspaceItem);
    decideOwnershipTransfer(me, workspaceId, target);
    const member = accepted(target);
    const at = ctx.at;
    const tx = ctx.store.transaction();
    users.setRole(tx, me, workspaceId, 'owner', 'admin', at, 'old_owner.role_is');
    users.setRole(tx, member, workspaceId, roleOf(member), 'owner', at, 'new_owner.role_is');
    // The old Owner stays in the admin directory (as Admin); the new one joins it.
    users.updateWorkspace(tx, workspaceId, {
      owner: { from: me.userId, to: member.userId },
      directory: isDirectoryRole(member.role) ? [] : [{ userId: member.userId, email: member.email }],
      at,
    });
    appendActivity(tx, [scopeOf(workspaceId)], {
      actorId: me.userId,
      action: 'workspace.ownership_transferred',
      target: { type: 'user', id: member.userId },
      data: { from: me.userId, to: member.userId, previousRole: member.role },
      at,
    });
    recordEvent(ctx, tx, 'workspace.ownership_transferred.v1', {
      subject: subjects.workspace(workspaceId),
      data: { workspaceId, fromUserId: me.userId, toUserId: member.userId },
      audience: [workspaceId],
    });
    await tx.commit();
    return workspaceView({ ...workspace, ownerId: member.userId, updatedAt: at }, 'admin');
  });
}

/** GET /workspaces/{id}/billing: Owner, Admin, Billing Admin. */
export async function readBilling(ctx: UseCaseContext, workspaceId: string) {
  const [me, workspace] = await Promise.all([ctx.me(), ctx.store.users.workspace(workspaceId)]);
  requireBillingManager(me, workspaceId);
  return billingView(existing(workspace));
}

/** PUT /workspaces/{id}/billing: replaces the plan and billing e-mail. */
export function updateBilling(ctx: UseCaseContext, workspaceId: string, input: { plan: BillingPlan; billingEmail: string }) {
  const { users } = ctx.store;
  return optimistic(ctx.store, async () => {
    const [me, workspaceItem] = await Promise.all([ctx.me(), users.workspace(workspaceId)]);
    requireBillingManager(me, workspaceId);
    const workspace = existing(workspaceItem);
    const billing = { plan: input.plan, billingEmail: normalizeEmail(input.billingEmail) };
    if (billing.plan === workspace.billing.plan && billing.billingEmail === workspace.billing.billingEmail) return billingView(workspace);
    const at = ctx.at;
    const tx = ctx.store.transaction();
    users.requireRole(tx, me.userId, workspaceId, ['owner', 'admin', 'billing_admin']);
    users.updateWorkspace(tx, workspaceId, { billing, at });
    appendActivity(tx, [scopeOf(workspaceId)], {
      actorId: me.userId,
      action: 'workspace.billing_updated',
      target: { type: 'workspace', id: workspaceId },
      data: { from: workspace.billing, to: billing },
      at,
    });
    await tx.commit();
    return billingView({ ...workspace, billing, updatedAt: at });
  });
}
