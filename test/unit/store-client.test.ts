/**
 * The bench's ReturnConsumedCapacity switch (shared/store/client.ts) leaves production calls unchanged:
 * the middleware exists only when DYNAMODB_RETURN_CONSUMED_CAPACITY=TOTAL was set before the client was made.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

const middlewareNames = async () => {
  const { dynamoClient } = await import('../../shared/store/client');
  return dynamoClient().middlewareStack.identify().join('\n');
};

afterEach(() => {
  delete process.env.DYNAMODB_RETURN_CONSUMED_CAPACITY;
  vi.resetModules();
});

describe('the consumed-capacity switch', () => {
  it('is off unless the bench turns it on', async () => {
    delete process.env.DYNAMODB_RETURN_CONSUMED_CAPACITY;
    vi.resetModules();
    expect(await middlewareNames()).not.toContain('returnConsumedCapacity');
  });

  it('asks every command for its consumed capacity when on', async () => {
    process.env.DYNAMODB_RETURN_CONSUMED_CAPACITY = 'TOTAL';
    vi.resetModules();
    expect(await middlewareNames()).toContain('returnConsumedCapacity');
  });
});
