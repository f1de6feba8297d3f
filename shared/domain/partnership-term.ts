/**
 * Terms and recertification of an active partnership (SPEC §10): the term set at activation, the
 * round that opens 14 days before `endsAt`, each side's confirmation, the renewal when both confirmed,
 * the lapse (`ended`) when `endsAt` passes first, the round's reminders, and when the scheduled job
 * must look at a partnership for any of it. Plain rules, no AWS.
 *
 *   active (term) --opensAt: round opens--> active (round open) --both confirm--> active (next term)
 *                                               |  endsAt passes first -> ended (terminal)
 *
 * The workflow waits in two term stages (shared/workflow/tasks.ts): `round` (until the round opens)
 * and `recertification` (until the round closes: renewed, or lapsed).
 */
import { conflict } from '../errors';
import type { TermStage } from '../workflow/tasks';
import type { PartnershipRecord, PartnershipStatus, Recipients, Transition } from './partnership';

export type { TermStage };

const DAY = 24 * 60 * 60 * 1000;

/** `termDays` on a request and `defaultTermDays` of a policy: 30..365 (whole days). */
export const TERM_MIN_DAYS = 30;
export const TERM_MAX_DAYS = 365;
/** The round opens this long before `endsAt` (the hourly job may open it up to an hour later). */
export const ROUND_OPENS_BEFORE_MS = 14 * DAY;
/** A side that has not confirmed is reminded when the round opens and every 3 days. */
export const ROUND_REMINDER_INTERVAL_MS = 3 * DAY;
/**
 * Step Functions' one-year execution limit: the job ends an execution waiting in a term stage this long
 * after it started, and a new execution continues the life (35 days of margin for a stopped job).
 */
export const CONTINUE_EXECUTION_AFTER_MS = 330 * DAY;

export interface Term {
  startedAt: string;
  /** Exactly `startedAt` + `days` × 24 h. */
  endsAt: string;
  days: number;
}

export interface Confirmation {
  by: string;
  at: string;
}

export type Side = 'host' | 'guest';

export interface Recertification {
  /** `endsAt` − 14 days (when the round was due to open). */
  opensAt: string;
  /** The term's `endsAt`. */
  dueAt: string;
  /** When the job actually opened it. */
  openedAt: string;
  host?: Confirmation;
  guest?: Confirmation;
  /** The next reminder of the sides that have not confirmed (3-day grid from `opensAt`). */
  nextReminderAt?: string;
  remindersSent: number;
}

type TermRecord = Pick<
  PartnershipRecord,
  'status' | 'term' | 'recertification' | 'taskToken' | 'taskStage' | 'executionStartedAt' | 'createdAt'
>;

/** A term of `days` starting at `startedAt`. */
export function termStarting(startedAt: Date | string, days: number): Term {
  const start = typeof startedAt === 'string' ? Date.parse(startedAt) : startedAt.getTime();
  return { startedAt: new Date(start).toISOString(), endsAt: new Date(start + days * DAY).toISOString(), days };
}

/** The term after `term` (renewal): it starts when the old one ends, same length. */
export const nextTerm = (term: Term): Term => termStarting(term.endsAt, term.days);

export const roundOpensAt = (term: Pick<Term, 'endsAt'>): string => new Date(Date.parse(term.endsAt) - ROUND_OPENS_BEFORE_MS).toISOString();

/** An active partnership with a term (the workflow's term life). */
export const hasLiveTerm = (p: Pick<PartnershipRecord, 'status' | 'term'>): boolean => p.status === 'active' && p.term !== undefined;

/** The term stage the workflow waits in, if any: `round` until the round opens, then `recertification`. */
export function termStageOf(p: Pick<PartnershipRecord, 'status' | 'term' | 'recertification'>): TermStage | undefined {
  if (!hasLiveTerm(p)) return undefined;
  return p.recertification ? 'recertification' : 'round';
}

/** A round is open (confirmations accepted) until `dueAt`. */
export function roundIsOpen(p: Pick<PartnershipRecord, 'status' | 'term' | 'recertification'>, now: Date): boolean {
  return hasLiveTerm(p) && p.recertification !== undefined && now.getTime() < Date.parse(p.recertification.dueAt);
}

