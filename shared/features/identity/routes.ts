/** Routes of SPEC §2: the caller's own registration and profile. */
import * as z from 'zod/mini';
import { defineRoute } from '../../http/route';
import * as s from '../../http/schemas';

export const putMe = defineRoute({
  id: 'putMe',
  method: 'PUT',
  path: '/me',
  entry: 'functions/identity/put-me.ts',
  summary: 'Register or update the caller (from the token sub and email).',
  auth: 'authenticated',
  body: z.strictObject({ name: s.name() }),
  access: { table: 'readWrite' },
});

export const getMe = defineRoute({
  id: 'getMe',
  method: 'GET',
  path: '/me',
  entry: 'functions/identity/get-me.ts',
  summary: 'The caller, their workspace and role, and the teams where they are a partner.',
  access: { table: 'read' },
});

export const identityRoutes = [putMe, getMe];
