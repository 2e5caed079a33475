/**
 * Which callers a synthesized NetworkPolicy lets in, by the Kubernetes NetworkPolicy semantics
 * (kubernetes.io/docs/concepts/services-networking/network-policies, "Behavior of to and from
 * selectors"), written here from the docs, independent of lib/:
 *
 * - a rule admits a connection when one of its `from` peers matches (no `from`: everyone) and one
 *   of its `ports` matches (no `ports`: every port);
 * - `podSelector` alone selects pods in the policy's own namespace; `namespaceSelector` alone, every
 *   pod of the selected namespaces; both together, the selected pods of the selected namespaces;
 * - `ipBlock` selects source IPs in `cidr` and not in `except`;
 * - every namespace carries the label `kubernetes.io/metadata.name: <name>` (set by the API server).
 */

/** Who opens the connection. */
export interface Caller {
  /** Namespace of the caller pod (undefined for traffic from outside the cluster). */
  readonly namespace?: string;
  readonly namespaceLabels?: Record<string, string>;
  readonly podLabels?: Record<string, string>;
  /** Source IP (IPv4). */
  readonly ip?: string;
}

/** Whether the policy (a synthesized NetworkPolicy object) admits the caller on the TCP port. */
export function admits(policy: any, caller: Caller, port: number): boolean {
  const policyNs: string = policy.metadata?.namespace ?? 'default';
  const rules: any[] = policy.spec?.ingress ?? [];
  return rules.some(rule => portMatches(rule.ports, port) && fromMatches(rule.from, caller, policyNs));
}

function portMatches(ports: any[] | undefined, port: number): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some(p => (p.protocol ?? 'TCP') === 'TCP' && (p.port === undefined || p.port === port));
}

function fromMatches(from: any[] | undefined, caller: Caller, policyNs: string): boolean {
  if (!from || from.length === 0) return true;
  return from.some(peer => peerMatches(peer, caller, policyNs));
}

function peerMatches(peer: any, caller: Caller, policyNs: string): boolean {
  if (peer.ipBlock) {
    if (caller.ip === undefined) return false;
    return inCidr(caller.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((e: string) => inCidr(caller.ip!, e));
  }
  if (caller.namespace === undefined) return false;
  const nsLabels = { ...(caller.namespaceLabels ?? {}), 'kubernetes.io/metadata.name': caller.namespace };
  const nsOk = peer.namespaceSelector ? selects(peer.namespaceSelector, nsLabels) : caller.namespace === policyNs;
  const podOk = peer.podSelector ? selects(peer.podSelector, caller.podLabels ?? {}) : true;
  return nsOk && podOk;
}

/**
 * A label selector: every matchLabels pair and every matchExpressions requirement must hold
 * (kubernetes.io/docs/concepts/overview/working-with-objects/labels, "Set-based requirement":
 * In, NotIn (also true when the key is absent), Exists, DoesNotExist).
 */
function selects(selector: any, labels: Record<string, string>): boolean {
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = (selector.matchExpressions ?? []).every((e: any) => {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    switch (e.operator) {
      case 'In': return has && (e.values ?? []).includes(labels[e.key]);
      case 'NotIn': return !has || !(e.values ?? []).includes(labels[e.key]);
      case 'Exists': return has;
      case 'DoesNotExist': return !has;
      default: throw new Error(`unknown selector operator ${e.operator}`);
    }
  });
  return byLabels && byExpressions;
}

function ipv4ToInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some(p => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`not an IPv4 address: ${ip}`);
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return ((ipv4ToInt(ip) & mask) >>> 0) === ((ipv4ToInt(base) & mask) >>> 0);
}
