/**
 * docs/DATA-MODEL.md, generated: the declared data model (shared/store/access-patterns.ts) joined with what
 * every route actually reads and writes. Each route's builder (test/support/builders.ts) sends one valid
 * request while a middleware on the service's DynamoDB client records every key it reads, queries or
 * writes; each key is matched to a declared item shape or query. A key that matches no declaration fails
 * the run, so a new access pattern cannot go undocumented. Workflow tasks and the scheduled job are
 * recorded too, under their own names.
 *
 * Used by scripts/data-model.ts (writes the file) and test/integration/data-model.test.ts (keeps it in step).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { routes } from '../../shared/routes';
import { DATA_MODEL, type ItemShape, type QueryPattern } from '../../shared/store/access-patterns';
import { listNotifications } from '../../shared/store/activity';
import { dynamoClient } from '../../shared/store/client';
import { TABLE } from '../../shared/store/table';
import { runReminderJob } from '../../shared/features/jobs/reminder-job';
import { registerLocalWorkflow, type WorkflowPort } from '../../shared/workflow/port';
import type { WorkflowRunner } from '../../local/workflow-runner';
import { send, type ApiRequest } from './api';
import { builderFor } from './builders';
import { World } from './world';

type Access = 'read' | 'write';

const label = new AsyncLocalStorage<string>();
const WORKFLOW = 'workflow tasks';
const JOB = 'scheduled job';
const OUTBOX = 'GET /local/outbox';

/** `{S: 'x'}` (marshalled) or `'x'`. */
function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { S?: unknown }).S === 'string') return (value as { S: string }).S;
  return undefined;
}

interface Recorded {
  items: Array<{ pk: string; sk: string; access: Access; label: string }>;
  queries: Array<{ index: string; pk: string; skFrom: string; label: string }>;
}

function keyOf(item: Record<string, unknown> | undefined): { pk: string; sk: string } | undefined {
  const pk = text(item?.[TABLE.partitionKey]);
  const sk = text(item?.[TABLE.sortKey]);
  return pk !== undefined && sk !== undefined ? { pk, sk } : undefined;
}