/** When a reminder after `now` is next due, on the round's 3-day grid from `opensAt` (never twice in one interval). */
export function nextRoundReminderAfter(opensAt: string, now: Date): string {
  const start = Date.parse(opensAt);
  const intervals = Math.max(0, Math.floor((now.getTime() - start) / ROUND_REMINDER_INTERVAL_MS)) + 1;
  return new Date(start + intervals * ROUND_REMINDER_INTERVAL_MS).toISOString();
}

/** The sides that have not confirmed the open round (they are reminded). */
export function unconfirmedSides(r: Pick<Recertification, 'host' | 'guest'>): Side[] {
  const sides: Side[] = [];
  if (!r.host) sides.push('host');
  if (!r.guest) sides.push('guest');
  return sides;
}

/** Who is told for a side: the host side is the Partnership Owners and host Owner/Admins, the guest side the guest Owner/Admins. */
export function recipientsOfSides(sides: readonly Side[]): Recipients[] {
  return sides.flatMap((side): Recipients[] => (side === 'host' ? ['owners', 'hostAdmins'] : ['guestAdmins']));
}

export const BOTH_SIDES: Recipients[] = ['owners', 'hostAdmins', 'guestAdmins'];

// ---- the scheduled job ------------------------------------------------------------------------------

/** When the execution waiting in a term stage must be continued in a new one (one-year limit). */
export function continueAt(p: TermRecord): string | undefined {
  if (!termStageOf(p) || !p.taskToken || (p.taskStage !== 'round' && p.taskStage !== 'recertification')) return undefined;
  return new Date(Date.parse(p.executionStartedAt ?? p.createdAt) + CONTINUE_EXECUTION_AFTER_MS).toISOString();
}

/** The term's due times (round opening, reminders, lapse, continuation): the job's gsi2 key takes the earliest. */
export function termDueCandidates(p: TermRecord): number[] {
  if (!hasLiveTerm(p) || !p.term) return [];
  const candidates = [Date.parse(p.term.endsAt)];
  if (p.recertification) {
    if (p.recertification.nextReminderAt) candidates.push(Date.parse(p.recertification.nextReminderAt));
  } else {
    candidates.push(Date.parse(roundOpensAt(p.term)));
  }
  const continuation = continueAt(p);
  if (continuation) candidates.push(Date.parse(continuation));
  return candidates;
}

export interface TermPlan {
  /** `endsAt` passed without both confirmations: the partnership ends. */
  lapse: boolean;
  /** The round is due to open. */
  open: boolean;
  /** The sides that have not confirmed are due a reminder. */
  remind: boolean;
  /** The execution is old enough to be continued in a new one. */
  continue: boolean;
}

/** What the job does with the term of a due partnership at `now`. */
export function planTerm(p: TermRecord, now: Date): TermPlan {
  const none = { lapse: false, open: false, remind: false, continue: false };
  if (!hasLiveTerm(p) || !p.term) return none;
  const t = now.getTime();
  const lapse = t >= Date.parse(p.term.endsAt);
  const open = !lapse && !p.recertification && t >= Date.parse(roundOpensAt(p.term));
  const remind = !lapse && p.recertification?.nextReminderAt !== undefined && t >= Date.parse(p.recertification.nextReminderAt);
  const continuation = continueAt(p);
  return { lapse, open, remind, continue: !lapse && continuation !== undefined && t >= Date.parse(continuation) };
}

// ---- the changes --------------------------------------------------------------------------------------

const roundClosed = (status: PartnershipStatus) =>
  conflict('invalid_state', 'No recertification round is open for this partnership: "recertify" is not possible now.', {
    status,
    action: 'recertify',
  });

/** The job opens the round (it was due at `opensAt`): both sides are reminded at once. */
export function decideOpenRound(p: PartnershipRecord, now: Date): Transition {
  if (!p.term || !hasLiveTerm(p) || p.recertification) throw roundClosed(p.status);
  const opensAt = roundOpensAt(p.term);
  const recertification: Recertification = {
    opensAt,
    dueAt: p.term.endsAt,
    openedAt: now.toISOString(),
    nextReminderAt: nextRoundReminderAfter(opensAt, now),
    remindersSent: 0,
  };
  return {
    action: 'open_round',
    from: p.status,
    to: p.status,
    stage: 'round',
    outcome: 'opened',
    record: {
      ...p,
      recertification,
      taskToken: undefined,
      taskStage: undefined,
      tokenRegisteredAt: undefined,
      tokenExpectedSince: now.toISOString(),
      version: p.version + 1,
      updatedAt: now.toISOString(),
    },
    activity: 'partnership.recertification_opened',
    notification: { template: 'partnership.recertification_opened', to: recipientsOfSides(['host', 'guest']) },
  };
}

