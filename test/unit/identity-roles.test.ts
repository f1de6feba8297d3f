import { describe, expect, it } from 'vitest';
import {
  canManageBilling,
  decideAddMember,
  decideCreateWorkspace,
  decideOwnershipTransfer,
  decideRemoval,
  decideRoleChange,
  isMemberOf,
  isWorkspaceAdmin,
  requireBillingManager,
  requireMember,
  requireOwner,
  requireWorkspaceAdmin,
  WORKSPACE_ROLES,
  type WorkspaceRole,
} from '../../shared/domain/identity';
import { DomainError } from '../../shared/errors';

const WS = 'ws1';
const as = (role: WorkspaceRole, userId = `u-${role}`, workspaceId = WS) => ({ userId, workspaceId, role });
const outsider = { userId: 'out', workspaceId: 'other', role: 'owner' as const };
const homeless: { userId: string; workspaceId?: string; role?: WorkspaceRole } = { userId: 'free' };

/** The error a rule throws, as {kind, code}, or null when it passes. */
function outcome(rule: () => unknown) {
  try {
    rule();
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    const { kind, code } = error as DomainError;
    return { kind, code };
  }
}

describe('role predicates', () => {
  it.each([
    ['owner', true, true],
    ['admin', true, true],
    ['billing_admin', false, true],
    ['member', false, false],
  ] as const)('%s: admin=%s billing=%s', (role, admin, billing) => {
    expect(isMemberOf(as(role), WS)).toBe(true);
    expect(isWorkspaceAdmin(as(role), WS)).toBe(admin);
    expect(canManageBilling(as(role), WS)).toBe(billing);
  });

  it('gives no rights in another workspace, whatever the role there', () => {
    for (const role of WORKSPACE_ROLES) {
      const user = as(role, 'x', 'other');
      expect(isMemberOf(user, WS)).toBe(false);
      expect(isWorkspaceAdmin(user, WS)).toBe(false);
      expect(canManageBilling(user, WS)).toBe(false);
    }
    expect(isMemberOf(homeless, WS)).toBe(false);
  });
});

describe('guards: outsiders get 404, members without the role 403', () => {
  it.each([
    ['requireMember', requireMember, ['owner', 'admin', 'billing_admin', 'member']],
    ['requireWorkspaceAdmin', requireWorkspaceAdmin, ['owner', 'admin']],
    ['requireBillingManager', requireBillingManager, ['owner', 'admin', 'billing_admin']],
    ['requireOwner', requireOwner, ['owner']],
  ] as const)('%s', (_name, guard, allowed) => {
    for (const role of WORKSPACE_ROLES) {
      const expected = (allowed as readonly string[]).includes(role) ? null : { kind: 'forbidden', code: 'forbidden' };
      expect(outcome(() => guard(as(role), WS))).toEqual(expected);
    }
    expect(outcome(() => guard(outsider, WS))).toEqual({ kind: 'not_found', code: 'not_found' });
    expect(outcome(() => guard(homeless, WS))).toEqual({ kind: 'not_found', code: 'not_found' });
  });
});

describe('decideCreateWorkspace', () => {
  it('lets a user in no workspace create one, else 409 already_in_workspace', () => {
    expect(outcome(() => decideCreateWorkspace(homeless))).toBeNull();
    expect(outcome(() => decideCreateWorkspace(as('member')))).toEqual({ kind: 'conflict', code: 'already_in_workspace' });
  });
});

describe('decideAddMember', () => {
  it('needs an Owner/Admin', () => {
    expect(outcome(() => decideAddMember(as('owner'), WS, homeless))).toBeNull();
    expect(outcome(() => decideAddMember(as('admin'), WS, homeless))).toBeNull();
    expect(outcome(() => decideAddMember(as('billing_admin'), WS, homeless))?.code).toBe('forbidden');
    expect(outcome(() => decideAddMember(as('member'), WS, homeless))?.code).toBe('forbidden');
    expect(outcome(() => decideAddMember(outsider, WS, homeless))?.code).toBe('not_found');
  });

  it('refuses unregistered users and users already in a workspace', () => {
    expect(outcome(() => decideAddMember(as('owner'), WS, undefined))).toEqual({ kind: 'business_rule', code: 'user_not_registered' });
    expect(outcome(() => decideAddMember(as('owner'), WS, as('member', 'm')))).toEqual({ kind: 'conflict', code: 'already_member' });
    expect(outcome(() => decideAddMember(as('owner'), WS, outsider))).toEqual({ kind: 'conflict', code: 'already_in_workspace' });
  });
});

