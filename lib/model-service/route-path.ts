/**
 * The path of a service's HTTPRoute: what the Gateway API accepts as a PathPrefix, and when the
 * public prefix must be rewritten to the one the engine serves.
 */

/** Longest path value the HTTPRoute CRD accepts (`HTTPPathMatch.value`, maxLength 1024, Gateway API v1.6.1). */
export const MAX_ROUTE_PATH_LENGTH = 1024;

/**
 * The CRD's rules on a PathPrefix value (gateway-api v1.6.1
 * `config/crd/standard/gateway.networking.k8s.io_httproutes.yaml`, `HTTPPathMatch`
 * `x-kubernetes-validations`), as synth-time checks with their own message: the API server would
 * refuse the route, after every other object of the service was applied.
 */
const PATH_RULES: readonly { readonly broken: (v: string) => boolean; readonly reason: string }[] = [
  { broken: v => !v.startsWith('/'), reason: 'must start with "/"' },
  { broken: v => v.includes('//'), reason: 'must not contain "//"' },
  { broken: v => v.includes('/./'), reason: 'must not contain "/./"' },
  { broken: v => v.includes('/../'), reason: 'must not contain "/../"' },
  { broken: v => v.includes('%2f') || v.includes('%2F'), reason: 'must not contain an encoded "/" (%2f)' },
  { broken: v => v.includes('#'), reason: 'must not contain "#"' },
  { broken: v => v.endsWith('/..'), reason: 'must not end with "/.."' },
  { broken: v => v.endsWith('/.'), reason: 'must not end with "/."' },
  { broken: v => !/^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$/.test(v), reason: 'has characters a URL path cannot carry unencoded (allowed: letters, digits, -._~!$&\'()*+,;=:@/ and %XX)' },
  { broken: v => v.length > MAX_ROUTE_PATH_LENGTH, reason: `is longer than ${MAX_ROUTE_PATH_LENGTH} characters` },
];

/** Why a path prefix would be refused by the API server, or undefined when it is fine. */
export function pathPrefixProblem(value: string): string | undefined {
  if (typeof value !== 'string' || value.length === 0) return 'must be a non-empty path starting with "/"';
  return PATH_RULES.find(r => r.broken(value))?.reason;
}

/**
 * The prefix as a Gateway matches it: "a trailing `/` is ignored" (Gateway API `PathPrefix`:
 * `/abc`, `/abc/` and `/abc/def` all match the prefix `/abc`).
 */
export function normalizePathPrefix(value: string): string {
  const trimmed = value.replace(/\/+$/, '');
  return trimmed.length === 0 ? '/' : trimmed;
}

/**
 * The prefix a request's matched prefix must be replaced with before it reaches the engine, or
 * undefined when the public prefix is the engine's own API path (equal to it, or below it: a
 * route on `/v1/chat` narrows the engine's `/v1` API and must keep its path).
 *
 * `/qwen/v1` on an engine serving `/v1` rewrites `/qwen/v1/chat/completions` to
 * `/v1/chat/completions` (HTTPRoute `URLRewrite` filter, `ReplacePrefixMatch`).
 */
export function apiPrefixRewrite(pathPrefix: string, apiPathPrefix: string): string | undefined {
  const path = normalizePathPrefix(pathPrefix);
  const api = normalizePathPrefix(apiPathPrefix);
  if (api === '/' || path === api || path.startsWith(`${api}/`)) return undefined;
  return api;
}
