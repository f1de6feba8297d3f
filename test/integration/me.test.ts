import { describe, expect, it } from 'vitest';
import { as, newActor, registered } from '../support/api';

describe('PUT /me and GET /me', () => {
  it('registers the caller from the token and returns them', async () => {
    const actor = newActor('ada');
    const created = await as(actor).put('/me', { name: 'Ada' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ userId: actor.userId, email: actor.email, name: 'Ada', workspaceId: null });

    const me = await as(actor).get('/me');
    expect(me.status).toBe(200);
    expect(me.body.user.name).toBe('Ada');
    expect(me.body.partnerTeams).toEqual([]);
  });

  it('refuses query parameters on a route that takes none (400, field named)', async () => {
    const actor = newActor('quinn');
    const refused = await as(actor).put('/me?role=owner', { name: 'Quinn' });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({
      code: 'validation_failed',
      details: [{ field: 'query.role', issue: 'unknown query parameter' }],
    });
    expect((await as(actor).get('/me')).body.error.code).toBe('not_registered');
  });

  it('updates the name on a second PUT', async () => {
    const api = await registered('bob');
    const updated = await api.put('/me', { name: 'Robert' });
    expect(updated.status).toBe(200);
    expect((await api.get('/me')).body.user.name).toBe('Robert');
  });

  it('refuses an e-mail already registered, case-insensitively', async () => {
    const first = newActor('eve');
    await as(first).put('/me', { name: 'Eve' });
    const second = { userId: `${first.userId}-other`, email: first.email.toUpperCase() };
    const response = await as(second).put('/me', { name: 'Evil' });
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('email_taken');
  });

  it('answers 403 not_registered to an unregistered caller', async () => {
    const response = await as(newActor()).get('/me');
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('not_registered');
  });

  it('answers 401 without claims', async () => {
    const response = await as(null).get('/me');
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('unauthenticated');
  });

  it.each([
    ['malformed JSON', '{"name":', 'body'],
    ['unknown field', { name: 'x', role: 'owner' }, 'body'],
    ['wrong type', { name: 42 }, 'body.name'],
    ['empty name', { name: '   ' }, 'body.name'],
    ['200 KB name', { name: 'x'.repeat(200_000) }, 'body'],
  ])('rejects %s with 400 validation_failed and stores nothing', async (_label, body, field) => {
    const actor = newActor();
    const response = await as(actor).put('/me', body);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
    expect(response.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    expect((await as(actor).get('/me')).status).toBe(403);
  });
});
