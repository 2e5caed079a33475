/**
 * Object names: DNS-1123 labels and subdomains, DNS-1035 labels, with room for the names modelship
 * derives from them (`<name>-canary`, `<name>-model-cache`, ...).
 *
 * Reimplements k8s.io/apimachinery pkg/util/validation/validation.go at v0.35.0 (kubernetes-1.35.0):
 * `IsDNS1123Label` (`[a-z0-9]([-a-z0-9]*[a-z0-9])?`, <= 63), `IsDNS1123Subdomain` (labels joined by
 * '.', <= 253), `IsDNS1035Label` (`[a-z]([-a-z0-9]*[a-z0-9])?`, <= 63). Which kind uses which is in
 * kubernetes pkg/apis/core/validation/validation.go (`ValidateServiceName = NameIsDNS1035Label`,
 * `ValidateNamespaceName` = DNS-1123 label, most other kinds `NameIsDNSSubdomain`).
 */
import { ProblemSink, describeType, report } from './sink';

/** DNS-1123 label: Namespace names, container and volume names, label-sized names. */
export const DNS1123_LABEL_MAX = 63;
/** DNS-1123 subdomain: the name of most kinds (Deployment, ConfigMap, Secret, PVC, custom resources). */
export const DNS1123_SUBDOMAIN_MAX = 253;
/** DNS-1035 label: Service names. */
export const DNS1035_LABEL_MAX = 63;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** Options of the name rules. */
export interface NameRuleOptions {
  /**
   * Maximum length, when a consumer allows less than the rule does (a CronJob name, a Helm release).
   * @default the rule's own maximum
   */
  readonly maxLength?: number;
  /**
   * Names modelship builds from this one (`${name}-model-cache`), each of which must satisfy the same
   * rule; each must contain the value. The value is refused when the longest does not fit, and the
   * fix suggests a value short enough for all of them.
   * @default - none
   */
  readonly derived?: readonly string[];
}

interface NameRule {
  readonly title: string;
  readonly shape: string;
  readonly pattern: RegExp;
  readonly max: number;
  readonly suggest: (value: string, maxLength: number) => string;
}

const LABEL_RULE: NameRule = {
  title: 'DNS-1123 label',
  shape: "lowercase letters, digits and '-', starting and ending with a letter or digit",
  pattern: DNS1123_LABEL,
  max: DNS1123_LABEL_MAX,
  suggest: (v, max) => suggestDns1123Label(v, max),
};

const SUBDOMAIN_RULE: NameRule = {
  title: 'DNS-1123 subdomain',
  shape: "lowercase letters, digits, '-' and '.', each '.'-separated part starting and ending with a letter or digit",
  pattern: DNS1123_SUBDOMAIN,
  max: DNS1123_SUBDOMAIN_MAX,
  suggest: (v, max) => suggestDns1123Subdomain(v, max),
};

const DNS1035_RULE: NameRule = {
  title: 'DNS-1035 label',
  shape: "lowercase letters, digits and '-', starting with a letter and ending with a letter or digit",
  pattern: DNS1035_LABEL,
  max: DNS1035_LABEL_MAX,
  suggest: (v, max) => suggestDns1035Label(v, max),
};

/** Checks a DNS-1123 label (Namespace names, container, volume and port-less names). */
export function checkDns1123Label(sink: ProblemSink, property: string, value: unknown, options: NameRuleOptions = {}): boolean {
  return checkName(LABEL_RULE, sink, property, value, options);
}

/** Checks a DNS-1123 subdomain (the metadata.name of most kinds, Secret and PVC references). */
export function checkDns1123Subdomain(sink: ProblemSink, property: string, value: unknown, options: NameRuleOptions = {}): boolean {
  return checkName(SUBDOMAIN_RULE, sink, property, value, options);
}

/** Checks a DNS-1035 label (Service names: must start with a letter). */
export function checkDns1035Label(sink: ProblemSink, property: string, value: unknown, options: NameRuleOptions = {}): boolean {
  return checkName(DNS1035_RULE, sink, property, value, options);
}

function checkName(rule: NameRule, sink: ProblemSink, property: string, value: unknown, options: NameRuleOptions): boolean {
  const max = Math.min(options.maxLength ?? rule.max, rule.max);
  if (typeof value !== 'string') {
    return report(sink, property, value, [`must be a ${rule.title} (a string), got ${describeType(value)}`], `give a name like "${rule.suggest('model', max)}"`);
  }
  const reasons: string[] = [];
  if (value === '') {
    reasons.push(`must not be empty (a ${rule.title}: ${rule.shape})`);
  } else {
    if (!rule.pattern.test(value)) reasons.push(`is not a ${rule.title} (${rule.shape})`);
    if (value.length > max) reasons.push(`is ${value.length} characters, over the ${max} a ${rule.title} may have here`);
  }
  // Room for every derived name: the value may be fine on its own and still make `<value>-model-cache` too long.
  let room = max;
  for (const derived of options.derived ?? []) {
    const overhead = derived.length - value.length;
    room = Math.min(room, max - overhead);
    if (reasons.length === 0 && derived.length > max) {
      reasons.push(`the name "${derived}" modelship derives from it is ${derived.length} characters, over the ${max} a ${rule.title} may have`);
    }
  }
  if (reasons.length === 0) return true;
  const suggestion = rule.suggest(value, Math.max(room, 1));
  const fix = room < max
    ? `use a name of at most ${Math.max(room, 0)} characters (room for ${(options.derived ?? []).map(d => `"${d}"`).join(', ')}), like "${suggestion}"`
    : `use a name like "${suggestion}"`;
  return report(sink, property, value, reasons, fix);
}

/**
 * The nearest DNS-1123 label: lowercased, every run of other characters turned into '-', trimmed
 * to `maxLength` without a trailing '-'. `fallback` when nothing is left.
 */
export function suggestDns1123Label(value: string, maxLength = DNS1123_LABEL_MAX, fallback = 'model'): string {
  const cleaned = value.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+/, '').slice(0, maxLength).replace(/-+$/, '');
  return cleaned.length > 0 ? cleaned : fallback.slice(0, maxLength);
}

/** The nearest DNS-1035 label: as {@link suggestDns1123Label}, prefixed with `m-` when it starts with a digit. */
export function suggestDns1035Label(value: string, maxLength = DNS1035_LABEL_MAX, fallback = 'model'): string {
  const label = suggestDns1123Label(value, maxLength, fallback);
  return /^[a-z]/.test(label) ? label : suggestDns1123Label(`m-${label}`, maxLength, fallback);
}

/** The nearest DNS-1123 subdomain: each '.'-separated part made a label, empty parts dropped. */
export function suggestDns1123Subdomain(value: string, maxLength = DNS1123_SUBDOMAIN_MAX, fallback = 'model'): string {
  const parts = value.toLowerCase().split('.').map(p => suggestDns1123Label(p, DNS1123_LABEL_MAX, '')).filter(p => p !== '');
  const joined = parts.join('.').slice(0, maxLength).replace(/[-.]+$/, '');
  return joined.length > 0 ? joined : fallback.slice(0, maxLength);
}
