import { Problems } from '../errors';
import { RouteOptions } from './props';
import { pathPrefixProblem } from './route-path';

/** `HTTPRouteSpec.hostnames` items (gateway-api v1.6.1 HTTPRoute CRD): precise or `*.`-wildcard, lowercase, at most 253 characters. */
const ROUTE_HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** `HTTPRouteSpec.hostnames` maxItems (same CRD). */
const MAX_ROUTE_HOSTNAMES = 16;

/**
 * Checks a service's route by the HTTPRoute CRD's own rules, and its Gateway implementation's
 * options: the API server would refuse the route (or the NetworkPolicy) after the service's other
 * objects were applied.
 */
export function checkRoute(problems: Problems, route: RouteOptions, apiPathPrefix: string): void {
  if (route.pathPrefix !== undefined) {
    const reason = pathPrefixProblem(route.pathPrefix);
    if (reason) problems.add('route.pathPrefix', route.pathPrefix, reason, `use a plain path such as "${apiPathPrefix}" or "/qwen${apiPathPrefix}"`);
  }
  const hostnames = route.hostnames ?? [];
  if (hostnames.length > MAX_ROUTE_HOSTNAMES) {
    problems.add('route.hostnames', hostnames.length, `an HTTPRoute takes at most ${MAX_ROUTE_HOSTNAMES} hostnames`, 'use a wildcard (*.example.com) or split the hostnames over services');
  }
  hostnames.forEach((h, i) => {
    if (typeof h !== 'string' || h.length > 253 || !ROUTE_HOSTNAME.test(h)) {
      problems.add(`route.hostnames[${i}]`, h, 'not a Gateway API hostname (lowercase DNS name, optionally starting with "*.", no IP, no port)', 'use e.g. "llm.example.com" or "*.example.com"');
    }
  });
  for (const p of route.implementation?._problems() ?? []) {
    problems.add(`route.implementation.${p.property}`, p.value, p.reason, p.fix);
  }
}
