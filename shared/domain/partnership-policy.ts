/**
 * A workspace's partner policy (SPEC §10): the workspaces it trusts or blocks, the e-mail domains it
 * blocks, and the default term of its partnership requests. What it does to partnership requests and
 * team partner invitations. Plain rules, no AWS.
 *
 * Policy changes apply to new requests only: a request takes the policies of its moment (its term is
 * fixed on the record, a block refuses it, a trust skips host approval once).
 */
import { businessRule, validationFailed } from '../errors';
import { TERM_MAX_DAYS, TERM_MIN_DAYS } from './partnership-term';

export const MAX_POLICY_ENTRIES = 100;

export interface PartnershipPolicy {
  trustedWorkspaceIds: string[];
  blockedWorkspaceIds: string[];
  /** Lowercased domains (the part after "@" of an e-mail address). */
  blockedEmailDomains: string[];
  /** The term of a request that gives none (30..365 days); null: open-ended. */
  defaultTermDays: number | null;
}

/** A new workspace's policy: empty lists, open-ended partnerships. */
export const DEFAULT_POLICY: Readonly<PartnershipPolicy> = Object.freeze({
  trustedWorkspaceIds: [],
  blockedWorkspaceIds: [],
  blockedEmailDomains: [],
  defaultTermDays: null,
});

export const policyOrDefault = (policy: PartnershipPolicy | undefined): PartnershipPolicy => policy ?? DEFAULT_POLICY;

/** The domain of an e-mail address, lowercased. */
export function emailDomainOf(email: string): string {
  const at = email.lastIndexOf('@');
  return (at >= 0 ? email.slice(at + 1) : email).trim().toLowerCase();
}

/** The refusal of a blocked partner: it does not say which side (or which rule) blocked it. */
export const partnerBlocked = () =>
  businessRule('partner_blocked', 'A partner policy does not allow a partnership between these workspaces.');

/** A partnership request is blocked when either side blocks the other. */
export function blocksPair(
  host: { workspaceId: string; policy: PartnershipPolicy },
  guest: { workspaceId: string; policy: PartnershipPolicy },
) {
  return host.policy.blockedWorkspaceIds.includes(guest.workspaceId) || guest.policy.blockedWorkspaceIds.includes(host.workspaceId);
}

/** The term of a new request: its own `termDays`, else the host's default, else open-ended (null). */
export const termDaysOf = (requested: number | undefined, hostPolicy: PartnershipPolicy): number | null =>
  requested ?? hostPolicy.defaultTermDays;

/** A team partner invitation of this user is refused by the team workspace's policy (home workspace or e-mail domain). */
export function blocksInvitee(policy: PartnershipPolicy, invitee: { email: string; workspaceId?: string }): boolean {
  if (policy.blockedEmailDomains.includes(emailDomainOf(invitee.email))) return true;
  return invitee.workspaceId !== undefined && policy.blockedWorkspaceIds.includes(invitee.workspaceId);
}

export const trusts = (policy: PartnershipPolicy, workspaceId: string | undefined): boolean =>
  workspaceId !== undefined && policy.trustedWorkspaceIds.includes(workspaceId);

/** PUT's input, normalized (domains lowercased; the HTTP schema refused duplicates, sizes and formats). */
export function normalizePolicy(input: PartnershipPolicy): PartnershipPolicy {
  return {
    trustedWorkspaceIds: [...input.trustedWorkspaceIds],
    blockedWorkspaceIds: [...input.blockedWorkspaceIds],
    blockedEmailDomains: input.blockedEmailDomains.map((d) => d.trim().toLowerCase()),
    defaultTermDays: input.defaultTermDays,
  };
}

/** The workspace ids a policy names that must be checked (those not in the current policy already). */
export function newlyListedIds(next: PartnershipPolicy, current: PartnershipPolicy): string[] {
  const known = new Set([...current.trustedWorkspaceIds, ...current.blockedWorkspaceIds]);
  return [...new Set([...next.trustedWorkspaceIds, ...next.blockedWorkspaceIds])].filter((id) => !known.has(id));
}

/**
 * The rules of a policy beyond its shape: no workspace both trusted and blocked, not the workspace
 * itself, every listed id a workspace (`exists` answers for the ids of `newlyListedIds`; the others
 * were checked when they were listed). 400 validation_failed with one detail per offending entry.
 */
export function checkPolicy(workspaceId: string, policy: PartnershipPolicy, exists: (id: string) => boolean | undefined): void {
  const details: Array<{ field: string; issue: string }> = [];
  const blocked = new Set(policy.blockedWorkspaceIds);
  const lists = [
    ['trustedWorkspaceIds', policy.trustedWorkspaceIds],
    ['blockedWorkspaceIds', policy.blockedWorkspaceIds],
  ] as const;
  for (const [list, ids] of lists) {
    ids.forEach((id, index) => {
      const field = `body.${list}.${index}`;
      if (id === workspaceId) details.push({ field, issue: 'the workspace itself' });
      else if (exists(id) === false) details.push({ field, issue: 'not a workspace' });
      else if (list === 'trustedWorkspaceIds' && blocked.has(id)) details.push({ field, issue: 'also in blockedWorkspaceIds' });
    });
  }
  if (details.length > 0) throw validationFailed(details, 'The partner policy is not valid; nothing was changed.');
}

/** The bounds the HTTP schema enforces (also documented in the OpenAPI document). */
export const POLICY_LIMITS = { maxEntries: MAX_POLICY_ENTRIES, termMinDays: TERM_MIN_DAYS, termMaxDays: TERM_MAX_DAYS } as const;

export const samePolicy = (a: PartnershipPolicy, b: PartnershipPolicy): boolean => JSON.stringify(a) === JSON.stringify(b);
