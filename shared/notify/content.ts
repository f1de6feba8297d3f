/**
 * What an e-mail says, independent of its format: a heading, paragraphs (plain text with emphasised
 * names), the key facts, one action (a path in the client application) and why the recipient got it.
 * shared/notify/email.tsx renders it twice, as plain text and as HTML (escaped by the JSX renderer).
 *
 * Templates read their data through `NotificationData`: the data is stored JSON (whatever a call site
 * recorded), so every read is checked and has a fallback, and nothing but a string, a number or a
 * formatted date ever reaches the reader.
 */

export const PRODUCT_NAME = 'Partnerships';

/** A run of text shown with emphasis (a name, a date). */
export interface Strong {
  strong: string;
}
export type Inline = string | Strong;
/** One paragraph: text and emphasised runs, in order. */
export type Paragraph = readonly Inline[];

export const strong = (text: string): Strong => ({ strong: text });

/** `p\`${strong(name)} asked ...\``: a paragraph from a template literal (plain strings and emphasised runs). */
export function p(strings: TemplateStringsArray, ...values: ReadonlyArray<string | number | Strong>): Paragraph {
  const out: Inline[] = [];
  strings.forEach((text, i) => {
    if (text) out.push(text);
    const value = values[i];
    if (value === undefined) return;
    out.push(typeof value === 'number' ? String(value) : value);
  });
  return out;
}

/** A path in the client application, e.g. `['partnerships', id]`; every segment is URL-encoded. */
export type AppPath = readonly string[];

export interface EmailContent {
  /** The first line: what happened, in a few words. */
  heading: string;
  /** Hidden preview text shown by mail clients next to the subject. */
  preview: string;
  paragraphs: readonly Paragraph[];
  /** Key facts, e.g. [['Team', 'Design'], ['Decide by', '30 December 2031, 14:00 UTC']]. */
  facts?: ReadonlyArray<readonly [string, string]>;
  action: { label: string; path: AppPath };
  /** Footer: why this person got this e-mail. */
  why: string;
}

/** The recipient and the time the notification was recorded (for "since" and computed deadlines). */
export interface RecipientContext {
  to: string;
  at: string;
}

const DATE = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC', hourCycle: 'h23' });

/** "30 December 2031, 14:00 UTC" (undefined when `iso` is not a time). */
export function formatDate(iso: string | undefined): string | undefined {
  if (iso === undefined) return undefined;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return undefined;
  return `${DATE.format(new Date(ms)).replace(' at ', ', ')} UTC`;
}

/** Checked reads of a notification's stored data. */
export class NotificationData {
  constructor(private readonly data: Readonly<Record<string, unknown>>) {}

  /** A non-blank string (numbers too), or undefined. */
  optional(key: string): string | undefined {
    const value = this.data[key];
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    if (typeof value !== 'string') return undefined;
    const trimmed = value.trim();
    return trimmed === '' ? undefined : trimmed;
  }

  /** The string at `key`, or `fallback` when it is missing or blank. */
  text(key: string, fallback: string): string {
    return this.optional(key) ?? fallback;
  }

  /** A formatted time ("30 December 2031, 14:00 UTC"), or undefined. */
  date(key: string): string | undefined {
    return formatDate(this.optional(key));
  }

  flag(key: string): boolean {
    return this.data[key] === true;
  }

  number(key: string): number | undefined {
    const value = this.data[key];
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  }

  /** The objects of a list (anything else in it is skipped), each readable the same way. */
  list(key: string): NotificationData[] {
    const value = this.data[key];
    if (!Array.isArray(value)) return [];
    return value
      .filter((entry): entry is Record<string, unknown> => typeof entry === 'object' && entry !== null && !Array.isArray(entry))
      .map((entry) => new NotificationData(entry));
  }
}

// ---- labels ---------------------------------------------------------------------------------------------

const PERMISSIONS: Record<string, string> = {
  view: 'view',
  edit: 'edit',
  edit_and_invite: 'edit and invite',
};
const PERMISSION_MEANS: Record<string, string> = {
  view: 'you can read the team and its work items',
  edit: 'you can read, create and edit the team’s work items and be assigned to them',
  edit_and_invite: 'you can read, create and edit the team’s work items, be assigned to them and invite other partners',
};
const ROLES: Record<string, string> = { owner: 'Owner', admin: 'Admin', billing_admin: 'Billing Admin', member: 'Member' };
const SHARE_ROLES: Record<string, string> = { collaborator: 'Collaborator', manager: 'Manager' };
const SHARE_ROLE_MEANS: Record<string, string> = {
  collaborator: 'you can log in to the account',
  manager: 'you can log in to the account and ask for access for colleagues of your workspace',
};

const label = (labels: Record<string, string>, value: string | undefined, fallback: string) =>
  value !== undefined && Object.hasOwn(labels, value) ? (labels[value] ?? fallback) : fallback;

export const permissionLabel = (value: string | undefined) => label(PERMISSIONS, value, 'a partner permission');
export const permissionMeans = (value: string | undefined) => label(PERMISSION_MEANS, value, 'your access follows that permission');
export const roleLabel = (value: string | undefined) => label(ROLES, value, 'Member');
export const shareRoleLabel = (value: string | undefined) => label(SHARE_ROLES, value, 'Collaborator');
export const shareRoleMeans = (value: string | undefined) => label(SHARE_ROLE_MEANS, value, 'you can log in to the account');

// ---- pieces most templates use ------------------------------------------------------------------------

export const team = (d: NotificationData) => d.text('teamName', 'your team');
/** The two workspaces of a partnership. */
export const pair = (d: NotificationData) => ({
  host: d.text('hostName', 'the host workspace'),
  guest: d.text('guestName', 'the guest workspace'),
});
export const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);

/** Case-insensitive e-mail comparison. */
export const sameEmail = (a: string | undefined, b: string | undefined) =>
  a !== undefined && b !== undefined && a.trim().toLowerCase() === b.trim().toLowerCase();