/** The job reminds the sides that have not confirmed, on the round's 3-day grid. */
export function decideRoundReminder(p: PartnershipRecord, now: Date): { record: PartnershipRecord; sides: Side[] } {
  const r = p.recertification;
  if (!r) throw roundClosed(p.status);
  return {
    record: {
      ...p,
      recertification: { ...r, remindersSent: r.remindersSent + 1, nextReminderAt: nextRoundReminderAfter(r.opensAt, now) },
      version: p.version + 1,
    },
    sides: unconfirmedSides(r),
  };
}

export interface RecertifyDecision {
  record: PartnershipRecord;
  /** Nothing changed: the side had confirmed already (a repeated call answers the same). */
  unchanged: boolean;
  /** Both sides have confirmed: the new term started. */
  renewed: boolean;
}

/**
 * POST /partnerships/{id}/recertify by one side (authorized before). 409 invalid_state outside an open
 * round (none open, or `endsAt` passed: the job lapses it). The second side's confirmation renews at once.
 */
export function decideRecertify(p: PartnershipRecord, side: Side, actorId: string, now: Date): RecertifyDecision {
  const r = p.recertification;
  if (!p.term || !r || !roundIsOpen(p, now)) throw roundClosed(p.status);
  if (r[side]) return { record: p, unchanged: true, renewed: false };
  const at = now.toISOString();
  const confirmed: Recertification = { ...r, [side]: { by: actorId, at } };
  const base = { ...p, version: p.version + 1, updatedAt: at };
  if (!confirmed.host || !confirmed.guest) return { record: { ...base, recertification: confirmed }, unchanged: false, renewed: false };
  return {
    record: {
      ...base,
      term: nextTerm(p.term),
      recertification: undefined,
      // The round's token is used up by the renewal (a resume owed to AwaitRecertification).
      taskToken: undefined,
      taskStage: undefined,
      tokenRegisteredAt: undefined,
      tokenExpectedSince: at,
    },
    unchanged: false,
    renewed: true,
  };
}

/** The job (or RecordLapse) ends a partnership whose term passed `endsAt` without both confirmations. */
export function decideLapse(p: PartnershipRecord, now: Date): Transition {
  if (!p.term || !hasLiveTerm(p) || now.getTime() < Date.parse(p.term.endsAt)) throw roundClosed(p.status);
  const at = now.toISOString();
  return {
    action: 'lapse',
    from: p.status,
    to: 'ended',
    stage: termStageOf(p),
    outcome: 'lapsed',
    record: {
      ...p,
      status: 'ended',
      closed: { by: 'system', at, reason: `the term ended on ${p.term.endsAt} without both sides' recertification` },
      taskToken: undefined,
      taskStage: undefined,
      tokenRegisteredAt: undefined,
      tokenExpectedSince: undefined,
      version: p.version + 1,
      updatedAt: at,
    },
    activity: 'partnership.ended',
    notification: { template: 'partnership.ended', to: BOTH_SIDES },
  };
}

// ---- what each side sees ------------------------------------------------------------------------------

/** The actor id shown to the other side for a confirmation (it sees when, not who). */
export const sideActor = (side: Side) => `side:${side}`;

/**
 * An activity entry of the partnership's log as `viewerSide` sees it: a confirmation (or the renewal it
 * completed) of the other side shows when it was made, not who made it.
 */
export function activityForSide<E extends { action: string; actorId: string; data?: Record<string, unknown> }>(
  entry: E,
  viewerSide: Side,
): E {
  if (entry.action !== 'partnership.recertified' && entry.action !== 'partnership.renewed') return entry;
  const side = entry.data?.side;
  if (side !== 'host' && side !== 'guest') return entry;
  return side === viewerSide ? entry : { ...entry, actorId: sideActor(side) };
}
