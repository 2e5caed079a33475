/**
 * Kubernetes' own syntax rules (apimachinery `pkg/util/validation`), for checking user input before
 * the API server would refuse it. Shared by the constructs; not public.
 */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A DNS-1123 label (namespace names): at most 63 characters of `[a-z0-9-]`, alphanumeric at both ends. */
export function isDnsLabel(s: string): boolean {
  return typeof s === 'string' && s.length <= 63 && DNS_LABEL.test(s);
}

/** A label value (k8s `validation.IsValidLabelValue`: empty, or at most 63 characters of `[A-Za-z0-9_.-]` starting and ending alphanumeric). */
export function isLabelValue(s: string): boolean {
  return typeof s === 'string' && s.length <= 63 && LABEL_NAME.test(s);
}

/** A qualified name (k8s `validation.IsQualifiedName`): `[prefix/]name`, prefix a DNS subdomain of at most 253 characters. */
export function isLabelKey(s: string): boolean {
  if (typeof s !== 'string') return false;
  const parts = s.split('/');
  if (parts.length > 2) return false;
  const name = parts[parts.length - 1];
  if (name.length === 0 || name.length > 63 || !LABEL_NAME.test(name)) return false;
  if (parts.length === 2) {
    const prefix = parts[0];
    if (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix)) return false;
  }
  return true;
}

/** IPv4 or IPv6 CIDR, as Go's `net.ParseCIDR` reads it (what NetworkPolicy validation uses). */
export function isCidr(s: string): boolean {
  if (typeof s !== 'string') return false;
  const m = /^([^/]+)\/(\d{1,3})$/.exec(s);
  if (!m) return false;
  const bits = Number(m[2]);
  if (m[1].includes(':')) return bits <= 128 && isIpv6(m[1]);
  const octets = m[1].split('.');
  return bits <= 32 && octets.length === 4 && octets.every(o => /^\d{1,3}$/.test(o) && Number(o) <= 255);
}

function isIpv6(s: string): boolean {
  if (!/^[0-9a-fA-F:]+$/.test(s)) return false;
  const halves = s.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap(h => (h.length === 0 ? [] : h.split(':')));
  if (groups.some(g => g.length === 0 || g.length > 4)) return false;
  return halves.length === 2 ? groups.length < 8 : groups.length === 8;
}
