/**
 * DynamoDB cancels both of two transactions that touch one item at the same time
 * (TransactionConflict). Whatever the route, that is a 409 concurrent_update with nothing written,
 * never a 500. Injected through the service client's middleware, as DynamoDB Local rarely produces it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { dynamoClient } from '../../shared/store/client';
import { expectError } from '../support/errors';
import { newWorkspace } from '../support/world';

const CONFLICT = 'testTransactionConflict';

function cancelNextTransaction() {
  let pending = 1;
  dynamoClient().middlewareStack.add(
    (next: any, context: any) => async (args: any) => {
      if (context.commandName === 'TransactWriteItemsCommand' && pending > 0) {
        pending--;
        throw Object.assign(
          new Error('Transaction cancelled, please refer cancellation reasons for specific reasons [None, TransactionConflict]'),
          {
            name: 'TransactionCanceledException',
            $fault: 'client',
            CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }],
          },
        );
      }
      return next(args);
    },
    { step: 'initialize', name: CONFLICT, override: true },
  );
}

afterEach(() => {
  dynamoClient().middlewareStack.remove(CONFLICT);
});

describe('a transaction conflict', () => {
  it('is a 409 concurrent_update that writes nothing; the retry succeeds', async () => {
    const ws = await newWorkspace();
    cancelNextTransaction();
    const refused = await ws.owner.post(`/workspaces/${ws.workspaceId}/teams`, { name: 'Raced', visibility: 'open' });
    expectError(refused, 409, 'concurrent_update');
    expect((await ws.owner.get(`/workspaces/${ws.workspaceId}/teams`)).body.items).toEqual([]);

    const retried = await ws.owner.post(`/workspaces/${ws.workspaceId}/teams`, { name: 'Raced', visibility: 'open' });
    expect(retried.status).toBe(201);
    expect((await ws.owner.get(`/workspaces/${ws.workspaceId}/teams`)).body.items).toEqual([expect.objectContaining({ name: 'Raced' })]);
  });
});
