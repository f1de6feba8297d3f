/**
 * The typed TypeScript client of the partnerships service: openapi-fetch over the types that
 * openapi-typescript generates from docs/openapi.json (./schema.d.ts, `npm run client`). Paths, path
 * and query parameters, bodies, and every success and error answer are typed from the document.
 *
 *   const api = createPartnershipsClient({ baseUrl: 'http://127.0.0.1:3000', token: () => myToken });
 *   const { data, error, response } = await api.POST('/workspaces', { body: { name: 'Acme' } });
 */
import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { components, operations, paths } from './schema';

export type { components, operations, paths };
/** The named shapes of the document: `Schemas['Partnership']`, `Schemas['Error']`... */
export type Schemas = components['schemas'];
export type PartnershipsClient = Client<paths>;

export interface PartnershipsClientOptions extends ClientOptions {
  baseUrl: string;
  /** The bearer token (an OIDC JWT; locally, from POST /local/tokens), or a function that returns it for each request. */
  token?: string | (() => string | Promise<string>);
}

export function createPartnershipsClient({ token, ...options }: PartnershipsClientOptions): PartnershipsClient {
  const client = createClient<paths>(options);
  if (token !== undefined) {
    client.use({
      async onRequest({ request }) {
        request.headers.set('authorization', `Bearer ${typeof token === 'function' ? await token() : token}`);
        return request;
      },
    });
  }
  return client;
}
