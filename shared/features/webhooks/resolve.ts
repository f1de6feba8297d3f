/**
 * DNS for the webhook URL rules (SPEC §11: a URL whose host "is or resolves to" a non-public address is
 * refused): at create/PATCH (service.ts) and before every attempt (deliver.ts). Injectable: tests set a
 * resolver of their own (`setUrlResolver`) or pass one to the deliverer.
 */
import { lookup } from 'node:dns/promises';

export type Resolver = (host: string) => Promise<ReadonlyArray<{ address: string; family: number }>>;

export const systemResolver: Resolver = (host) => lookup(host, { all: true, verbatim: true });

let urlResolver: Resolver = systemResolver;

/** The resolver create/PATCH use (tests; undefined: the system's). */
export function setUrlResolver(resolver: Resolver | undefined): void {
  urlResolver = resolver ?? systemResolver;
}

/** How long create/PATCH wait for DNS before leaving the check to the deliverer. */
const RESOLVE_TIMEOUT_MS = 2000;

/** The addresses of `host` by the current resolver; undefined when it does not resolve (in time). */
export async function resolveForCheck(host: string): Promise<ReadonlyArray<{ address: string; family: number }> | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      urlResolver(host),
      new Promise<undefined>((done) => {
        timer = setTimeout(() => done(undefined), RESOLVE_TIMEOUT_MS);
      }),
    ]);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
