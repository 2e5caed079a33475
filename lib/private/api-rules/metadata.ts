/**
 * Keys and values the API server checks in code: label keys and values, annotation keys and their
 * total size, ConfigMap/Secret keys, environment variable names, named ports.
 *
 * Reimplements, at k8s.io/apimachinery v0.35.0 (kubernetes-1.35.0):
 * - pkg/api/validate/content/kube.go `IsLabelKey` (qualified name: optional DNS-1123 subdomain prefix
 *   and '/', then a name of <= 63 characters of `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`) and
 *   `IsLabelValue` (<= 63 characters, same charset, may be empty);
 * - pkg/api/validation/objectmeta.go `ValidateAnnotations` (keys are qualified names checked
 *   lowercased, so case does not matter) and `TotalAnnotationSizeLimitB` (256 KiB, bytes of keys
 *   plus values);
 * - pkg/util/validation/validation.go `IsConfigMapKey` (`[-._a-zA-Z0-9]+`, <= 253, not `.`, `..`
 *   or `..`-prefixed), `IsEnvVarName` (`[-._a-zA-Z][-._a-zA-Z0-9]*`, same '.' rules) and
 *   `IsValidPortName` (IANA_SVC_NAME: <= 15 characters of [-a-z0-9], at least one letter, no '--',
 *   no '-' at either end).
 *
 * Environment variable names: Kubernetes 1.30 added the `RelaxedEnvironmentVariableValidation` gate
 * (any printable ASCII but '=', `IsRelaxedEnvVarName`), beta and on by default in 1.32, GA and locked
 * on in 1.34 (kubernetes pkg/features/kube_features.go). modelship targets clusters from 1.28
 * (cdk8s-plus-28), so it keeps the strict `IsEnvVarName` every supported cluster accepts.
 */
import { DNS1123_SUBDOMAIN_MAX, suggestDns1123Subdomain } from './names';
import { ProblemSink, byteLength, describeType, report } from './sink';

/** Longest name part of a label key, and longest label value. */
export const LABEL_NAME_MAX = 63;
/** Longest label value. */
export const LABEL_VALUE_MAX = 63;
/** Bytes of all annotation keys and values of one object together. */
export const ANNOTATIONS_TOTAL_MAX_BYTES = 256 * 1024;
/** Longest ConfigMap or Secret key. */
export const CONFIG_MAP_KEY_MAX = 253;
/** Longest named port (IANA_SVC_NAME). */
export const PORT_NAME_MAX = 15;

const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME_SHAPE = "letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** Why a qualified name (label key, annotation key lowercased) is invalid; empty when it is fine. */
function qualifiedNameReasons(key: string): string[] {
  const parts = key.split('/');
  if (parts.length > 2) return [`has ${parts.length - 1} '/'; a key is an optional DNS subdomain prefix, '/', and a name`];
  const reasons: string[] = [];
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    const prefix = parts[0];
    if (prefix === '') {reasons.push("has an empty prefix before '/'");} else {
      if (!DNS1123_SUBDOMAIN.test(prefix)) reasons.push(`prefix "${prefix}" is not a DNS-1123 subdomain (lowercase letters, digits, '-' and '.')`);
      if (prefix.length > DNS1123_SUBDOMAIN_MAX) reasons.push(`prefix is ${prefix.length} characters, over ${DNS1123_SUBDOMAIN_MAX}`);
    }
  }
  if (name === '') {reasons.push('has an empty name part');} else {
    if (!LABEL_NAME.test(name)) reasons.push(`name part "${name}" must be ${LABEL_NAME_SHAPE}`);
    if (name.length > LABEL_NAME_MAX) reasons.push(`name part is ${name.length} characters, over ${LABEL_NAME_MAX}`);
  }
  return reasons;
}

/** Checks a label key (and any other Kubernetes "qualified name", e.g. a node-selector key). */
export function checkLabelKey(sink: ProblemSink, property: string, value: unknown): boolean {
  if (typeof value !== 'string') return report(sink, property, value, [`a label key must be a string, got ${describeType(value)}`], 'use a key like "example.com/team"');
  return report(sink, property, value, qualifiedNameReasons(value).map(r => `label key ${r}`), `use a key like "${suggestLabelKey(value)}"`);
}

