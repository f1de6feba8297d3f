/**
 * Host-guest partnerships (SPEC §5): statuses, the decisions that move them, the schedule of the
 * reminders/expiry, and the outcome the workflow reads. Plain rules, no AWS.
 *
 *   awaiting_host_approval --approve--> awaiting_guest_acceptance --accept--> active
 *          |  decline -> declined_by_host (terminal)   |  decline -> declined_by_guest --resend--> awaiting_guest_acceptance
 *   any stage: cancel -> cancelled, DELETE -> removed, 30 days undecided -> expired (all terminal)
 *   active: DELETE -> removed; with a term (SPEC §10, partnership-term.ts): renewed by both sides'
 *   recertification, or `ended` when the term lapses (terminal)
 */
import { businessRule, conflict } from '../errors';
import type { Stage, WaitStage } from '../workflow/tasks';
import { blocksPair, partnerBlocked, policyOrDefault, termDaysOf, trusts, type PartnershipPolicy } from './partnership-policy';
import {
  continueAt,
  planTerm,
  termDueCandidates,
  termStageOf,
  termStarting,
  type Recertification,
  type Term,
  type TermPlan,
} from './partnership-term';

export type { Stage, WaitStage };

export const PARTNERSHIP_STATUSES = [
  'awaiting_host_approval',
  'awaiting_guest_acceptance',
  'declined_by_host',
  'declined_by_guest',
  'active',
  'cancelled',
  'expired',
  'removed',
  'ended',
] as const;
export type PartnershipStatus = (typeof PARTNERSHIP_STATUSES)[number];

const TERMINAL: ReadonlySet<PartnershipStatus> = new Set(['declined_by_host', 'cancelled', 'expired', 'removed', 'ended']);
/** Terminal: nothing moves it any more; the host-guest pair is free again. */
export const isTerminal = (status: PartnershipStatus) => TERMINAL.has(status);

/** The status each wait stage of the workflow waits on. */
export const STAGE_STATUS: Record<Stage, PartnershipStatus> = {
  host_approval: 'awaiting_host_approval',
  guest_acceptance: 'awaiting_guest_acceptance',
  resend: 'declined_by_guest',
};

/** The stage a status waits in, if any (the status is then "waiting": a wait task may hold a token). */
export function stageOf(status: PartnershipStatus): Stage | undefined {
  if (status === 'awaiting_host_approval') return 'host_approval';
  if (status === 'awaiting_guest_acceptance') return 'guest_acceptance';
  if (status === 'declined_by_guest') return 'resend';
  return undefined;
}

/** The stage the workflow waits in: an approval stage, or a term stage of an active partnership with a term. */
export function waitingStageOf(p: Pick<PartnershipRecord, 'status' | 'term' | 'recertification'>): WaitStage | undefined {
  return stageOf(p.status) ?? termStageOf(p);
}

/** Stages where somebody else must decide: they get reminders and manual reminders. */
export const awaitsDecision = (status: PartnershipStatus) => status === 'awaiting_host_approval' || status === 'awaiting_guest_acceptance';

// ---- timing -------------------------------------------------------------------------------------

export const MINUTE_MS = 60_000;
export const DAY_MS = 24 * 60 * MINUTE_MS;
/** First automatic reminder after 3 days in a stage, then every 3 days. */
export const REMINDER_INTERVAL_MS = 3 * DAY_MS;
/** A stage undecided for 30 days expires. */
export const EXPIRY_MS = 30 * DAY_MS;
/** Manual reminders (POST /partnerships/{id}/reminders): at most one per 24 h per partnership. */
export const MANUAL_REMINDER_INTERVAL_MS = DAY_MS;
/** A waiting stage without a registered task token for this long gets its execution restarted. */
export const RECONCILE_AFTER_MS = 10 * MINUTE_MS;
/** A resume (SendTaskSuccess after a decision) that did not complete is retried by the job after this. */
export const RESUME_RETRY_MS = MINUTE_MS;
/** Upper bound of Partnership Owners (each has a list entry updated with every status change). */
export const MAX_OWNERS = 20;

// ---- the record -----------------------------------------------------------------------------------

export interface PartnershipOwner {
  userId: string;
  email: string;
  addedAt: string;
  addedBy: string;
}