/** The partition value of a Query: the value compared to the index's partition key attribute. */
function queryPartition(input: {
  IndexName?: string;
  KeyConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}) {
  const index = Object.values(TABLE.indexes).find((i) => i.name === input.IndexName);
  const attribute = index?.partitionKey ?? TABLE.partitionKey;
  const expression = input.KeyConditionExpression ?? '';
  const valueOf = (placeholder: string | undefined) => (placeholder ? (text(input.ExpressionAttributeValues?.[placeholder]) ?? '') : '');
  let pk = '';
  for (const match of expression.matchAll(/([#\w]+)\s*=\s*(:\w+)/g)) {
    const name = match[1]!.startsWith('#') ? input.ExpressionAttributeNames?.[match[1]!] : match[1];
    if (name === attribute) pk = valueOf(match[2]);
  }
  // The sort-key range's lower bound tells lists of one partition apart (MEMBER#..., WI#...).
  const skFrom = valueOf(/BETWEEN\s+(:\w+)/.exec(expression)?.[1] ?? /begins_with\([^,]+,\s*(:\w+)\)/.exec(expression)?.[1]);
  return { index: index ? index.name : 'table', pk, skFrom };
}

let recorded: Recorded | undefined;
const installed = new WeakSet<object>();

function install(): void {
  const client = dynamoClient();
  if (installed.has(client.middlewareStack)) return;
  installed.add(client.middlewareStack);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const current = label.getStore();
      if (recorded && current) {
        const name = String((context as { commandName?: string }).commandName);
        const input = (args as { input: Record<string, any> }).input;
        const item = (key: Record<string, unknown> | undefined, access: Access) => {
          const k = keyOf(key);
          if (k) recorded!.items.push({ ...k, access, label: current });
        };
        if (name === 'GetItemCommand') item(input.Key, 'read');
        else if (name === 'BatchGetItemCommand')
          for (const request of Object.values<any>(input.RequestItems ?? {})) for (const key of request.Keys ?? []) item(key, 'read');
        else if (name === 'QueryCommand') recorded.queries.push({ ...queryPartition(input), label: current });
        else if (name === 'PutItemCommand') item(input.Item, 'write');
        else if (name === 'UpdateItemCommand' || name === 'DeleteItemCommand') item(input.Key, 'write');
        else if (name === 'TransactWriteItemsCommand') {
          for (const t of input.TransactItems ?? [])
            item(t.Put?.Item ?? t.Update?.Key ?? t.Delete?.Key ?? t.ConditionCheck?.Key, t.ConditionCheck ? 'read' : 'write');
        } else throw new Error(`data model: unrecorded command ${name}`);
      }
      return next(args);
    },
    { step: 'initialize', name: 'dataModelRecorder', priority: 'high' },
  );
}

const pattern = (template: string) =>
  new RegExp(`^${template.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\<[^>]*\\>|<[^>]*>/g, '.+?')}$`);

export interface DataModelUse {
  items: Map<ItemShape, { read: Set<string>; written: Set<string> }>;
  queries: Map<QueryPattern, Set<string>>;
}

function match(record: Recorded): DataModelUse {
  const items = new Map<ItemShape, { read: Set<string>; written: Set<string> }>();
  const queries = new Map<QueryPattern, Set<string>>();
  const shapes = DATA_MODEL.flatMap((r) => r.items.map((shape) => ({ shape, pk: pattern(shape.pk), sk: pattern(shape.sk) })));
  const patterns = DATA_MODEL.flatMap((r) =>
    r.queries.map((query) => ({ query, pk: pattern(query.pk), skPrefix: query.sk.split('<')[0]! })),
  );
  for (const s of shapes) items.set(s.shape, { read: new Set(), written: new Set() });
  for (const p of patterns) queries.set(p.query, new Set());
  const unexplained: string[] = [];
  for (const used of record.items) {
    const found = shapes.filter((s) => s.pk.test(used.pk) && s.sk.test(used.sk));
    if (found.length !== 1) {
      unexplained.push(`${used.access} ${used.pk} / ${used.sk} by ${used.label}: ${found.length ? 'ambiguous' : 'no declared item shape'}`);
      continue;
    }
    const use = items.get(found[0]!.shape)!;
    (used.access === 'read' ? use.read : use.written).add(used.label);
  }
  for (const used of record.queries) {
    const index = used.index === 'table' ? 'table' : used.index;
    const found = patterns.filter((p) => p.query.index === index && p.pk.test(used.pk) && used.skFrom.startsWith(p.skPrefix));
    if (found.length !== 1) {
      unexplained.push(
        `query ${index} ${used.pk} / ${used.skFrom}... by ${used.label}: ${found.length ? 'ambiguous' : 'no declared query'}`,
      );
      continue;
    }
    queries.get(found[0]!.query)!.add(used.label);
  }
  if (unexplained.length)
    throw new Error(`keys the data model does not declare (shared/store/access-patterns.ts):\n${[...new Set(unexplained)].join('\n')}`);
  return { items, queries };
}

/**
 * Sends one valid request per route (its builder prepares the world, unrecorded), then runs the scheduled job
 * as if 40 days had passed, recording what each reads and writes. The workflow runner's tasks are recorded
 * under "workflow tasks".
 */
export async function recordDataModel(runner: WorkflowRunner): Promise<DataModelUse> {
  install();
  const labelled = (fn: () => Promise<void>) => label.run(WORKFLOW, fn);
  const port: WorkflowPort = {
    start: (name, input) => labelled(() => runner.start(name, input)),
    sendTaskSuccess: (token, output) => labelled(() => runner.sendTaskSuccess(token, output)),
    sendTaskFailure: (token, error, cause) => labelled(() => runner.sendTaskFailure(token, error, cause)),
  };
  registerLocalWorkflow(port);
  const world = new World('model', runner);
  const record: Recorded = { items: [], queries: [] };
  recorded = record;
  try {
    for (const route of routes) {
      const builder = builderFor(route);
      if (!builder) throw new Error(`no request builder for ${route.id} (test/support/builders.ts)`);
      const request = await builder(world, 0);
      const response = await label.run(route.id, () => send(request));
      if (response.status >= 300) throw new Error(`data model: ${route.id} answered ${response.status} ${JSON.stringify(response.body)}`);
      await request.cleanup?.();
    }
    // The other answers of the routes whose access pattern depends on who asks or on a header.
    const workspaceId = await world.workspaceId();
    const guestId = (await world.guest()).workspaceId;
    await world.sharedAccount();
    const variants: Array<[string, ApiRequest]> = [
      ['listPartnerships', { actor: await world.member(), method: 'GET', path: `/workspaces/${workspaceId}/partnerships?side=host` }],
      ['listPartnerships', { actor: await world.guestOwner(), method: 'GET', path: `/workspaces/${guestId}/partnerships?side=guest` }],
      ['listPartnerships', { actor: await world.guestMember(), method: 'GET', path: `/workspaces/${guestId}/partnerships?side=guest` }],
      [
        'createWorkspace',
        {
          actor: await world.register('idempotent'),
          method: 'POST',
          path: '/workspaces',
          body: { name: 'Once' },
          headers: { 'idempotency-key': 'data-model' },
        },
      ],
    ];
    for (const [routeId, request] of variants) {
      const response = await label.run(routeId, () => send(request));
      if (response.status >= 300) throw new Error(`data model: ${routeId} variant answered ${response.status}`);
    }
    const ownerEmail = (await world.owner()).email;
    await label.run(OUTBOX, () => listNotifications(ownerEmail, { limit: 10 }).then(() => undefined));
    await label.run(JOB, () => runReminderJob({ now: new Date(Date.now() + 40 * 24 * 3600 * 1000) }).then(() => undefined));
  } finally {
    recorded = undefined;
    registerLocalWorkflow(runner);
  }
  return match(record);
}

const usersOf = (labels: Set<string>) => {
  const ordered = [...labels].sort((a, b) => order(a) - order(b));
  if (ordered.length === 0) return '—';
  const routeIds = routes.map((r) => r.id);
  const others = routeIds.filter((id) => !labels.has(id));
  const special = ordered.filter((l) => !routeIds.includes(l));
  if (others.length <= 5 && ordered.length - special.length > 10) {
    return [`every route${others.length ? ` but ${others.map((id) => `\`${id}\``).join(', ')}` : ''}`, ...special].join(', ');
  }
  return ordered.map((l) => (routeIds.includes(l) ? `\`${l}\`` : l)).join(', ');
};
const order = (labelName: string) => {
  const i = routes.findIndex((r) => r.id === labelName);
  return i >= 0 ? i : [WORKFLOW, JOB, OUTBOX].indexOf(labelName) + 1000;
};
const cell = (s: string) => s.replace(/\|/g, '\\|');

export function renderDataModel(use: DataModelUse): string {
  const lines = [
    '# Data model',
    '',
    'Generated by `npm run data-model` from the declarations in `shared/store/access-patterns.ts` and from what every',
    'route reads and writes when it runs (test/support/data-model.ts). A test keeps this file in step: do not edit it by hand.',
    '',
    `One DynamoDB table: \`${TABLE.partitionKey}\` / \`${TABLE.sortKey}\`; \`${TABLE.indexes.byOwner.name}\` (${TABLE.indexes.byOwner.partitionKey} / ${TABLE.indexes.byOwner.sortKey}): alternate lists; \`${TABLE.indexes.due.name}\` (${TABLE.indexes.due.partitionKey} / ${TABLE.indexes.due.sortKey}): the sparse due index the scheduled job reads; TTL on \`${TABLE.ttlAttribute}\`. Every item carries \`type\`; keys are built only in \`shared/store/keys.ts\`. "Read" means GetItem/BatchGetItem (batched per request) or a transaction's condition check.`,
    '',
    '## Items',
    '',
    '| repository | type | pk / sk | index entries | read by | written by |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const repo of DATA_MODEL) {
    for (const shape of repo.items) {
      const u = use.items.get(shape)!;
      lines.push(
        `| ${repo.repository} | ${shape.entity}${shape.note ? ` (${shape.note})` : ''} | \`${cell(shape.pk)}\` / \`${cell(shape.sk)}\` | ${(shape.indexes ?? []).map(cell).join('<br>') || '—'} | ${usersOf(u.read)} | ${usersOf(u.written)} |`,
      );
    }
  }
  lines.push(
    '',
    '## Queries (access patterns)',
    '',
    'Every list is one Query of one partition (no Scan anywhere).',
    '',
    '| repository | access pattern | method | index | pk / sk | used by |',
    '| --- | --- | --- | --- | --- | --- |',
  );
  for (const repo of DATA_MODEL) {
    for (const query of repo.queries) {
      lines.push(
        `| ${repo.repository} | ${query.name} | \`${query.method}\` | ${query.index} | \`${cell(query.pk)}\` / \`${cell(query.sk)}\` | ${usersOf(use.queries.get(query)!)} |`,
      );
    }
  }
  lines.push(
    '',
    '## Transaction conditions',
    '',
    'A cancelled transaction is mapped to a domain error by the name of the condition that failed.',
    '',
    '| repository | condition names |',
    '| --- | --- |',
  );
  for (const repo of DATA_MODEL) {
    const names = repo.conditions;
    if (names.length) lines.push(`| ${repo.repository} | ${names.map((n) => `\`${n}\``).join(', ')} |`);
  }
  return `${lines.join('\n')}\n`;
}
