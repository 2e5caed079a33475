/**
 * Test-side ports of the string and number formats the Kubernetes API server (and kubelet, and the
 * controllers modelship targets) check in Go code. Each function mirrors one upstream Go function and
 * returns its list of error strings (empty = valid), as the Go original does.
 *
 * INDEPENDENT of lib/private/api-rules on purpose: written from the upstream sources below, never
 * importing lib, so that test/api-rules.property.test.ts can check one against the other.
 *
 * - k8s.io/apimachinery v0.35.0: pkg/util/validation/validation.go, pkg/api/validate/content/{dns,kube}.go,
 *   pkg/api/resource/quantity.go + suffix.go, pkg/api/validation/objectmeta.go
 * - golang/go src/time/format.go ParseDuration
 * - github.com/distribution/reference v0.6.0 regexp.go, reference.go Parse, normalize.go ParseNormalizedNamed;
 *   github.com/opencontainers/go-digest v1.0.0 (algorithm encodings)
 * - argoproj/argo-rollouts v1.9.1 pkg/apis/rollouts/v1alpha1 (DurationString, RolloutPause)
 */

// ---------------------------------------------------------------------------------------------
// apimachinery pkg/util/validation/validation.go + pkg/api/validate/content
// ---------------------------------------------------------------------------------------------

const dns1123LabelFmt = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const dns1123SubdomainFmt = `${dns1123LabelFmt}(\\.${dns1123LabelFmt})*`;
const dns1035LabelFmt = '[a-z]([-a-z0-9]*[a-z0-9])?';
const labelKeyFmt = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const anchored = (fmt: string) => new RegExp(`^${fmt}$`);
const dns1123LabelRegexp = anchored(dns1123LabelFmt);
const dns1123SubdomainRegexp = anchored(dns1123SubdomainFmt);
const dns1035LabelRegexp = anchored(dns1035LabelFmt);
const labelKeyRegexp = anchored(labelKeyFmt);
const labelValueRegexp = anchored(`(${labelKeyFmt})?`);
const envVarNameRegexp = anchored('[-._a-zA-Z][-._a-zA-Z0-9]*');
const configMapKeyRegexp = anchored('[-._a-zA-Z0-9]+');

/** Go's len(): bytes of the UTF-8 encoding. */
export function goLen(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

export function IsDNS1123Label(value: string): string[] {
  const errs: string[] = [];
  if (goLen(value) > 63) errs.push('must be no more than 63 characters');
  if (!dns1123LabelRegexp.test(value)) {
    errs.push(dns1123SubdomainRegexp.test(value) ? 'must not contain dots' : `a lowercase RFC 1123 label must match '${dns1123LabelFmt}'`);
  }
  return errs;
}

export function IsDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (goLen(value) > 253) errs.push('must be no more than 253 characters');
  if (!dns1123SubdomainRegexp.test(value)) errs.push(`a lowercase RFC 1123 subdomain must match '${dns1123SubdomainFmt}'`);
  return errs;
}

export function IsDNS1035Label(value: string): string[] {
  const errs: string[] = [];
  if (goLen(value) > 63) errs.push('must be no more than 63 characters');
  if (!dns1035LabelRegexp.test(value)) errs.push(`a DNS-1035 label must match '${dns1035LabelFmt}'`);
  return errs;
}

/** content.IsLabelKey (a.k.a. IsQualifiedName). */
export function IsQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0];
  } else if (parts.length === 2) {
    const prefix = parts[0];
    name = parts[1];
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else errs.push(...IsDNS1123Subdomain(prefix).map(m => `prefix part ${m}`));
  } else {
    return [`a valid label key must match '${labelKeyFmt}' with an optional DNS subdomain prefix and '/'`];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (goLen(name) > 63) errs.push('name part must be no more than 63 characters');
  if (!labelKeyRegexp.test(name)) errs.push(`name part must match '${labelKeyFmt}'`);
  return errs;
}

export function IsValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (goLen(value) > 63) errs.push('must be no more than 63 characters');
  if (!labelValueRegexp.test(value)) errs.push(`a valid label must be an empty string or match '${labelKeyFmt}'`);
  return errs;
}

function hasChDirPrefix(value: string): string[] {
  if (value === '.') return ["must not be '.'"];
  if (value === '..') return ["must not be '..'"];
  if (value.startsWith('..')) return ["must not start with '..'"];
  return [];
}

/** Strict IsEnvVarName; clusters before 1.32 (RelaxedEnvironmentVariableValidation off) enforce it. */
export function IsEnvVarName(value: string): string[] {
  const errs: string[] = [];
  if (!envVarNameRegexp.test(value)) errs.push("a valid environment variable name must match '[-._a-zA-Z][-._a-zA-Z0-9]*'");
  return errs.concat(hasChDirPrefix(value));
}

export function IsConfigMapKey(value: string): string[] {
  const errs: string[] = [];
  if (goLen(value) > 253) errs.push('must be no more than 253 characters');
  if (!configMapKeyRegexp.test(value)) errs.push("a valid config key must match '[-._a-zA-Z0-9]+'");
  return errs.concat(hasChDirPrefix(value));
}