describe('decideRoleChange', () => {
  it('lets Owner and Admin change any role but the Owner', () => {
    for (const actor of [as('owner'), as('admin')]) {
      expect(decideRoleChange(actor, WS, as('member', 'm'), 'admin')).toBe(true);
      expect(decideRoleChange(actor, WS, as('admin', 'a2'), 'member')).toBe(true);
      expect(decideRoleChange(actor, WS, as('billing_admin', 'b'), 'billing_admin')).toBe(false);
      expect(outcome(() => decideRoleChange(actor, WS, as('owner', 'o'), 'admin'))).toEqual({
        kind: 'business_rule',
        code: 'owner_role_unchangeable',
      });
    }
  });

  it('lets an Admin change their own role, but not the Owner theirs', () => {
    const admin = as('admin');
    expect(decideRoleChange(admin, WS, admin, 'member')).toBe(true);
    const owner = as('owner');
    expect(outcome(() => decideRoleChange(owner, WS, owner, 'admin'))?.code).toBe('owner_role_unchangeable');
  });

  it('refuses others and unknown targets', () => {
    expect(outcome(() => decideRoleChange(as('billing_admin'), WS, as('member', 'm'), 'admin'))?.kind).toBe('forbidden');
    expect(outcome(() => decideRoleChange(as('member'), WS, as('member', 'm'), 'admin'))?.kind).toBe('forbidden');
    expect(outcome(() => decideRoleChange(outsider, WS, as('member', 'm'), 'admin'))?.kind).toBe('not_found');
    expect(outcome(() => decideRoleChange(as('owner'), WS, undefined, 'admin'))?.kind).toBe('not_found');
    expect(outcome(() => decideRoleChange(as('owner'), WS, as('member', 'x', 'other'), 'admin'))?.kind).toBe('not_found');
  });
});

describe('decideRemoval', () => {
  it('lets Owner/Admin remove anyone but the Owner', () => {
    for (const actor of [as('owner'), as('admin')]) {
      for (const role of ['admin', 'billing_admin', 'member'] as const) {
        expect(outcome(() => decideRemoval(actor, WS, as(role, `t-${role}`)))).toBeNull();
      }
      expect(outcome(() => decideRemoval(actor, WS, as('owner', 'o')))).toEqual({
        kind: 'business_rule',
        code: 'owner_cannot_be_removed',
      });
    }
  });

  it('lets any member but the Owner leave', () => {
    for (const role of ['admin', 'billing_admin', 'member'] as const) {
      const me = as(role);
      expect(outcome(() => decideRemoval(me, WS, me))).toBeNull();
    }
    const owner = as('owner');
    expect(outcome(() => decideRemoval(owner, WS, owner))?.code).toBe('owner_cannot_be_removed');
  });

  it('refuses members removing others, outsiders, and unknown targets', () => {
    expect(outcome(() => decideRemoval(as('member'), WS, as('member', 'm2')))?.kind).toBe('forbidden');
    expect(outcome(() => decideRemoval(as('billing_admin'), WS, as('member', 'm2')))?.kind).toBe('forbidden');
    expect(outcome(() => decideRemoval(outsider, WS, as('member', 'm2')))?.kind).toBe('not_found');
    expect(outcome(() => decideRemoval(as('owner'), WS, undefined))?.kind).toBe('not_found');
    expect(outcome(() => decideRemoval(as('owner'), WS, as('member', 'x', 'other')))?.kind).toBe('not_found');
  });
});

describe('decideOwnershipTransfer', () => {
  it('lets only the Owner hand over to another member', () => {
    expect(outcome(() => decideOwnershipTransfer(as('owner'), WS, as('member', 'm')))).toBeNull();
    expect(outcome(() => decideOwnershipTransfer(as('owner'), WS, as('billing_admin', 'b')))).toBeNull();
    expect(outcome(() => decideOwnershipTransfer(as('admin'), WS, as('member', 'm')))?.kind).toBe('forbidden');
    expect(outcome(() => decideOwnershipTransfer(outsider, WS, as('member', 'm')))?.kind).toBe('not_found');
  });

  it('refuses a target outside the workspace, unknown, or the Owner themselves', () => {
    const owner = as('owner');
    expect(outcome(() => decideOwnershipTransfer(owner, WS, undefined))).toEqual({ kind: 'business_rule', code: 'not_a_member' });
    expect(outcome(() => decideOwnershipTransfer(owner, WS, as('member', 'x', 'other')))?.code).toBe('not_a_member');
    expect(outcome(() => decideOwnershipTransfer(owner, WS, owner))).toEqual({ kind: 'business_rule', code: 'already_owner' });
  });
});
