/** The stream consumer sends each new NOTIFICATION item and marks it delivered; failures are reported per record. */
import { describe, expect, it } from 'vitest';
import { marshall } from '@aws-sdk/util-dynamodb';
import { notify } from '../../shared/notify/notify';
import { listNotifications } from '../../shared/store/activity';
import { keys } from '../../shared/store/keys';
import { Transaction } from '../../shared/store/transaction';
import { deliver } from '../../functions/notifications/deliver';
import { readItem } from '../support/table';

/** A notification recorded for `to`, as its item is stored (what the table stream carries). */
async function notification(to: string, n: number) {
  const tx = new Transaction();
  const data = { teamId: `team-${n}`, teamName: `Team ${n}`, actorName: 'Alice' };
  notify(tx, { template: 'team.member_added', to: [to], data, at: `2031-01-0${n}T00:00:00.000Z` });
  await tx.commit();
  const [recorded] = (await listNotifications(to, { limit: 1 })).items;
  const item = recorded && (await readItem(keys.notification(to, recorded.at, recorded.id)));
  if (!item) throw new Error(`no notification recorded for ${to}`);
  return item;
}
const record = (item: Record<string, any>, seq: string, eventName: 'INSERT' | 'MODIFY' = 'INSERT') => ({
  eventName,
  dynamodb: { SequenceNumber: seq, NewImage: marshall(item) as any },
});

describe('notification delivery', () => {
  it('sends each inserted notification and marks it delivered', async () => {
    const a = await notification('deliver.a@example.com', 1);
    const b = await notification('deliver.b@example.com', 2);
    const sent: any[] = [];
    const result = await deliver(
      { Records: [record(a, '1'), record(b, '2'), record(b, '3', 'MODIFY')] },
      {
        send: async (n) => {
          sent.push(n);
          return `msg-${sent.length}`;
        },
        now: () => new Date('2031-02-01T00:00:00.000Z'),
      },
    );
    expect(result.batchItemFailures).toEqual([]);
    expect(sent.map((n) => n.to)).toEqual(['deliver.a@example.com', 'deliver.b@example.com']);
    // Rendered at delivery: the subject recorded with the item, a plain-text and an HTML body, the link to the team.
    expect(sent[0]).toMatchObject({ template: 'team.member_added', subject: 'You were added to the team Team 1' });
    expect(sent[0].text).toContain('Alice added you to the team Team 1.');
    expect(sent[0].text).toContain('http://localhost:5173/teams/team-1');
    expect(sent[0].html).toMatch(/^<!doctype html>/);
    expect(sent[0].html).toContain('href="http://localhost:5173/teams/team-1"');
    expect(await readItem({ pk: a.pk, sk: a.sk })).toMatchObject({
      deliveryStatus: 'delivered',
      deliveredAt: '2031-02-01T00:00:00.000Z',
      messageId: 'msg-1',
    });
  });

  it('reports the first failed record and leaves it pending', async () => {
    const a = await notification('deliver.c@example.com', 3);
    const b = await notification('deliver.d@example.com', 4);
    const result = await deliver(
      { Records: [record(a, '10'), record(b, '11')] },
      {
        send: async () => {
          throw Object.assign(new Error('throttled'), { name: 'TooManyRequestsException' });
        },
        now: () => new Date(),
      },
    );
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '10' }]);
    expect(await readItem({ pk: a.pk, sk: a.sk })).toMatchObject({ deliveryStatus: 'pending' });
  });
});
