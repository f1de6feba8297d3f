/**
 * Bulk rows, written directly with BatchWriteItem (parallel, retrying unprocessed items), and
 * schema-agnostic cloning: rows made by the API are used as templates and copied with their id
 * replaced, so the bulk rows have exactly the shape the feature code writes, whatever it is.
 * `fillLists` fills every list a route reads to `rows` entries that way, after a World's base steps.
 */
import { BatchWriteItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { keys } from '../shared/store/keys';
import { scanAll } from '../test/support/table';
import { newTeam, newWorkItem, type Id, type World } from '../test/support/world';
import type { BenchEnvironment } from './environment';

export type Row = Record<string, any>;

export interface SeedStats {
  items: number;
  ms: number;
}

/** Writes rows (plain JS objects) 25 at a time with `parallelism` requests in flight. */
export async function batchWriteAll(client: DynamoDBClient, tableName: string, rows: Iterable<Row>, parallelism = 6): Promise<SeedStats> {
  const started = performance.now();
  const iterator = rows[Symbol.iterator]();
  let written = 0;
  const nextChunk = (): Row[] => {
    const chunk: Row[] = [];
    for (let r = iterator.next(); !r.done; r = iterator.next()) {
      chunk.push(r.value);
      if (chunk.length === 25) break;
    }
    return chunk;
  };
  const worker = async () => {
    for (let chunk = nextChunk(); chunk.length > 0; chunk = nextChunk()) {
      let requests: Array<{ PutRequest: { Item: Record<string, AttributeValue> } }> = chunk.map((row) => ({
        PutRequest: { Item: marshall(row, { removeUndefinedValues: true }) },
      }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: requests } }));
        requests = (out.UnprocessedItems?.[tableName] ?? []) as typeof requests;
        if (requests.length) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
      }
      written += chunk.length;
    }
  };
  await Promise.all(Array.from({ length: parallelism }, worker));
  return { items: written, ms: performance.now() - started };
}

/**
 * The rows that belong to entity `id`: those whose pk or sk contains it. Rows that merely mention it
 * elsewhere (a workspace's counters, an activity entry about it) are not copied, so a clone never
 * overwrites a row it does not own.
 */
export function rowsOwnedBy(rows: Row[], id: string): Row[] {
  return rows.filter((row) => String(row.pk).includes(id) || String(row.sk).includes(id));
}

function replaceDeep(value: unknown, from: string, to: string): unknown {
  if (typeof value === 'string') return value.split(from).join(to);
  if (Array.isArray(value)) return value.map((v) => replaceDeep(v, from, to));
  if (value instanceof Set) return new Set([...value].map((v) => replaceDeep(v, from, to)));
  if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    const out: Row = {};
    for (const [k, v] of Object.entries(value)) out[k] = replaceDeep(v, from, to);
    return out;
  }
  return value;
}

/** A fresh id for copy `i`: same length and prefix as `id`, distinct per tag and copy. */
export function freshId(id: string, tag: string, i: number): string {
  const suffix = `${tag}${i.toString(36)}`;
  return id.length > suffix.length + 4 ? id.slice(0, id.length - suffix.length) + suffix : `${id}${suffix}`;
}

/**
 * `count` copies of the template rows with each of `ids` replaced by a fresh id in every string
 * (keys, index keys, e-mails that embed the id...). Fresh ids keep the template's length and prefix,
 * so sort orders and time-ordered ids stay plausible.
 */
export function* cloneRows(template: Row[], ids: string[], count: number, tag: string): Generator<Row> {
  for (let i = 0; i < count; i++) {
    for (const row of template) {
      let copy: unknown = row;
      ids.forEach((id, k) => (copy = replaceDeep(copy, id, freshId(id, `${tag}${k}`, i))));
      yield copy as Row;
    }
  }
}

export interface FillReport {
  what: string;
  templateRows: number;
  written: number;
  ms: number;
  note?: string;
}

/**
 * Fills every list a route reads to `rows` entries: one entity per list made through the API (the
 * template), then cloned `rows` times. Activity of the workspace and the partnership and the owner's
 * notifications are cloned from an entry the world's steps wrote.
 */
