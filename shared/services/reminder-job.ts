/**
 * The scheduled reminder / expiry / reconciliation job (hourly deployed; `POST /local/jobs/reminders`
 * locally). Reads only what is due: the sparse due index gsi2 (`gsi2pk = "DUE"`,
 * `gsi2sk <= "<now ISO>~"`), page by page, and hands each item to the processor of its `type`, which
 * reminds, expires or resumes it and moves or removes its due attributes (docs/WORKFLOW.md).
 * The clock is injected, so `now` can be any time.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '../data/dynamo';
import { ENTITY } from '../store/keys';
import { TABLE } from '../store/table';
import { UseCaseContext } from '../context';
import { processDueInvitation } from '../features/team-partners/due';
import { processDuePartnership } from './partnership-due';

export type DueOutcome = 'reminded' | 'expired' | 'resumed' | 'skipped';
export type DueProcessor = (item: Record<string, any>, now: Date) => Promise<DueOutcome>;

export const DUE_PARTITION = 'DUE';

const processors = new Map<string, DueProcessor>([
  [ENTITY.partnership, processDuePartnership],
  [
    ENTITY.partnerInvitation,
    (item, now) =>
      processDueInvitation(UseCaseContext.forSystem('system:reminder-job', now), { invitationId: String(item.invitationId), dueKey: String(item[TABLE.indexes.due.sortKey]) }),
  ],
]);

/** Adds or replaces the processor of an item type (tests, new features). */
export function registerDueProcessor(type: string, processor: DueProcessor): void {
  processors.set(type, processor);
}

export interface ReminderJobResult {
  reminded: number;
  expired: number;
  resumed: number;
  skipped: number;
  /** Items whose processor threw (left on the index: the next run retries them). */
  failed: number;
  /** Items DynamoDB read (ScannedCount of the due-index queries). */
  scanned: number;
  pages: number;
}

export interface ReminderJobOptions {
  now?: Date;
  /** Items per Query page (default 100). */
  pageSize?: number;
  /** Items processed at once within a page (default 8). */
  concurrency?: number;
  log?: (message: string, detail: Record<string, unknown>) => void;
}

/** Runs the job once. `runReminderJob(date)` is short for `runReminderJob({ now: date })`. */
export async function runReminderJob(input: ReminderJobOptions | Date = {}): Promise<ReminderJobResult> {
  const options: ReminderJobOptions = input instanceof Date ? { now: input } : input;
  const now = options.now ?? new Date();
  const pageSize = options.pageSize ?? 100;
  const concurrency = Math.max(1, options.concurrency ?? 8);
  const due = TABLE.indexes.due;
  const result: ReminderJobResult = { reminded: 0, expired: 0, resumed: 0, skipped: 0, failed: 0, scanned: 0, pages: 0 };
  // '~' sorts after every character of "<ISO>#<TYPE>#<id>": everything due at or before now.
  const upTo = `${now.toISOString()}~`;

  let startKey: Record<string, any> | undefined;
  do {
    const page = await db().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: due.name,
        KeyConditionExpression: '#pk = :due AND #sk <= :upTo',
        ExpressionAttributeNames: { '#pk': due.partitionKey, '#sk': due.sortKey },
        ExpressionAttributeValues: { ':due': DUE_PARTITION, ':upTo': upTo },
        Limit: pageSize,
        ExclusiveStartKey: startKey,
      }),
    );
    result.pages += 1;
    result.scanned += page.ScannedCount ?? page.Items?.length ?? 0;
    const items = page.Items ?? [];
    for (let i = 0; i < items.length; i += concurrency) {
      await Promise.all(
        items.slice(i, i + concurrency).map(async (item) => {
          const processor = processors.get(String(item.type));
          if (!processor) {
            result.skipped += 1;
            options.log?.('no processor for due item', { type: item.type, pk: item.pk });
            return;
          }
          try {
            result[await processor(item, now)] += 1;
          } catch (error) {
            result.failed += 1;
            options.log?.('due item failed', { type: item.type, pk: item.pk, error: error instanceof Error ? error.message : String(error) });
          }
        }),
      );
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return result;
}
