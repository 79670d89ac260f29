/**
 * Routing's own words: how a request ended (the outcome codes every journal row, record and report
 * uses), where its server group came from, and which kind of rule matched it. Defined here, where
 * the decisions are made; the journal, records and reports read them.
 */

/** Request outcomes. */
export const OUTCOME_OK = 0;
/** The chosen group had no eligible backend: layer 7 answers 503, layer 4 establishes no connection. */
export const OUTCOME_NO_BACKEND = 1;
/** The listener exists but is stopped: the connection is refused. */
export const OUTCOME_LISTENER_STOPPED = 2;
/** No listener on that LoadBalancerId:protocol:port. */
export const OUTCOME_NO_LISTENER = 3;
/** Sent to a backend that is dead but not yet detected, and not retried (L4; L7 after its tries). */
export const OUTCOME_BACKEND_ERROR = 4;
/**
 * Layer 7: nginx rejects the request before any routing — an invalid URI (`/..` above the root,
 * a malformed escape, `%00`) or Host (`a..example.com`) — and answers 400 (URL matching
 * `normalized`). Added after the others (issue 10), so the older codes keep their numbers.
 */
export const OUTCOME_BAD_REQUEST = 5;

export const OUTCOME_NAMES = [
  'ok',
  'no-eligible-backend',
  'listener-stopped',
  'no-such-listener',
  'backend-error',
  'bad-request',
] as const;
export type OutcomeName = (typeof OUTCOME_NAMES)[number];

export type RouteSource = 'rule' | 'listener-vserver-group' | 'master-slave' | 'default-pool';
export type MatchKind =
  | 'exact-domain'
  | 'wildcard-domain'
  | 'exact-domain+url'
  | 'wildcard-domain+url'
  | 'url';
