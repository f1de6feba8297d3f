/** SPEC §10 rules without a table: terms, rounds, the job's plan, the partner policy, owner succession. */
import { describe, expect, it } from 'vitest';
import {
  DAY_MS,
  decide,
  decideContinuation,
  decideOwnerDeparture,
  decideRequest,
  deriveOutcome,
  nextDueAt,
  planDue,
  RECONCILE_AFTER_MS,
  waitingStageOf,
  type PartnershipRecord,
  type RequestInput,
} from '../../shared/domain/partnership';
import { authorizePartnership } from '../../shared/domain/partnership-access';
import {
  blocksInvitee,
  blocksPair,
  checkPolicy,
  DEFAULT_POLICY,
  newlyListedIds,
  termDaysOf,
  type PartnershipPolicy,
} from '../../shared/domain/partnership-policy';
import {
  activityForSide,
  CONTINUE_EXECUTION_AFTER_MS,
  decideLapse,
  decideOpenRound,
  decideRecertify,
  decideRoundReminder,
  planTerm,
  ROUND_OPENS_BEFORE_MS,
  termStageOf,
  termStarting,
} from '../../shared/domain/partnership-term';
import { codeOf } from '../support/errors';

const t0 = new Date('2025-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const policy = (p: Partial<PartnershipPolicy> = {}): PartnershipPolicy => ({ ...DEFAULT_POLICY, ...p });

function request(overrides: Partial<RequestInput> = {}): RequestInput {
  return {
    partnershipId: 'p1',
    host: { workspaceId: 'host', name: 'Host' },
    guestWorkspaceId: 'guest',
    guest: { workspaceId: 'guest', name: 'Guest' },
    partnerEmail: 'partner@guest.example',
    guestAdminEmails: ['partner@guest.example'],
    reason: 'We work together',
    requester: { userId: 'u1', email: 'u1@host.example', isHostAdmin: true },
    now: t0,
    ...overrides,
  };
}

/** Active from t0 with a term of `days`, its round-stage token registered. */
function active(days = 30): PartnershipRecord {
  const requested = decideRequest(request({ termDays: days }));
  const accepted = decide(requested, 'accept', { actorId: 'g', acceptTerms: true, now: t0 });
  return { ...accepted.record, taskToken: 'round-token', taskStage: 'round' };
}

describe('terms', () => {
  it('a term ends exactly days x 24 h after it starts; the first starts at activation', () => {
    expect(termStarting(t0, 30)).toEqual({ startedAt: t0.toISOString(), endsAt: at(30 * DAY_MS).toISOString(), days: 30 });
    const p = active(30);
    expect(p.term).toEqual(termStarting(t0, 30));
    expect(termStageOf(p)).toBe('round');
    expect(waitingStageOf(p)).toBe('round');
  });

  it('acceptance of a partnership with a term tells the workflow to go on to the term life', () => {
    const requested = decideRequest(request({ termDays: 30 }));
    expect(decide(requested, 'accept', { actorId: 'g', acceptTerms: true, now: t0 }).outcome).toBe('accepted_with_term');
    const open = decideRequest(request());
    expect(decide(open, 'accept', { actorId: 'g', acceptTerms: true, now: t0 }).outcome).toBe('accepted');
  });

  it('termDays: the request, else the host default, else open-ended', () => {
    expect(termDaysOf(45, policy({ defaultTermDays: 90 }))).toBe(45);
    expect(termDaysOf(undefined, policy({ defaultTermDays: 90 }))).toBe(90);
    expect(termDaysOf(undefined, policy())).toBeNull();
    expect(decideRequest(request({ hostPolicy: policy({ defaultTermDays: 90 }) })).termDays).toBe(90);
    expect(decideRequest(request()).termDays).toBeUndefined();
  });
});

describe('the round and the job', () => {
  const opensAt = 30 * DAY_MS - ROUND_OPENS_BEFORE_MS;

  it('opens 14 days before endsAt, reminds every 3 days on its grid, lapses at endsAt', () => {
    const p = active(30);
    expect(nextDueAt(p)).toBe(at(opensAt).toISOString());
    expect(planTerm(p, at(opensAt - 1)).open).toBe(false);
    expect(planTerm(p, at(opensAt))).toMatchObject({ open: true, lapse: false });
    const opened = decideOpenRound(p, at(opensAt + 3_600_000));
    expect(opened.record.recertification).toMatchObject({
      opensAt: at(opensAt).toISOString(),
      dueAt: at(30 * DAY_MS).toISOString(),
      nextReminderAt: at(opensAt + 3 * DAY_MS).toISOString(),
    });
    expect(opened).toMatchObject({ stage: 'round', outcome: 'opened' });
    expect(opened.record.taskToken).toBeUndefined();
    const r = opened.record;
    expect(planTerm(r, at(opensAt + 3 * DAY_MS - 1)).remind).toBe(false);
    expect(planTerm(r, at(opensAt + 3 * DAY_MS)).remind).toBe(true);
    const reminded = decideRoundReminder(r, at(opensAt + 3 * DAY_MS + 5000));
    expect(reminded.sides).toEqual(['host', 'guest']);
    expect(reminded.record.recertification?.nextReminderAt).toBe(at(opensAt + 6 * DAY_MS).toISOString());
    expect(planTerm(reminded.record, at(opensAt + 3 * DAY_MS + 10_000)).remind).toBe(false);
    expect(planTerm(reminded.record, at(30 * DAY_MS))).toMatchObject({ lapse: true, remind: false });
  });

  it('one confirmation per side; both renew at once; a repeat changes nothing; outside the round is 409', () => {
    const p = decideOpenRound(active(30), at(opensAt)).record;
    const host = decideRecertify(p, 'host', 'h', at(opensAt + 1000));
    expect(host).toMatchObject({ renewed: false, unchanged: false });
    expect(decideRecertify(host.record, 'host', 'h2', at(opensAt + 2000)).unchanged).toBe(true);
    const both = decideRecertify(host.record, 'guest', 'g', at(opensAt + 3000));
    expect(both.renewed).toBe(true);
    expect(both.record.term).toEqual(termStarting(at(30 * DAY_MS), 30));
    expect(both.record.recertification).toBeUndefined();
    expect(codeOf(() => decideRecertify(both.record, 'guest', 'g', at(opensAt + 4000)))).toBe('conflict:invalid_state');
    // endsAt passed: the round is over even before the job lapses it.
    expect(codeOf(() => decideRecertify(host.record, 'guest', 'g', at(30 * DAY_MS)))).toBe('conflict:invalid_state');
  });

  it('the lapse ends the partnership from either term stage', () => {
    const p = decideOpenRound(active(30), at(opensAt)).record;
    expect(codeOf(() => decideLapse(p, at(30 * DAY_MS - 1)))).toBe('conflict:invalid_state');
    const lapse = decideLapse({ ...p, taskToken: 't', taskStage: 'recertification' }, at(30 * DAY_MS));
    expect(lapse).toMatchObject({
      to: 'ended',
      stage: 'recertification',
      outcome: 'lapsed',
      notification: { template: 'partnership.ended' },
    });
    expect(nextDueAt(lapse.record)).toBeUndefined();
  });

  it('continues an execution 330 days after it started, only while a term task waits', () => {
    const p = active(365);
    const started = Date.parse(p.executionStartedAt ?? '');
    expect(planTerm(p, new Date(started + CONTINUE_EXECUTION_AFTER_MS - 1)).continue).toBe(false);
    expect(planTerm(p, new Date(started + CONTINUE_EXECUTION_AFTER_MS)).continue).toBe(true);
    expect(planTerm({ ...p, taskToken: undefined }, new Date(started + CONTINUE_EXECUTION_AFTER_MS)).continue).toBe(false);
    const next = decideContinuation(p, new Date(started + CONTINUE_EXECUTION_AFTER_MS));
    expect(next).toMatchObject({ executionName: 'p1-c1', executionRestarts: 1, taskToken: undefined });
    expect(next.resume).toMatchObject({ token: 'round-token', stage: 'round', outcome: 'continued' });
    // The new execution's token is expected within the reconciliation delay.
    expect(planDue({ ...next, resume: undefined }, new Date(started + CONTINUE_EXECUTION_AFTER_MS + RECONCILE_AFTER_MS)).restart).toBe(
      true,
    );
  });

  it('derives the term outcomes for a task registering late', () => {
    const p = active(30);
    const opened = decideOpenRound(p, at(opensAt)).record;
    expect(deriveOutcome('guest_acceptance', 'active', p)).toBe('accepted_with_term');
    expect(deriveOutcome('round', 'active', opened)).toBe('opened');
    expect(deriveOutcome('round', 'active', p)).toBeUndefined();
    expect(deriveOutcome('recertification', 'active', p)).toBe('renewed');
    expect(deriveOutcome('recertification', 'active', opened)).toBeUndefined();
    expect(deriveOutcome('recertification', 'ended', opened)).toBe('lapsed');
    expect(deriveOutcome('round', 'removed', p)).toBe('removed');
  });

  it('recertify: host Owner/Admins and Partnership Owners, guest Owner/Admins; others 403/404; outside a round 409', () => {
    const p = active(30);
    const opened = decideOpenRound(p, at(opensAt)).record;
    const status = (record: PartnershipRecord, viewer: Parameters<typeof authorizePartnership>[1], shares = false) => {
      try {
        authorizePartnership(record, viewer, 'recertify', { sharesWithViewer: shares });
        return 200;
      } catch (error) {
        return codeOf(() => {
          throw error;
        });
      }
    };
    expect(status(opened, { userId: 'u1', workspaceId: 'host', role: 'member' })).toBe(200);
    expect(status(opened, { userId: 'x', workspaceId: 'host', role: 'admin' })).toBe(200);
    expect(status(opened, { userId: 'g', workspaceId: 'guest', role: 'owner' })).toBe(200);
    expect(status(opened, { userId: 'm', workspaceId: 'host', role: 'member' })).toBe('not_found:not_found');
    expect(status(opened, { userId: 'gm', workspaceId: 'guest', role: 'member' }, true)).toBe('forbidden:forbidden');
    expect(status(opened, { userId: 'o', workspaceId: 'other', role: 'owner' })).toBe('not_found:not_found');
    expect(status(p, { userId: 'x', workspaceId: 'host', role: 'admin' })).toBe('conflict:invalid_state');
  });

  it('each side sees who confirmed on its own side, and when the other side did', () => {
    const entry = { action: 'partnership.recertified', actorId: 'h1', data: { side: 'host' } };
    expect(activityForSide(entry, 'host').actorId).toBe('h1');
    expect(activityForSide(entry, 'guest').actorId).toBe('side:host');
    expect(activityForSide({ ...entry, action: 'partnership.approved' }, 'guest').actorId).toBe('h1');
  });
});

describe('partner policy', () => {
  it('blocks a pair when either side blocks the other; the request says partner_blocked', () => {
    const host = { workspaceId: 'host', policy: policy({ blockedWorkspaceIds: ['guest'] }) };
    const guest = { workspaceId: 'guest', policy: policy() };
    expect(blocksPair(host, guest)).toBe(true);
    expect(blocksPair({ ...host, policy: policy() }, { ...guest, policy: policy({ blockedWorkspaceIds: ['host'] }) })).toBe(true);
    expect(blocksPair({ ...host, policy: policy() }, guest)).toBe(false);
    expect(codeOf(() => decideRequest(request({ guestPolicy: policy({ blockedWorkspaceIds: ['host'] }) })))).toBe(
      'business_rule:partner_blocked',
    );
  });

  it("a member's request toward a trusted guest skips host approval (by policy)", () => {
    const p = decideRequest(
      request({ requester: { userId: 'm', email: 'm@host', isHostAdmin: false }, hostPolicy: policy({ trustedWorkspaceIds: ['guest'] }) }),
    );
    expect(p.status).toBe('awaiting_guest_acceptance');
    expect(p.hostDecision).toMatchObject({ by: 'policy', auto: true });
  });

  it('blocks team invitees by home workspace or e-mail domain', () => {
    const p = policy({ blockedWorkspaceIds: ['evil'], blockedEmailDomains: ['spam.example'] });
    expect(blocksInvitee(p, { email: 'a@Spam.Example', workspaceId: 'ok' })).toBe(true);
    expect(blocksInvitee(p, { email: 'a@fine.example', workspaceId: 'evil' })).toBe(true);
    expect(blocksInvitee(p, { email: 'a@fine.example', workspaceId: 'ok' })).toBe(false);
  });

  it('refuses itself, unknown workspaces and a workspace both trusted and blocked, with one detail each', () => {
    const next = policy({ trustedWorkspaceIds: ['a', 'me', 'b'], blockedWorkspaceIds: ['b', 'ghost'] });
    expect(newlyListedIds(next, policy({ trustedWorkspaceIds: ['a'] }))).toEqual(['me', 'b', 'ghost']);
    let details: unknown;
    try {
      checkPolicy('me', next, (id) => (id === 'ghost' ? false : id === 'a' ? undefined : true));
    } catch (error) {
      details = (error as { details?: unknown }).details;
    }
    expect(details).toEqual([
      { field: 'body.trustedWorkspaceIds.1', issue: 'the workspace itself' },
      { field: 'body.trustedWorkspaceIds.2', issue: 'also in blockedWorkspaceIds' },
      { field: 'body.blockedWorkspaceIds.1', issue: 'not a workspace' },
    ]);
  });
});

describe('owner succession', () => {
  const successor = { userId: 'ws-owner', email: 'Owner@host' };

  it('the leaving owner goes; the workspace Owner succeeds only when none remains', () => {
    const p = decideRequest(request({ requester: { userId: 'u1', email: 'u1@host', isHostAdmin: false } }));
    const alone = decideOwnerDeparture(p, { userId: 'u1', departedAt: t0.toISOString() }, successor, at(1000));
    expect(alone?.record.owners.map((o) => o.userId)).toEqual(['ws-owner']);
    expect(alone?.successor).toMatchObject({ userId: 'ws-owner', email: 'owner@host', addedBy: 'succession' });
    const coOwned = { ...p, owners: [...p.owners, { userId: 'u2', email: 'u2@host', addedAt: t0.toISOString(), addedBy: 'u1' }] };
    const withCoOwner = decideOwnerDeparture(coOwned, { userId: 'u1', departedAt: t0.toISOString() }, successor, at(1000));
    expect(withCoOwner?.record.owners.map((o) => o.userId)).toEqual(['u2']);
    expect(withCoOwner?.successor).toBeUndefined();
    // Not an owner, or made an owner again after they left: nothing to do.
    expect(decideOwnerDeparture(p, { userId: 'u9', departedAt: t0.toISOString() }, successor, at(1000))).toBeUndefined();
    expect(decideOwnerDeparture(p, { userId: 'u1', departedAt: at(-1).toISOString() }, successor, at(1000))).toBeUndefined();
  });
});
