/**
 * The decision of scripts/ops/resume-partnership.ts (docs/OPERATIONS.md): what to do when a
 * partnership's record and its execution disagree.
 */
import { describe, expect, it } from 'vitest';
import { decideRepair, type RepairRecord } from '../../shared/domain/workflow-repair';

const waiting: RepairRecord = { status: 'awaiting_host_approval', executionName: 'p1', taskToken: 'tok' };
const resume = { token: 'tok', stage: 'host_approval' as const, outcome: 'approved', attempts: 1, retryAt: '2026-01-01T00:00:00.000Z' };

describe('decideRepair', () => {
  it('does nothing while a waiting record has its running execution', () => {
    expect(decideRepair(waiting, 'RUNNING').action).toBe('none');
    expect(decideRepair({ ...waiting, taskToken: undefined }, 'RUNNING').action).toBe('none');
  });

  it('restarts a waiting record whose execution is gone, whatever ended it', () => {
    for (const state of ['FAILED', 'TIMED_OUT', 'ABORTED', 'SUCCEEDED', 'NOT_FOUND'] as const)
      expect(decideRepair(waiting, state)).toMatchObject({ action: 'restart' });
  });

  it('sends a recorded decision the running execution never got', () => {
    expect(decideRepair({ status: 'awaiting_guest_acceptance', executionName: 'p1', resume }, 'RUNNING').action).toBe('send-resume');
  });

  it('restarts when the owed resume can no longer land and the record waits', () => {
    expect(decideRepair({ status: 'awaiting_guest_acceptance', executionName: 'p1', resume }, 'FAILED').action).toBe('restart');
  });

  it('escalates an owed resume to a dead execution of a record that waits on nothing', () => {
    expect(decideRepair({ status: 'active', executionName: 'p1', resume }, 'ABORTED').action).toBe('escalate');
  });

  it('stops the execution of a final record that still waits, and leaves finished pairs alone', () => {
    expect(decideRepair({ status: 'removed', executionName: 'p1' }, 'RUNNING').action).toBe('stop-execution');
    expect(decideRepair({ status: 'expired', executionName: 'p1' }, 'FAILED').action).toBe('none');
    expect(decideRepair({ status: 'active', executionName: 'p1' }, 'SUCCEEDED').action).toBe('none');
  });

  it('escalates an active record without a term whose execution still runs or failed', () => {
    expect(decideRepair({ status: 'active', executionName: 'p1' }, 'RUNNING').action).toBe('escalate');
    expect(decideRepair({ status: 'active', executionName: 'p1' }, 'FAILED').action).toBe('escalate');
  });
});

describe('redeliveryOf (scripts/ops/redeliver-notifications.ts)', () => {
  it('sends again only a notification still pending', async () => {
    const { redeliveryOf } = await import('../../shared/store/activity');
    expect(redeliveryOf(undefined)).toBe('gone');
    expect(redeliveryOf({ type: 'notification', deliveryStatus: 'pending' })).toBe('redeliver');
    expect(redeliveryOf({ type: 'notification', deliveryStatus: 'delivered' })).toBe('already-delivered');
  });
});