export function IsValidPortNum(port: number): string[] {
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? [] : ['must be between 1 and 65535, inclusive'];
}

export function IsValidPortName(port: string): string[] {
  const errs: string[] = [];
  if (goLen(port) > 15) errs.push('must be no more than 15 characters');
  if (!/^[-a-z0-9]+$/.test(port)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(port)) errs.push('must contain at least one letter (a-z)');
  if (port.includes('--')) errs.push('must not contain consecutive hyphens');
  if (port.length > 0 && (port[0] === '-' || port[port.length - 1] === '-')) errs.push('must not begin or end with a hyphen');
  return errs;
}

/** path.IsValidPathSegmentName: RBAC object names. */
export function IsValidPathSegmentName(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  const errs: string[] = [];
  for (const bad of ['/', '%']) if (name.includes(bad)) errs.push(`may not contain '${bad}'`);
  return errs;
}

export function IsValidPercent(percent: string): string[] {
  return /^[0-9]+%$/.test(percent) ? [] : ["a valid percent string must be a numeric string followed by an ending '%'"];
}

// ---------------------------------------------------------------------------------------------
// apimachinery pkg/api/resource: ParseQuantity
// ---------------------------------------------------------------------------------------------

/** What ParseQuantity makes of a string: its sign and approximate value, or the Go error. */
export type ParsedQuantity = { ok: true; negative: boolean; zero: boolean; approx: number } | { ok: false; error: string };

/** Port of `parseQuantityString` + `quantitySuffixer.interpret` (the scanner, quirks included). */
export function ParseQuantity(str: string): ParsedQuantity {
  if (str.length === 0) return { ok: false, error: 'quantities must match the regular expression' };
  if (str === '0') return { ok: true, negative: false, zero: true, approx: 0 };
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (str[0] === '-') { positive = false; pos++; } else if (str[0] === '+') { pos++; }
  // strip leading zeros
  while (pos < end && str[pos] === '0') pos++;
  if (pos >= end) return { ok: true, negative: !positive, zero: true, approx: 0 };
  const isDigit = (c: string) => c >= '0' && c <= '9';
  let i = pos;
  while (i < end && isDigit(str[i])) i++;
  const num = str.slice(pos, i) || '0';
  pos = i;
  let denom = '';
  if (pos < end && str[pos] === '.') {
    pos++;
    let j = pos;
    while (j < end && isDigit(str[j])) j++;
    denom = str.slice(pos, j);
    pos = j;
  }
  const suffixStart = pos;
  let k = pos;
  while (k < end && 'eEinumkKMGTP'.includes(str[k])) k++;
  pos = k;
  if (pos < end && (str[pos] === '-' || str[pos] === '+')) pos++;
  while (pos < end && isDigit(str[pos])) pos++;
  if (pos < end) return { ok: false, error: 'quantities must match the regular expression' };
  const suffix = str.slice(suffixStart);
  // interpret: decimal SI, binary SI, then e/E + ParseInt
  const decimal: Record<string, number> = { '': 0, 'n': -9, 'u': -6, 'm': -3, 'k': 3, 'M': 6, 'G': 9, 'T': 12, 'P': 15, 'E': 18 };
  const binary: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
  let scale: number;
  if (suffix in decimal) scale = 10 ** decimal[suffix];
  else if (suffix in binary) scale = 2 ** binary[suffix];
  else if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?[0-9]+$/.test(suffix.slice(1))) scale = 10 ** Number(suffix.slice(1));
  else return { ok: false, error: "unable to parse quantity's suffix" };
  const magnitude = Number(`${num}.${denom || '0'}`) * scale;
  return { ok: true, negative: !positive && magnitude !== 0, zero: magnitude === 0, approx: positive ? magnitude : -magnitude };
}

// ---------------------------------------------------------------------------------------------
// golang/go src/time/format.go ParseDuration
// ---------------------------------------------------------------------------------------------

const unitMap: Record<string, bigint> = {
  ns: 1n, us: 1000n, µs: 1000n, μs: 1000n, ms: 1000000n, s: 1000000000n, m: 60000000000n, h: 3600000000000n,
};

