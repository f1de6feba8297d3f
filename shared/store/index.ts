/**
 * The store: one repository per aggregate over one per-request loader. A use case gets a Store from
 * its context (shared/context.ts); a Store lives as long as one request, job item or workflow task.
 *
 *   users           users, e-mail guards, workspaces and their admin directories   (store/users.ts)
 *   teams           teams, team members, work items                                (store/teams.ts)
 *   teamPartners    team partner relations and partner invitations                  (store/team-partners.ts)
 *   partnerships    host-guest partnerships, their list entries and pair guards      (store/partnerships.ts)
 *   sharing         accounts, sharing states, shares, access requests, login grants  (store/sharing.ts)
 *   policies        partner policies of workspaces                                  (store/policies.ts)
 *   departures      member departures the job finishes (owner succession)           (store/departures.ts)
 *   webhooks        webhook endpoints, their counter and deliveries                  (store/webhooks.ts)
 *   due index: the scheduled job's Query of what is due                             (store/due.ts)
 *   activity log and notification outbox: plain functions over a Transaction        (store/activity.ts)
 */
import { Loader } from './loader';
import { TeamPartnersRepository } from './team-partners';
import { TeamsRepository } from './teams';
import { Transaction } from './transaction';
import { PartnershipsRepository } from './partnerships';
import { SharingRepository } from './sharing';
import { UsersRepository } from './users';
import { PoliciesRepository } from './policies';
import { DeparturesRepository } from './departures';
import { WebhooksRepository } from './webhooks';

export class Store {
  readonly loader = new Loader();
  readonly users = new UsersRepository(this.loader);
  readonly teams = new TeamsRepository(this.loader);
  readonly teamPartners = new TeamPartnersRepository(this.loader);
  readonly partnerships = new PartnershipsRepository(this.loader);
  readonly sharing = new SharingRepository(this.loader);
  readonly policies = new PoliciesRepository(this.loader);
  readonly departures = new DeparturesRepository(this.loader);
  readonly webhooks = new WebhooksRepository(this.loader);

  /**
   * @param beforeCommit run before every commit (the context's check that the caller was verified).
   * @param viewer who the request acts for: the cursors of its lists are bound to them.
   * @param correlationId the request's correlation id (SPEC §1), carried by every transaction it opens.
   */
  constructor(
    private readonly beforeCommit: () => void = () => undefined,
    viewer = '',
    private readonly correlationId?: string,
  ) {
    this.loader.viewer = viewer;
  }

  transaction(): Transaction {
    return new Transaction(this.beforeCommit, this.correlationId);
  }

  /** Forgets every read of this request (optimistic retries read again). */
  clear(): void {
    this.loader.clear();
  }
}

export { optimistic } from './concurrency';
export { ConcurrentChange, type FailureHandlers, Transaction } from './transaction';
export type { Page, PageRequest } from './query';
