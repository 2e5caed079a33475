import { IConstruct } from 'constructs';

/**
 * The routes attached to each Gateway in an app. Two HTTPRoutes on one Gateway whose rules tie
 * for a request (same path prefix, same hostname match) are both Accepted, and the Gateway sends
 * every such request to one of them: the oldest route, then the first by `namespace/name`
 * (gateway-api v1.6.1 HTTPRoute CRD, `spec.rules[].matches` description). The other service is
 * silently unreachable on that path. modelship refuses that at synth.
 *
 * Routes that differ in hostname specificity do not tie: "precedence must be given to rules from
 * the HTTPRoute with the largest number of characters in a matching non-wildcard hostname, then
 * characters in a matching hostname" (same CRD, `spec.hostnames`). A route for `llm.example.com`
 * next to one for every hostname is a deliberate override, not a collision.
 */

/** One route's claim on a Gateway. */
export interface RouteClaim {
  readonly owner: IConstruct;
  /** `namespace/name` of the Gateway. */
  readonly gateway: string;
  /** Hostnames of the route; empty means every hostname of the Gateway's listeners. */
  readonly hostnames: readonly string[];
  /** The path prefix as the Gateway matches it (trailing `/` removed). */
  readonly pathPrefix: string;
}

const CLAIMS = new WeakMap<IConstruct, RouteClaim[]>();

function claimsOf(scope: IConstruct): RouteClaim[] {
  const root = scope.node.root;
  let claims = CLAIMS.get(root);
  if (!claims) {
    claims = [];
    CLAIMS.set(root, claims);
  }
  return claims;
}

/** The routes already in the app that the claim would collide with. */
export function collidingRoutes(scope: IConstruct, claim: Omit<RouteClaim, 'owner'>): RouteClaim[] {
  return claimsOf(scope).filter(c => c.owner !== scope && c.gateway === claim.gateway && c.pathPrefix === claim.pathPrefix
    && hostnamesTie(c.hostnames, claim.hostnames));
}

/** Records a route (call once the owner's input is valid). */
export function recordRoute(claim: RouteClaim): void {
  claimsOf(claim.owner).push(claim);
}

/**
 * Whether some request matches both routes' hostnames with equal precedence: both answer every
 * hostname (none given), or both list the same hostname (exact or wildcard). Two different
 * hostnames that both match a request differ in length or in being a wildcard, so one wins.
 */
export function hostnamesTie(a: readonly string[], b: readonly string[]): boolean {
  if (a.length === 0 || b.length === 0) return a.length === 0 && b.length === 0;
  const lower = new Set(a.map(h => h.toLowerCase()));
  return b.some(h => lower.has(h.toLowerCase()));
}