export async function fillLists(world: World, env: BenchEnvironment, rows: number, parallelism: number): Promise<FillReport[]> {
  const fills: FillReport[] = [];
  const fillers: Array<{ what: string; make: () => Promise<Id[]> }> = [
    {
      what: 'workspace members (also team members)',
      make: async () => {
        const user = await world.newMember(await world.host(), 'member', 'filler-member');
        await world.joinTeam(user).catch(() => undefined);
        return [user.userId];
      },
    },
    {
      what: 'teams (guest partner in each)',
      make: async () => {
        const teamId = await newTeam(await world.owner(), await world.workspaceId(), 'Filler team');
        await world.invitePartner(teamId, await world.guestMember(), 'owner', 'view').catch(() => undefined);
        return [teamId];
      },
    },
    {
      what: 'work items',
      make: async () => [
        await world.workItem().then(async () => newWorkItem(await world.member(), await world.team(), 'Filler work item')),
      ],
    },
    {
      what: 'pending partner invitations',
      make: async () => {
        const { invitationId, user } = await world.pendingInvitation('filler-pending');
        return [invitationId, user.userId];
      },
    },
    {
      what: 'active team partners',
      make: async () => {
        const user = await world.newGuestUser('filler-partner');
        return [await world.invitePartner(await world.team(), user, 'owner', 'view'), user.userId];
      },
    },
    { what: 'partnerships of the host', make: async () => [(await world.awaitingGuest()).partnershipId] },
    {
      what: 'accounts (shared in the partnership)',
      make: async () => {
        const accountId = await world.newAccount('Filler account');
        await world.share(accountId, [{ email: (await world.guestMember()).email, role: 'collaborator' }]).catch(() => undefined);
        return [accountId];
      },
    },
  ];
  const templates: Array<{ what: string; ids: Id[] }> = [];
  for (const filler of fillers) {
    try {
      templates.push({ what: filler.what, ids: await filler.make() });
    } catch (error) {
      fills.push({ what: filler.what, templateRows: 0, written: 0, ms: 0, note: (error as Error).message });
    }
  }
  const table = await scanAll(env.raw, env.tableName);
  // Activity of the workspace and of the partnership, notifications of the owner: clone one entry each.
  const wsId = await world.workspaceId().catch(() => undefined);
  const psId = await world.partnership().catch(() => undefined);
  const ownerEmail = await world
    .owner()
    .then((o) => o.email)
    .catch(() => undefined);
  const entryId = (pk: string | undefined) => {
    const row = pk ? table.find((r) => r.pk === pk) : undefined;
    return row ? String(row.sk).split('#').pop() : undefined;
  };
  for (const [what, pk] of [
    ['workspace activity entries', wsId && keys.activityPartition({ kind: 'workspace', id: wsId })],
    ['partnership activity entries', psId && keys.activityPartition({ kind: 'partnership', id: psId })],
    ['notifications of the owner', ownerEmail && keys.notificationPartition(ownerEmail)],
  ] as const) {
    const id = entryId(pk || undefined);
    if (id) templates.push({ what, ids: [id] });
    else fills.push({ what, templateRows: 0, written: 0, ms: 0, note: 'no entry to clone yet' });
  }
  for (const [index, template] of templates.entries()) {
    const owned = template.ids.flatMap((id) => rowsOwnedBy(table, id));
    const unique = [...new Map(owned.map((r) => [`${r.pk}\u0000${r.sk}`, r])).values()];
    if (unique.length === 0) {
      fills.push({ what: template.what, templateRows: 0, written: 0, ms: 0, note: 'template rows not found by id' });
      continue;
    }
    const stats = await batchWriteAll(
      env.raw,
      env.tableName,
      cloneRows(unique, template.ids, rows, `z${world.name[0]}${index}`),
      parallelism,
    );
    fills.push({ what: template.what, templateRows: unique.length, written: stats.items, ms: stats.ms });
  }
  return fills;
}