/** Nanoseconds, or an error string, exactly as Go's ParseDuration decides. */
export function ParseDuration(orig: string): bigint | string {
  const invalid = `time: invalid duration "${orig}"`;
  let s = orig;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) { neg = s[0] === '-'; s = s.slice(1); }
  if (s === '0') return 0n;
  if (s === '') return invalid;
  let d = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || (s[0] >= '0' && s[0] <= '9'))) return invalid;
    let i = 0;
    while (i < s.length && s[i] >= '0' && s[i] <= '9') i++;
    const pre = i > 0;
    let v = i > 0 ? BigInt(s.slice(0, i)) : 0n;
    if (v > (1n << 63n) - 1n) return invalid; // leadingInt overflow
    s = s.slice(i);
    let f = 0n;
    let scale = 1n;
    let post = false;
    if (s !== '' && s[0] === '.') {
      s = s.slice(1);
      let j = 0;
      while (j < s.length && s[j] >= '0' && s[j] <= '9') j++;
      post = j > 0;
      // leadingFraction stops accumulating once more digits could overflow; exact is fine here.
      if (j > 0) { f = BigInt(s.slice(0, j)); scale = 10n ** BigInt(j); }
      s = s.slice(j);
    }
    if (!pre && !post) return invalid;
    let u = 0;
    while (u < s.length && s[u] !== '.' && !(s[u] >= '0' && s[u] <= '9')) u++;
    if (u === 0) return `time: missing unit in duration "${orig}"`;
    const unit = unitMap[s.slice(0, u)];
    if (unit === undefined) return `time: unknown unit "${s.slice(0, u)}" in duration "${orig}"`;
    s = s.slice(u);
    if (v > (1n << 63n) / unit) return invalid;
    v *= unit;
    if (f > 0n) {
      v += (f * unit) / scale;
      if (v > 1n << 63n) return invalid;
    }
    d += v;
    if (d > 1n << 63n) return invalid;
  }
  if (neg) return -d;
  if (d > (1n << 63n) - 1n) return invalid;
  return d;
}

// ---------------------------------------------------------------------------------------------
// distribution/reference v0.6.0 ParseNormalizedNamed (what the kubelet calls before pulling)
// ---------------------------------------------------------------------------------------------

const pathComponentRe = /^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*$/;
const domainRe = /^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?$/;
const tagRe = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const digestRe = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const digestEncodings: Record<string, RegExp> = { sha256: /^[a-f0-9]{64}$/, sha384: /^[a-f0-9]{96}$/, sha512: /^[a-f0-9]{128}$/ };

/**
 * Errors of `ParseNormalizedNamed(image)`: splits off the digest ('@'), the tag (':' after the last
 * '/'), the registry (first component with '.' or ':', `localhost`, or uppercase), then checks each
 * piece on its own.
 */
export function ParseNormalizedNamed(s: string): string[] {
  if (/^[a-f0-9]{64}$/.test(s)) return ['cannot specify 64-byte hexadecimal strings'];
  if (s === '') return ['repository name must have at least one component'];
  let rest = s;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) { digest = rest.slice(at + 1); rest = rest.slice(0, at); }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.indexOf(':', lastSlash + 1);
  // A ':' before the last '/' belongs to a registry port; one after it starts the tag.
  if (colon >= 0) { tag = rest.slice(colon + 1); rest = rest.slice(0, colon); }
  const firstSlash = rest.indexOf('/');
  let domain = 'docker.io';
  let remote = rest;
  if (firstSlash >= 0) {
    const maybe = rest.slice(0, firstSlash);
    if (maybe === 'localhost' || /[.:]/.test(maybe) || maybe.toLowerCase() !== maybe) {
      domain = maybe;
      remote = rest.slice(firstSlash + 1);
    }
  }
  if (domain === 'docker.io' && !remote.includes('/')) remote = `library/${remote}`;
  const errs: string[] = [];
  if (remote.toLowerCase() !== remote) errs.push('repository name must be lowercase');
  const validPath = (p: string) => p.split('/').every(c => pathComponentRe.test(c));
  // Parse(domain + "/" + remainder): when the registry part is not a valid host, the regexp can still
  // read it as the first path component ("a_b.com/x" is a valid name on docker.io's grammar).
  let path: string | undefined;
  if (domainRe.test(domain) && validPath(remote)) path = remote;
  else if (validPath(`${domain}/${remote}`)) path = `${domain}/${remote}`;
  if (path === undefined) errs.push('invalid reference format');
  else if (path.length > 255) errs.push('repository name must not be more than 255 characters');
  if (tag !== undefined && !tagRe.test(tag)) errs.push('invalid reference format (tag)');
  if (digest !== undefined) {
    if (!digestRe.test(digest)) {errs.push('invalid reference format (digest)');} else {
      const [algorithm, encoded] = [digest.slice(0, digest.indexOf(':')), digest.slice(digest.indexOf(':') + 1)];
      const enc = digestEncodings[algorithm];
      if (!enc) errs.push('unsupported digest algorithm');
      else if (!enc.test(encoded)) errs.push('invalid checksum digest format');
    }
  }
  return [...new Set(errs)];
}

// ---------------------------------------------------------------------------------------------
// argo-rollouts v1.9.1
// ---------------------------------------------------------------------------------------------

/** RolloutPause.DurationSeconds(): -1 for what Argo treats as invalid (then validation refuses < 0). */
export function RolloutPauseDurationSeconds(duration: unknown): number {
  if (typeof duration === 'number') return duration;
  if (typeof duration !== 'string') return -1;
  if (/^[+-]?[0-9]+$/.test(duration)) {
    const n = Number(duration);
    return n >= -2147483648 && n <= 2147483647 ? n : -1; // strconv.ParseInt(s, 10, 32) fails out of range
  }
  const ns = ParseDuration(duration);
  if (typeof ns === 'string') return -1;
  // int32(d.Seconds()) truncates toward zero; Go wraps on overflow.
  const seconds = Number(ns / 1000000000n);
  return seconds > 2147483647 ? -1 : seconds;
}