/** Checks a label value: at most 63 characters, may be empty. */
export function checkLabelValue(sink: ProblemSink, property: string, value: unknown): boolean {
  if (typeof value !== 'string') return report(sink, property, value, [`a label value must be a string, got ${describeType(value)}`], 'use a value like "v1"');
  const reasons: string[] = [];
  if (value !== '' && !LABEL_NAME.test(value)) reasons.push(`a label value must be empty or ${LABEL_NAME_SHAPE}`);
  if (value.length > LABEL_VALUE_MAX) reasons.push(`a label value is at most ${LABEL_VALUE_MAX} characters, this one has ${value.length}`);
  return report(sink, property, value, reasons, `use a value like "${suggestLabelValue(value)}"`);
}

/** Checks every key and value of a label map (metadata.labels, a selector, a node selector). */
export function checkLabels(sink: ProblemSink, property: string, labels: unknown): boolean {
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) {
    return report(sink, property, labels, [`labels must be a map of strings, got ${describeType(labels)}`], 'give labels as { key: "value" }');
  }
  let ok = true;
  for (const [key, value] of Object.entries(labels)) {
    ok = checkLabelKey(sink, `${property}["${key}"]`, key) && ok;
    ok = checkLabelValue(sink, `${property}["${key}"]`, value) && ok;
  }
  return ok;
}

/** Checks an annotation key (a qualified name, case-insensitive). */
export function checkAnnotationKey(sink: ProblemSink, property: string, value: unknown): boolean {
  if (typeof value !== 'string') return report(sink, property, value, [`an annotation key must be a string, got ${describeType(value)}`], 'use a key like "example.com/owner"');
  return report(sink, property, value, qualifiedNameReasons(value.toLowerCase()).map(r => `annotation key ${r}`), `use a key like "${suggestLabelKey(value)}"`);
}

/** Checks the keys of an annotation map and its total size (keys plus values, 256 KiB). */
export function checkAnnotations(sink: ProblemSink, property: string, annotations: unknown): boolean {
  if (annotations === null || typeof annotations !== 'object' || Array.isArray(annotations)) {
    return report(sink, property, annotations, [`annotations must be a map of strings, got ${describeType(annotations)}`], 'give annotations as { key: "value" }');
  }
  let ok = true;
  let bytes = 0;
  for (const [key, value] of Object.entries(annotations)) {
    ok = checkAnnotationKey(sink, `${property}["${key}"]`, key) && ok;
    if (typeof value !== 'string') {
      ok = report(sink, `${property}["${key}"]`, value, [`an annotation value must be a string, got ${describeType(value)}`], 'give the value as a string') && ok;
    } else {
      bytes += byteLength(key) + byteLength(value);
    }
  }
  if (bytes > ANNOTATIONS_TOTAL_MAX_BYTES) {
    ok = report(sink, property, `${Object.keys(annotations).length} annotations`,
      [`annotations total ${bytes} bytes, over the ${ANNOTATIONS_TOTAL_MAX_BYTES} (256 KiB) the API server accepts on one object`],
      'move large values to a ConfigMap and reference it') && ok;
  }
  return ok;
}

/** Checks a ConfigMap or Secret key (also the `key` of a configMapKeyRef / secretKeyRef). */
export function checkConfigMapKey(sink: ProblemSink, property: string, value: unknown): boolean {
  if (typeof value !== 'string') return report(sink, property, value, [`a key must be a string, got ${describeType(value)}`], 'use a key like "config.yaml"');
  const reasons: string[] = [];
  if (!CONFIG_MAP_KEY.test(value)) reasons.push("a ConfigMap/Secret key must be non-empty letters, digits, '-', '_' and '.'");
  if (value.length > CONFIG_MAP_KEY_MAX) reasons.push(`a ConfigMap/Secret key is at most ${CONFIG_MAP_KEY_MAX} characters, this one has ${value.length}`);
  reasons.push(...chdirReasons(value));
  const suggestion = value.replace(/[^-._a-zA-Z0-9]+/g, '_').replace(/^\.+/, '').slice(0, CONFIG_MAP_KEY_MAX) || 'key';
  return report(sink, property, value, reasons, `use a key like "${suggestion}"`);
}

