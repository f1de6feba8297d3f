/** Routes of SPEC §2: the caller's own registration and profile. */
import * as z from 'zod/mini';
import { WORKSPACE_ROLES } from '../../domain/identity';
import { PARTNER_PERMISSIONS } from '../../domain/teams';
import { defineRoute } from '../../http/route';
import * as s from '../../http/schemas';

const userView = s.named(
  'User',
  z.object({
    userId: z.string(),
    email: z.string(),
    name: z.string(),
    workspaceId: z.nullable(z.string()),
    role: z.nullable(z.enum(WORKSPACE_ROLES)),
    createdAt: s.time(),
    updatedAt: s.time(),
  }),
);

export const putMe = defineRoute({
  id: 'putMe',
  method: 'PUT',
  path: '/me',
  entry: 'functions/identity/put-me.ts',
  summary: 'Register or update the caller (from the token sub and email).',
  auth: 'authenticated',
  body: z.strictObject({ name: s.name() }),
  response: userView,
  successes: { 200: 'Updated: the caller was registered already', 201: 'Registered: the caller is a new user' },
  errors: { 409: ['email_taken'] },
  access: { table: 'readWrite' },
});

export const getMe = defineRoute({
  id: 'getMe',
  method: 'GET',
  path: '/me',
  entry: 'functions/identity/get-me.ts',
  summary: 'The caller, their workspace and role, and the teams where they are a partner.',
  response: s.named(
    'Me',
    z.object({
      user: userView,
      workspace: z.nullable(z.object({ workspaceId: z.string(), name: z.nullable(z.string()), role: z.enum(WORKSPACE_ROLES) })),
      partnerTeams: z.array(
        z.object({ teamId: z.string(), workspaceId: z.string(), permission: z.enum(PARTNER_PERMISSIONS), since: s.time() }),
      ),
    }),
  ),
  access: { table: 'read' },
});

export const identityRoutes = [putMe, getMe];
