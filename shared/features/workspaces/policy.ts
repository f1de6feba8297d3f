/**
 * GET|PUT /workspaces/{id}/partnership-policy (SPEC §10): the workspace's partner policy, for its
 * Owner and Admins. PUT replaces it: the HTTP schema refuses malformed entries, over-long lists and
 * repeated entries; here the rules that need reads (every newly listed id is a workspace, none is the
 * workspace itself or both trusted and blocked) refuse with 400 validation_failed and details, before
 * anything is written. Each change is in the workspace's activity log.
 */
import type { UseCaseContext } from '../../context';
import { requireWorkspaceAdmin } from '../../domain/identity';
import { checkPolicy, newlyListedIds, normalizePolicy, samePolicy, type PartnershipPolicy } from '../../domain/partnership-policy';
import { notFound } from '../../errors';
import { optimistic } from '../../store';
import { appendActivity } from '../../store/activity';
import type { StoredPolicy } from '../../store/policies';

export const policyView = (policy: StoredPolicy) => ({
  workspaceId: policy.workspaceId,
  trustedWorkspaceIds: policy.trustedWorkspaceIds,
  blockedWorkspaceIds: policy.blockedWorkspaceIds,
  blockedEmailDomains: policy.blockedEmailDomains,
  defaultTermDays: policy.defaultTermDays,
  updatedAt: policy.updatedAt,
  updatedBy: policy.updatedBy,
});

const policyOf = (p: PartnershipPolicy): PartnershipPolicy => ({
  trustedWorkspaceIds: p.trustedWorkspaceIds,
  blockedWorkspaceIds: p.blockedWorkspaceIds,
  blockedEmailDomains: p.blockedEmailDomains,
  defaultTermDays: p.defaultTermDays,
});

/** GET: the caller and the policy in one BatchGet; Owner/Admin only (other members 403, outsiders 404). */
export async function readPolicy(ctx: UseCaseContext, workspaceId: string) {
  const [me, policy] = await Promise.all([ctx.me(), ctx.store.policies.get(workspaceId)]);
  requireWorkspaceAdmin(me, workspaceId);
  return policyView(policy);
}

/**
 * PUT: the caller, the workspace, the current policy and the newly listed workspaces in one BatchGet
 * (up to 200 ids: at most three BatchGetItem calls), then one transaction conditioned on the policy's
 * version and the caller's role.
 */
export function replacePolicy(ctx: UseCaseContext, workspaceId: string, input: PartnershipPolicy) {
  const { users, policies } = ctx.store;
  const next = normalizePolicy(input);
  return optimistic(ctx.store, async () => {
    const [me, workspace, current] = await Promise.all([ctx.me(), users.workspace(workspaceId), policies.get(workspaceId)]);
    requireWorkspaceAdmin(me, workspaceId);
    if (!workspace) throw notFound('workspace');
    const listed = newlyListedIds(next, current).filter((id) => id !== workspaceId);
    const found = await Promise.all(listed.map((id) => users.workspace(id)));
    const exists = new Map(listed.map((id, i) => [id, found[i] !== undefined]));
    checkPolicy(workspaceId, next, (id) => exists.get(id));
    if (current.version > 0 && samePolicy(policyOf(current), next)) return policyView(current);
    const at = ctx.at;
    const tx = ctx.store.transaction();
    users.requireRole(tx, me.userId, workspaceId, ['owner', 'admin']);
    policies.replace(tx, current, next, me.userId, at);
    appendActivity(tx, [{ kind: 'workspace', id: workspaceId }], {
      actorId: me.userId,
      action: 'workspace.partnership_policy_updated',
      target: { type: 'workspace', id: workspaceId },
      data: { from: policyOf(current), to: next },
      at,
    });
    await tx.commit();
    return policyView({ ...current, ...next, version: current.version + 1, updatedAt: at, updatedBy: me.userId });
  });
}