/** Checks an environment variable name (strict `IsEnvVarName`, accepted by every cluster version). */
export function checkEnvVarName(sink: ProblemSink, property: string, value: unknown): boolean {
  if (typeof value !== 'string') return report(sink, property, value, [`an environment variable name must be a string, got ${describeType(value)}`], 'use a name like "HF_TOKEN"');
  const reasons: string[] = [];
  if (!ENV_VAR_NAME.test(value)) {
    reasons.push(value === ''
      ? 'an environment variable name must not be empty'
      : "an environment variable name must be letters, digits, '_', '-' and '.', not starting with a digit");
  }
  reasons.push(...chdirReasons(value));
  return report(sink, property, value, reasons, `use a name like "${suggestEnvVarName(value)}"`);
}

/** Checks a named port (container port names, Service targetPort / probe port given by name). */
export function checkPortName(sink: ProblemSink, property: string, value: unknown): boolean {
  if (typeof value !== 'string') return report(sink, property, value, [`a port name must be a string, got ${describeType(value)}`], 'use a name like "http"');
  const reasons: string[] = [];
  if (value.length > PORT_NAME_MAX) reasons.push(`a port name is at most ${PORT_NAME_MAX} characters (IANA_SVC_NAME), this one has ${value.length}`);
  if (!/^[-a-z0-9]+$/.test(value)) reasons.push("a port name may only contain lowercase letters, digits and '-'");
  if (!/[a-z]/.test(value)) reasons.push('a port name must contain at least one letter');
  if (value.includes('--')) reasons.push("a port name must not contain '--'");
  if (value.startsWith('-') || value.endsWith('-')) reasons.push("a port name must not start or end with '-'");
  return report(sink, property, value, reasons, `use a name like "${suggestPortName(value)}"`);
}

function chdirReasons(value: string): string[] {
  if (value === '.' || value === '..') return [`must not be '${value}'`];
  if (value.startsWith('..')) return ["must not start with '..'"];
  return [];
}

/** The nearest label value: other characters turned into '-', trimmed to 63, alphanumeric at both ends. */
export function suggestLabelValue(value: string): string {
  return value.replace(/[^-A-Za-z0-9_.]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, LABEL_VALUE_MAX).replace(/[^A-Za-z0-9]+$/, '');
}

/** The nearest label key: the prefix made a DNS subdomain, the name made a label-value-like name. */
export function suggestLabelKey(value: string): string {
  const slash = value.lastIndexOf('/');
  const name = suggestLabelValue(slash >= 0 ? value.slice(slash + 1) : value) || 'key';
  if (slash < 0) return name;
  const prefix = suggestDns1123Subdomain(value.slice(0, slash), DNS1123_SUBDOMAIN_MAX, 'example.com');
  return `${prefix}/${name}`;
}

/** The nearest environment variable name: other characters turned into '_', '_' in front of a leading digit. */
export function suggestEnvVarName(value: string): string {
  const cleaned = value.replace(/[^-._a-zA-Z0-9]+/g, '_').replace(/^\.+/, '');
  if (cleaned === '') return 'VALUE';
  return /^[0-9]/.test(cleaned) ? `_${cleaned}` : cleaned;
}

/** The nearest IANA_SVC_NAME: lowercase, [-a-z0-9], no '--', at most 15, with a letter. */
export function suggestPortName(value: string): string {
  let name = value.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/-+/g, '-').replace(/^-+/, '').slice(0, PORT_NAME_MAX).replace(/-+$/, '');
  if (!/[a-z]/.test(name)) name = `p${name}`.slice(0, PORT_NAME_MAX).replace(/-+$/, '');
  return name;
}