export interface DecisionRecord {
  /** A user id; `policy` for a host approval skipped by the host's trusted list; `system` for the job. */
  by: string;
  at: string;
  reason?: string;
  /** Host approval given automatically (requester is a host Owner/Admin). */
  auto?: boolean;
}

/** A SendTaskSuccess/Failure owed to the workflow for a decision already recorded. */
export interface PendingResume {
  token: string;
  stage: WaitStage;
  /**
   * The outcome sent with SendTaskSuccess; `expired`, `lapsed` and `continued` are sent as
   * SendTaskFailure('Expired' | 'Lapsed' | 'ContinuedAsNew').
   */
  outcome: string;
  attempts: number;
  /** When the job should (re)try it. */
  retryAt: string;
}

export interface PartnershipRecord {
  partnershipId: string;
  hostWorkspaceId: string;
  hostName: string;
  guestWorkspaceId: string;
  guestName: string;
  partnerEmail: string;
  reason: string | null;
  requesterId: string;
  requesterEmail: string;
  owners: PartnershipOwner[];
  status: PartnershipStatus;
  /** Guest Owner/Admins may see it: it reached awaiting_guest_acceptance once. */
  guestVisible: boolean;
  hostDecision?: DecisionRecord;
  guestDecision?: DecisionRecord;
  /** cancel, remove or expiry. */
  closed?: DecisionRecord;
  resendCount: number;
  /** The term asked for (request or host policy), 30..365 days; absent: open-ended. */
  termDays?: number;
  /** The current term (from activation on, for a partnership with `termDays`). */
  term?: Term;
  /** The open recertification round (absent between rounds). */
  recertification?: Recertification;
  // The current waiting stage (absent when not waiting).
  stageEnteredAt?: string;
  expiresAt?: string;
  nextReminderAt?: string;
  remindersSent: number;
  /** Last manual reminder (rate limit). */
  lastReminderAt?: string;
  // The workflow.
  taskToken?: string;
  taskStage?: WaitStage;
  tokenRegisteredAt?: string;
  /** Since when a task token is expected for the current stage (stage entered, execution (re)started). */
  tokenExpectedSince?: string;
  resume?: PendingResume;
  executionName: string;
  executionRestarts: number;
  /** When the current execution was started (restarts and continuations reset it); absent: at creation. */
  executionStartedAt?: string;
  /** Bumped by every write that changes status, owners or the task token (optimistic concurrency). */
  version: number;
  createdAt: string;
  updatedAt: string;
}

export const RECORD_FIELDS = [
  'partnershipId',
  'hostWorkspaceId',
  'hostName',
  'guestWorkspaceId',
  'guestName',
  'partnerEmail',
  'reason',
  'requesterId',
  'requesterEmail',
  'owners',
  'status',
  'guestVisible',
  'hostDecision',
  'guestDecision',
  'closed',
  'resendCount',
  'termDays',
  'term',
  'recertification',
  'stageEnteredAt',
  'expiresAt',
  'nextReminderAt',
  'remindersSent',
  'lastReminderAt',
  'taskToken',
  'taskStage',
  'tokenRegisteredAt',
  'tokenExpectedSince',
  'resume',
  'executionName',
  'executionRestarts',
  'executionStartedAt',
  'version',
  'createdAt',
  'updatedAt',
] as const satisfies ReadonlyArray<keyof PartnershipRecord>;

/** Fields of a newly entered status: the stage clock for waiting statuses, nothing otherwise. */
export function stageFields(
  status: PartnershipStatus,
  now: Date,
): Pick<PartnershipRecord, 'stageEnteredAt' | 'expiresAt' | 'nextReminderAt' | 'remindersSent' | 'tokenExpectedSince'> {
  const stage = stageOf(status);
  if (!stage) {
    return { stageEnteredAt: undefined, expiresAt: undefined, nextReminderAt: undefined, remindersSent: 0, tokenExpectedSince: undefined };
  }
  const at = now.getTime();
  return {
    stageEnteredAt: now.toISOString(),
    expiresAt: new Date(at + EXPIRY_MS).toISOString(),
    nextReminderAt: awaitsDecision(status) ? new Date(at + REMINDER_INTERVAL_MS).toISOString() : undefined,
    remindersSent: 0,
    tokenExpectedSince: now.toISOString(),
  };
}

// ---- creation -------------------------------------------------------------------------------------

