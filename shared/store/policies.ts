/**
 * Partner policies (SPEC §10): one item per workspace that has set one (a workspace without it has the
 * default policy: empty lists, open-ended partnerships). It is read by key beside the workspace items
 * a use case reads already (the same BatchGet): a partnership request reads the host's and the guest's,
 * a partner invitation the team workspace's.
 *
 * Access patterns:
 *   policy of a workspace     GetItem (batched)     WS#<ws> / POLICY
 */
import * as z from 'zod/mini';
import { DEFAULT_POLICY, type PartnershipPolicy } from '../domain/partnership-policy';
import { versionIs } from './concurrency';
import { defineEntity } from './entity';
import { itemIsNew } from './expressions';
import { ENTITY, keys } from './keys';
import type { Loader } from './loader';
import type { Transaction } from './transaction';

export const POLICY_CONDITIONS = {
  /** The policy is still the version that was read (none: still none). */
  unchanged: 'policy.unchanged',
} as const;

const policyEntity = defineEntity(
  ENTITY.partnershipPolicy,
  z.object({
    workspaceId: z.string(),
    trustedWorkspaceIds: z.array(z.string()),
    blockedWorkspaceIds: z.array(z.string()),
    blockedEmailDomains: z.array(z.string()),
    defaultTermDays: z.nullable(z.number()),
    updatedAt: z.string(),
    updatedBy: z.string(),
    version: z.number(),
  }),
);

/** A policy as stored (`version` 0 and no `updatedAt`: the default, never written). */
export type StoredPolicy = PartnershipPolicy & { workspaceId: string; version: number; updatedAt: string | null; updatedBy: string | null };

export class PoliciesRepository {
  constructor(private readonly loader: Loader) {}

  /** The workspace's policy, or the default one (version 0) when it never set one. */
  async get(workspaceId: string): Promise<StoredPolicy> {
    const stored = policyEntity.parseOptional(await this.loader.load(keys.partnershipPolicy(workspaceId)));
    return stored ?? { ...DEFAULT_POLICY, workspaceId, version: 0, updatedAt: null, updatedBy: null };
  }

  /** Replaces the policy read at `seen.version` (POLICY_CONDITIONS.unchanged). */
  replace(tx: Transaction, seen: StoredPolicy, policy: PartnershipPolicy, by: string, at: string): void {
    const record = { workspaceId: seen.workspaceId, ...policy, updatedAt: at, updatedBy: by, version: seen.version + 1 };
    tx.put(policyEntity.item(keys.partnershipPolicy(seen.workspaceId), record), {
      condition: seen.version === 0 ? itemIsNew() : versionIs(seen.version),
      name: POLICY_CONDITIONS.unchanged,
    });
  }
}
