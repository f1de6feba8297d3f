/**
 * SPEC §7 through the API: the e-mails a partnership's stages cause, rendered from what the use cases
 * recorded, say who asked what and by when, link to the partnership, and show each side only its own:
 * the host's reason for the request reaches the host's deciders, never the guest.
 */
import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../shared/domain/partnership';
import { formatDate } from '../../shared/notify/content';
import { renderEmail } from '../../shared/notify/email';
import type { Actor } from '../support/api';
import { notificationsOf } from '../support/table';
import { hostAndGuest, memberRequest, type HostAndGuest } from '../support/world';
import { useLocalWorkflow } from '../support/workflow';

const workflow = useLocalWorkflow({ retryIntervalMs: 10 });
const APP_URL = 'https://app.example.test';
const REASON = 'We run the project together';

/** The one e-mail of `template` that `who` got, rendered as delivery renders it. */
async function emailOf(who: Actor, template: string) {
  const [notification, ...others] = await notificationsOf(who, template);
  expect(others).toHaveLength(0);
  const email = renderEmail(notification!, { appUrl: APP_URL });
  return { ...email, at: notification!.at, all: `${email.subject}\n${email.text}\n${email.html}` };
}

const deadline = (at: string) => formatDate(new Date(Date.parse(at) + 30 * DAY_MS).toISOString())!;

describe('the e-mails of a partnership', () => {
  let w: HostAndGuest;
  let id: string;

  it('asks the host deciders, with the requester, the reason and the deadline', async () => {
    w = await hostAndGuest();
    id = await memberRequest(w);
    await workflow.waitFor(id, { state: 'AwaitHostApproval' });
    const email = await emailOf(w.host.admin, 'partnership.requested');
    expect(email.text).toContain(`hostmember (${w.host.member.email}) asks for a partnership between host Inc and guest Inc.`);
    expect(email.text).toContain(`Their reason: “${REASON}”`);
    expect(email.text).toContain(`Decide by ${deadline(email.at)}`);
    expect(email.actionUrl).toBe(`${APP_URL}/partnerships/${id}`);
    expect(email.all).not.toMatch(/undefined|null|\[object/);
  });

  it('invites the guest without the host’s reason, with the deadline of the new stage', async () => {
    expect((await w.host.admin.post(`/partnerships/${id}/approve`)).status).toBe(200);
    await workflow.waitFor(id, { state: 'AwaitGuestAcceptance' });
    const email = await emailOf(w.guest.admin, 'partnership.invitation');
    expect(email.text).toContain('host Inc invites your workspace guest Inc to a partnership.');
    expect(email.text).toContain(`Decide by ${deadline(email.at)}`);
    expect(email.actionUrl).toBe(`${APP_URL}/partnerships/${id}`);
    expect(email.all).not.toContain(REASON);
    expect(email.all).not.toContain(w.host.admin.email);
  });

  it('tells the owners who declined on the guest side, why, and until when they may send it again', async () => {
    expect((await w.guest.admin.post(`/partnerships/${id}/decline`, { reason: 'Terms too broad' })).status).toBe(200);
    const email = await emailOf(w.host.member, 'partnership.declined_by_guest');
    expect(email.text).toContain('guestadmin (guest Inc) declined the invitation to a partnership between host Inc and guest Inc.');
    expect(email.text).toContain('Reason given: “Terms too broad”');
    expect(email.text).toContain(`Send it again by ${deadline(email.at)}`);
    expect(email.all).not.toContain(w.guest.admin.email);
  });
});