export interface RequestInput {
  partnershipId: string;
  host: { workspaceId: string; name: string };
  guestWorkspaceId: string;
  /** The guest workspace, if it exists. */
  guest: { workspaceId: string; name: string } | undefined;
  partnerEmail: string;
  /** Owner/Admin e-mails of the guest workspace (lowercased). */
  guestAdminEmails: string[];
  reason: string | undefined;
  requester: { userId: string; email: string; isHostAdmin: boolean };
  /** The term asked for (30..365 days), if any. */
  termDays?: number;
  /** The partner policies of the host and the guest (default: none). */
  hostPolicy?: PartnershipPolicy;
  guestPolicy?: PartnershipPolicy;
  now: Date;
}

/**
 * POST /workspaces/{hostId}/partnerships (the caller is known to be a host member). Returns the new
 * record: awaiting host approval, or awaiting guest acceptance at once for a host Owner/Admin.
 */
export function decideRequest(input: RequestInput): PartnershipRecord {
  const { host, guest, requester, now } = input;
  if (input.guestWorkspaceId === host.workspaceId) {
    throw businessRule('same_workspace', 'The guest workspace must be another workspace than the host.');
  }
  if (!requester.isHostAdmin && !input.reason) {
    throw businessRule('reason_required', 'Give a reason (1 to 500 characters): a host Owner or Admin will review the request.', [
      { field: 'body.reason', issue: 'required unless you are a host Owner or Admin' },
    ]);
  }
  if (!guest)
    throw businessRule('guest_not_found', 'No workspace has this guestWorkspaceId.', [
      { field: 'body.guestWorkspaceId', issue: 'unknown workspace' },
    ]);
  const hostPolicy = policyOrDefault(input.hostPolicy);
  if (
    blocksPair(
      { workspaceId: host.workspaceId, policy: hostPolicy },
      { workspaceId: guest.workspaceId, policy: policyOrDefault(input.guestPolicy) },
    )
  ) {
    throw partnerBlocked();
  }
  const partnerEmail = input.partnerEmail.trim().toLowerCase();
  if (!input.guestAdminEmails.map((e) => e.toLowerCase()).includes(partnerEmail)) {
    throw businessRule('partner_not_guest_admin', 'partnerEmail must be an Owner or Admin of the guest workspace.', [
      { field: 'body.partnerEmail', issue: 'not an Owner or Admin of the guest workspace' },
    ]);
  }
  const at = now.toISOString();
  // A member's request toward a workspace the host trusts skips host approval (guest acceptance never).
  const trusted = !requester.isHostAdmin && trusts(hostPolicy, guest.workspaceId);
  const status: PartnershipStatus = requester.isHostAdmin || trusted ? 'awaiting_guest_acceptance' : 'awaiting_host_approval';
  const termDays = termDaysOf(input.termDays, hostPolicy);
  return {
    partnershipId: input.partnershipId,
    hostWorkspaceId: host.workspaceId,
    hostName: host.name,
    guestWorkspaceId: guest.workspaceId,
    guestName: guest.name,
    partnerEmail,
    reason: input.reason ?? null,
    requesterId: requester.userId,
    requesterEmail: requester.email.toLowerCase(),
    owners: [{ userId: requester.userId, email: requester.email.toLowerCase(), addedAt: at, addedBy: requester.userId }],
    status,
    guestVisible: status === 'awaiting_guest_acceptance',
    hostDecision: requester.isHostAdmin
      ? { by: requester.userId, at, auto: true }
      : trusted
        ? { by: HOST_APPROVAL_BY_POLICY, at, auto: true }
        : undefined,
    resendCount: 0,
    ...(termDays !== null ? { termDays } : {}),
    ...stageFields(status, now),
    executionName: input.partnershipId,
    executionRestarts: 0,
    executionStartedAt: at,
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
}

/** `hostDecision.by` of a request whose host approval the host's trusted list skipped. */
export const HOST_APPROVAL_BY_POLICY = 'policy';

// ---- decisions ------------------------------------------------------------------------------------

export type DecisionAction = 'approve' | 'decline' | 'accept' | 'resend' | 'cancel' | 'remove';

const TRANSITIONS: Record<DecisionAction, Partial<Record<PartnershipStatus, PartnershipStatus>>> = {
  approve: { awaiting_host_approval: 'awaiting_guest_acceptance' },
  decline: { awaiting_host_approval: 'declined_by_host', awaiting_guest_acceptance: 'declined_by_guest' },
  accept: { awaiting_guest_acceptance: 'active' },
  resend: { declined_by_guest: 'awaiting_guest_acceptance' },
  cancel: { awaiting_host_approval: 'cancelled', awaiting_guest_acceptance: 'cancelled', declined_by_guest: 'cancelled' },
  remove: {
    awaiting_host_approval: 'removed',
    awaiting_guest_acceptance: 'removed',
    declined_by_guest: 'removed',
    active: 'removed',
  },
};

/** The outcome of an acceptance that starts a term: GuestDecision goes on to the term life (AwaitRound). */
export const ACCEPTED_WITH_TERM = 'accepted_with_term';

const OUTCOME: Record<DecisionAction, string> = {
  approve: 'approved',
  decline: 'declined',
  accept: 'accepted',
  resend: 'resent',
  cancel: 'cancelled',
  remove: 'removed',
};

/** The statuses from which an action is possible. */
export const statusesFor = (action: DecisionAction) => Object.keys(TRANSITIONS[action]) as PartnershipStatus[];

export const invalidState = (status: PartnershipStatus, action: string) =>
  conflict('invalid_state', `The partnership is ${status}: "${action}" is not possible now.`, { status, action });

/** The status an action leads to from `status`, or 409 invalid_state. */
export function nextStatus(action: DecisionAction, status: PartnershipStatus): PartnershipStatus {
  const to = TRANSITIONS[action][status];
  if (!to) throw invalidState(status, action);
  return to;
}

/** Who is told about a change (resolved to e-mails by the service; the actor is never told of their own act). */
export type Recipients = 'owners' | 'hostAdmins' | 'guestAdmins' | 'partner' | 'requester';

export interface Transition {
  action: DecisionAction | 'expire' | 'open_round' | 'lapse';
  from: PartnershipStatus;
  to: PartnershipStatus;
  /** The stage the workflow waits in before the change (a resume is owed to it if it holds a token). */
  stage: WaitStage | undefined;
  /** What SendTaskSuccess tells the workflow (`$.decision.outcome`). */
  outcome: string;
  record: PartnershipRecord;
  activity: string;
  notification?: { template: string; to: Recipients[] };
}

export interface DecisionInput {
  actorId: string;
  reason?: string;
  acceptTerms?: boolean;
  now: Date;
}

/**
 * Who decides in a stage: the reminders and the request/cancel notifications go to them. Stage 3 is
 * decided by any guest Owner/Admin; `partnerEmail` (one of them when asked) is told too, should they
 * have left the role since.
 */
export function decidersOf(status: PartnershipStatus): Recipients[] {
  if (status === 'awaiting_host_approval') return ['hostAdmins'];
  if (status === 'awaiting_guest_acceptance') return ['partner', 'guestAdmins'];
  return [];
}

/**
 * Applies a decision (authorization is checked before, in partnership-access.ts): the next record,
 * the outcome for the workflow, and the activity and notification it causes.
 */
export function decide(p: PartnershipRecord, action: DecisionAction, input: DecisionInput): Transition {
  const to = nextStatus(action, p.status);
  if (action === 'accept' && input.acceptTerms !== true) {
    throw businessRule('terms_not_accepted', 'Accept the partnership terms: send {"acceptTerms": true}.', [
      { field: 'body.acceptTerms', issue: 'must be true' },
    ]);
  }
  const at = input.now.toISOString();
  const decision: DecisionRecord = { by: input.actorId, at, ...(input.reason ? { reason: input.reason } : {}) };
  const record: PartnershipRecord = {
    ...p,
    status: to,
    ...stageFields(to, input.now),
    guestVisible: p.guestVisible || to === 'awaiting_guest_acceptance',
    // The stage's token is used up by this decision (it becomes a pending resume).
    taskToken: undefined,
    taskStage: undefined,
    tokenRegisteredAt: undefined,
    version: p.version + 1,
    updatedAt: at,
  };
  let notification: Transition['notification'];
  switch (action) {
    case 'approve':
      record.hostDecision = decision;
      notification = { template: 'partnership.invitation', to: ['partner'] };
      break;
    case 'decline':
      if (p.status === 'awaiting_host_approval') {
        record.hostDecision = decision;
        notification = { template: 'partnership.declined_by_host', to: ['owners'] };
      } else {
        record.guestDecision = decision;
        notification = { template: 'partnership.declined_by_guest', to: ['owners'] };
      }
      break;
    case 'accept':
      record.guestDecision = decision;
      notification = { template: 'partnership.accepted', to: ['owners', 'hostAdmins'] };
      // The first term starts at activation; the workflow then waits for its round (term stage `round`).
      if (p.termDays !== undefined) {
        record.term = termStarting(input.now, p.termDays);
        record.tokenExpectedSince = at;
      }
      break;
    case 'resend':
      record.resendCount = p.resendCount + 1;
      notification = { template: 'partnership.invitation', to: ['partner'] };
      break;
    case 'cancel':
      record.closed = decision;
      notification = { template: 'partnership.cancelled', to: ['owners', ...decidersOf(p.status)] };
      break;
    case 'remove':
      record.closed = decision;
      notification = { template: 'partnership.removed', to: p.guestVisible ? ['owners', 'partner'] : ['owners'] };
      break;
  }
  const activity =
    action === 'decline'
      ? `partnership.${to}`
      : `partnership.${{ approve: 'approved', accept: 'accepted', resend: 'resent', cancel: 'cancelled', remove: 'removed' }[action]}`;
  const outcome = action === 'accept' && record.term ? ACCEPTED_WITH_TERM : OUTCOME[action];
  return { action, from: p.status, to, stage: waitingStageOf(p), outcome, record, activity, notification };
}

/** The resume a decision owes the workflow: only when the decided stage holds a registered task token. */
export function owedResume(prev: PartnershipRecord, stage: WaitStage | undefined, outcome: string, now: Date): PendingResume | undefined {
  if (!stage || !prev.taskToken || prev.taskStage !== stage) return undefined;
  return { token: prev.taskToken, stage, outcome, attempts: 0, retryAt: new Date(now.getTime() + RESUME_RETRY_MS).toISOString() };
}

/**
 * POST /partnerships/{id}/owners (the actor is an owner, authorized before): the target must be a
 * member of the host workspace, not an owner yet, and the owners at most MAX_OWNERS.
 */
export function decideAddOwner(
  p: PartnershipRecord,
  target: { userId: string; email: string; workspaceId?: string } | undefined,
  input: { actorId: string; now: Date },
): PartnershipRecord {
  if (!target || target.workspaceId !== p.hostWorkspaceId) {
    throw businessRule('not_host_member', 'A co-owner must be a member of the host workspace.', [
      { field: 'body.userId', issue: 'not a member of the host workspace' },
    ]);
  }
  if (p.owners.some((o) => o.userId === target.userId)) throw conflict('already_owner', 'This user is already a Partnership Owner.');
  if (p.owners.length >= MAX_OWNERS) throw businessRule('too_many_owners', `A partnership has at most ${MAX_OWNERS} owners.`);
  const at = input.now.toISOString();
  return {
    ...p,
    owners: [...p.owners, { userId: target.userId, email: target.email.toLowerCase(), addedAt: at, addedBy: input.actorId }],
    version: p.version + 1,
    updatedAt: at,
  };
}

/**
 * Owner succession (SPEC §10): a Partnership Owner who left the host workspace at `departedAt` stops
 * being an owner; when none remains, `successor` (the host workspace's Owner) becomes one. Undefined
 * when they were not an owner then (an owner added after a later return stays). `updatedAt` and the
 * status do not change: the list summaries stay as they are.
 */
export function decideOwnerDeparture(
  p: PartnershipRecord,
  departed: { userId: string; departedAt: string },
  successor: { userId: string; email: string } | undefined,
  now: Date,
): { record: PartnershipRecord; successor: PartnershipOwner | undefined } | undefined {
  const leaving = p.owners.find((o) => o.userId === departed.userId && o.addedAt <= departed.departedAt);
  if (!leaving) return undefined;
  const owners = p.owners.filter((o) => o !== leaving);
  let added: PartnershipOwner | undefined;
  if (owners.length === 0 && successor && successor.userId !== departed.userId) {
    added = { userId: successor.userId, email: successor.email.toLowerCase(), addedAt: now.toISOString(), addedBy: OWNER_SUCCESSION };
    owners.push(added);
  }
  return { record: { ...p, owners, version: p.version + 1 }, successor: added };
}

/** `addedBy` of an owner who became one by succession. */
export const OWNER_SUCCESSION = 'succession';

/** The job restarts the execution of a stage whose wait task never registered a token (or whose execution was lost). */
export function decideRestart(p: PartnershipRecord, now: Date): PartnershipRecord {
  const restarts = p.executionRestarts + 1;
  return {
    ...p,
    executionRestarts: restarts,
    executionName: executionNameFor(p.partnershipId, restarts),
    executionStartedAt: now.toISOString(),
    tokenExpectedSince: now.toISOString(),
    version: p.version + 1,
  };
}

/**
 * The job continues a term's life in a new execution before Step Functions' one-year limit: the record
 * names the new execution (`<id>-c<n>`), and the old one's token becomes a resume owed as
 * SendTaskFailure('ContinuedAsNew'), which ends it. The new execution registers at the record's stage.
 */
export function decideContinuation(p: PartnershipRecord, now: Date): PartnershipRecord {
  const stage = p.taskStage;
  if (!p.taskToken || !stage) throw invalidState(p.status, 'continue');
  const restarts = p.executionRestarts + 1;
  const at = now.toISOString();
  return {
    ...p,
    executionRestarts: restarts,
    executionName: executionNameFor(p.partnershipId, restarts, 'continuation'),
    executionStartedAt: at,
    taskToken: undefined,
    taskStage: undefined,
    tokenRegisteredAt: undefined,
    tokenExpectedSince: at,
    resume: {
      token: p.taskToken,
      stage,
      outcome: 'continued',
      attempts: 0,
      retryAt: new Date(now.getTime() + RESUME_RETRY_MS).toISOString(),
    },
    version: p.version + 1,
  };
}

/** The job's automatic reminder of a stage's deciders, on the stage's 3-day grid. */
export function decideAutomaticReminder(p: PartnershipRecord, now: Date): PartnershipRecord {
  return {
    ...p,
    remindersSent: p.remindersSent + 1,
    nextReminderAt: nextReminderAfter(p.stageEnteredAt ?? p.updatedAt, now),
    version: p.version + 1,
  };
}

/** The job (or RecordExpiry) expires a waiting stage undecided for 30 days. */
export function decideExpiry(p: PartnershipRecord, now: Date): Transition {
  const stage = stageOf(p.status);
  if (!stage) throw invalidState(p.status, 'expire');
  const at = now.toISOString();
  return {
    action: 'expire',
    from: p.status,
    to: 'expired',
    stage,
    outcome: 'expired',
    record: {
      ...p,
      status: 'expired',
      ...stageFields('expired', now),
      closed: { by: 'system', at, reason: `no decision within 30 days (${p.status})` },
      taskToken: undefined,
      taskStage: undefined,
      tokenRegisteredAt: undefined,
      version: p.version + 1,
      updatedAt: at,
    },
    activity: 'partnership.expired',
    notification: { template: 'partnership.expired', to: ['requester'] },
  };
}

/**
 * The outcome a wait task reports when the decision for its stage was recorded before it could
 * register its token (docs/WORKFLOW.md, "Derivation"). Undefined: the status cannot follow that stage.
 */
export function deriveOutcome(
  stage: WaitStage,
  status: PartnershipStatus,
  record: Pick<PartnershipRecord, 'term' | 'recertification'> = {},
): string | undefined {
  if (status === 'cancelled' || status === 'removed' || status === 'expired') return status;
  // Active or ended: past approval. An execution passing through an approval stage (a restart, a
  // continuation) goes on to where the record is; the term stages take a lapse as the job's 'Lapsed'.
  const pastApproval = status === 'active' || status === 'ended';
  const termed = record.term !== undefined;
  switch (stage) {
    case 'host_approval':
      if (pastApproval || status === 'awaiting_guest_acceptance' || status === 'declined_by_guest') return 'approved';
      if (status === 'declined_by_host') return 'declined';
      return undefined;
    case 'guest_acceptance':
      if (pastApproval) return termed ? ACCEPTED_WITH_TERM : 'accepted';
      if (status === 'declined_by_guest') return 'declined';
      return undefined;
    case 'resend':
      if (pastApproval || status === 'awaiting_guest_acceptance') return 'resent';
      return undefined;
    case 'round':
      if (status === 'ended') return 'lapsed';
      // Registered after the round opened.
      if (status === 'active' && record.recertification) return 'opened';
      return undefined;
    case 'recertification':
      if (status === 'ended') return 'lapsed';
      // The round closed by renewal before the task registered: the term moved on.
      if (status === 'active' && termed && !record.recertification) return 'renewed';
      return undefined;
  }
}

// ---- the scheduled job --------------------------------------------------------------------------------

/**
 * When the job must next look at the partnership (gsi2), or undefined when nothing is due any more
 * (active or terminal, no resume owed). Depends only on the record.
 */
export function nextDueAt(p: PartnershipRecord): string | undefined {
  const candidates: number[] = [];
  if (p.resume) candidates.push(Date.parse(p.resume.retryAt));
  if (stageOf(p.status)) {
    if (p.expiresAt) candidates.push(Date.parse(p.expiresAt));
    if (p.nextReminderAt) candidates.push(Date.parse(p.nextReminderAt));
  }
  if (waitingStageOf(p) && !p.taskToken && p.tokenExpectedSince) candidates.push(Date.parse(p.tokenExpectedSince) + RECONCILE_AFTER_MS);
  // The term life: round opening, round reminders, the lapse, the continuation of an old execution.
  candidates.push(...termDueCandidates(p));
  const valid = candidates.filter((c) => Number.isFinite(c));
  return valid.length ? new Date(Math.min(...valid)).toISOString() : undefined;
}

export interface DuePlan {
  resume: boolean;
  expire: boolean;
  remind: boolean;
  restart: boolean;
  /** The term life (SPEC §10): lapse, round opening, round reminders, continuation. */
  term: TermPlan;
}

/** What the job does with a due partnership at `now`. */
export function planDue(p: PartnershipRecord, now: Date): DuePlan {
  const t = now.getTime();
  const waiting = stageOf(p.status) !== undefined;
  const expire = waiting && p.expiresAt !== undefined && t >= Date.parse(p.expiresAt);
  const term = planTerm(p, now);
  return {
    resume: p.resume !== undefined && t >= Date.parse(p.resume.retryAt),
    expire,
    remind: !expire && awaitsDecision(p.status) && p.nextReminderAt !== undefined && t >= Date.parse(p.nextReminderAt),
    restart:
      !expire &&
      !term.lapse &&
      waitingStageOf(p) !== undefined &&
      !p.taskToken &&
      p.tokenExpectedSince !== undefined &&
      t >= Date.parse(p.tokenExpectedSince) + RECONCILE_AFTER_MS,
    term,
  };
}

/** After a reminder at `now`: the next one, on the stage's 3-day grid (never twice in one interval). */
export function nextReminderAfter(stageEnteredAt: string, now: Date): string {
  const start = Date.parse(stageEnteredAt);
  const intervals = Math.floor((now.getTime() - start) / REMINDER_INTERVAL_MS) + 1;
  return new Date(start + intervals * REMINDER_INTERVAL_MS).toISOString();
}

/** Manual reminder rate limit: seconds to wait, or 0 when one may be sent now. */
export function manualReminderWait(lastReminderAt: string | undefined, now: Date): number {
  if (!lastReminderAt) return 0;
  const wait = Date.parse(lastReminderAt) + MANUAL_REMINDER_INTERVAL_MS - now.getTime();
  return wait > 0 ? Math.ceil(wait / 1000) : 0;
}

/** Backoff of the job's resume retries: 1, 2, 4 ... minutes, at most an hour. */
export function resumeRetryAt(attempts: number, now: Date): string {
  return new Date(now.getTime() + Math.min(60, 2 ** Math.max(0, attempts - 1)) * MINUTE_MS).toISOString();
}

/**
 * The execution name of the n-th execution after the first (0: the original): `-r<n>` after a lost
 * execution, `-c<n>` for a continuation before the one-year limit (one counter: names never repeat).
 */
export const executionNameFor = (partnershipId: string, restarts: number, kind: 'restart' | 'continuation' = 'restart') =>
  restarts === 0 ? partnershipId : `${partnershipId}-${kind === 'restart' ? 'r' : 'c'}${restarts}`;

export { continueAt };
