/**
 * The checker every test answer goes through (test/support/contract.ts): it refuses what
 * docs/openapi.json does not declare, so a test cannot pass on an undocumented answer.
 */
import { describe, expect, it } from 'vitest';
import { checkAgainstContract, ContractViolation } from '../support/contract';

const answer = (status: number, body: unknown) => ({ status, body, text: body === undefined ? '' : JSON.stringify(body) });
const error = (code: string) => ({ error: { code, message: 'x' } });
const team = {
  teamId: 't1',
  workspaceId: 'w1',
  name: 'Team',
  visibility: 'open',
  createdBy: 'u1',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

describe('the contract check of test answers', () => {
  it('accepts a declared status with a conforming body', () => {
    expect(() => checkAgainstContract('PATCH', '/teams/t1', answer(200, team))).not.toThrow();
    expect(() => checkAgainstContract('PATCH', '/teams/t1', answer(409, error('concurrent_update')))).not.toThrow();
    expect(() => checkAgainstContract('DELETE', '/teams/t1/members/u2', answer(204, undefined))).not.toThrow();
  });

  it('refuses an undeclared status', () => {
    expect(() => checkAgainstContract('GET', '/teams/t1', answer(422, error('whatever')))).toThrow(ContractViolation);
    expect(() => checkAgainstContract('GET', '/teams/t1', answer(201, team))).toThrow(/status not declared/);
  });

  it('refuses a body that does not match: a missing or an extra field, a wrong type, an undeclared code', () => {
    const { name: _name, ...withoutName } = team;
    expect(() => checkAgainstContract('PATCH', '/teams/t1', answer(200, withoutName))).toThrow(/does not match/);
    expect(() => checkAgainstContract('PATCH', '/teams/t1', answer(200, { ...team, secret: 1 }))).toThrow(/does not match/);
    expect(() => checkAgainstContract('PATCH', '/teams/t1', answer(200, { ...team, visibility: 'hidden' }))).toThrow(/does not match/);
    expect(() => checkAgainstContract('PATCH', '/teams/t1', answer(200, { ...team, createdAt: 'yesterday' }))).toThrow(/does not match/);
    expect(() => checkAgainstContract('PATCH', '/teams/t1', answer(409, error('partnership_exists')))).toThrow(/does not match/);
    expect(() => checkAgainstContract('DELETE', '/teams/t1/members/u2', { status: 204, body: 'x', text: 'x' })).toThrow(/body/);
  });

  it('holds unknown paths to the catch-all 404 and leaves the local-only endpoints alone', () => {
    expect(() => checkAgainstContract('GET', '/nope', answer(404, error('not_found')))).not.toThrow();
    expect(() => checkAgainstContract('GET', '/nope', answer(200, {}))).toThrow(ContractViolation);
    expect(() => checkAgainstContract('GET', '/local/health', answer(200, { status: 'ok' }))).not.toThrow();
  });
});
