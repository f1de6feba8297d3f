/**
 * Counts the DynamoDB round trips of a call, at the document client (shared/store/client.ts `db()`):
 * the commands it sent, by name, in order. Calls made in parallel (Promise.all) count one by one.
 */
import { vi } from 'vitest';
import { db } from '../../shared/store/client';

export async function countRoundTrips<T>(fn: () => Promise<T>): Promise<{ calls: string[]; result: T }> {
  const client = db();
  const original = client.send.bind(client);
  const calls: string[] = [];
  const spy = vi.spyOn(client, 'send').mockImplementation(((command: { constructor: { name: string } }, ...rest: unknown[]) => {
    calls.push(command.constructor.name);
    return (original as any)(command, ...rest);
  }) as any);
  try {
    return { calls, result: await fn() };
  } finally {
    spy.mockRestore();
  }
}
