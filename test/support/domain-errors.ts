/** Unit tests of shared/domain: what a domain function refuses with. */
import { DomainError } from '../../shared/errors';

/**
 * The DomainError `run` throws, as `kind:code` (e.g. `conflict:invalid_state`), or undefined when it
 * returns. Any other error propagates (it is a bug, not a refusal).
 */
export function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return `${error.kind}:${error.code}`;
  }
}
