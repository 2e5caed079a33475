import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { show, ValidationError } from '../errors';
import * as k8s from '../imports/k8s';
import { isCidr, isDnsLabel, isLabelKey, isLabelValue } from '../private/kubernetes-syntax';
import { describeValue, factoryOptions } from '../private/prop-guards';

/** A factory argument of the wrong type, reported before any construct exists (the factory call is the path). */
function factoryProblem(factory: string, property: string, value: unknown, reason: string, example: string): ValidationError {
  return new ValidationError([{ path: factory, property, value: show(value), reason: `${reason}, got ${describeValue(value)}`, fix: `pass e.g. ${example}` }]);
}

/** Which Gateway a route attaches to, as the implementation needs it to find its proxies. */
export interface GatewayReference {
  readonly name: string;
  readonly namespace: string;
}

/**
 * A caller the NetworkPolicy admits on the API port, given by hand: pods (by namespace and pod
 * labels) or an IP range. Like a Kubernetes NetworkPolicyPeer, a range cannot be combined with
 * selectors.
 */
export interface GatewayPeer {
  /** Labels of the namespaces the callers run in. @default - the service's namespace (when podLabels is set) */
  readonly namespaceLabels?: Record<string, string>;
  /** Labels of the caller pods. @default - every pod of the selected namespaces */
  readonly podLabels?: Record<string, string>;
  /** An IPv4 or IPv6 range in CIDR notation, e.g. `10.129.0.0/23`. @default - none */
  readonly cidr?: string;
  /** Ranges inside `cidr` that are not admitted. @default - none */
  readonly except?: string[];
}

/** Options of Envoy Gateway. */
export interface EnvoyGatewayOptions {
  /**
   * Namespace of the Envoy Gateway controller, where it runs the proxies by default
   * ("Controller Namespace" mode).
   * @default 'envoy-gateway-system'
   */
  readonly namespace?: string;
  /**
   * Envoy Gateway runs in "Gateway Namespace" mode: each Gateway's proxies run in the Gateway's
   * namespace instead of the controller's.
   * @default false
   */
  readonly gatewayNamespaceMode?: boolean;
  /**
   * The EnvoyProxy merges the Gateways of this GatewayClass (`mergeGateways: true`): the shared
   * proxies are labelled with the class, not with one Gateway.
   * @default - not merged: the proxies of this Gateway
   */
  readonly mergedGatewayClass?: string;
}

/** Options of GKE's Gateway controller. */
export interface GkeGatewayOptions {
  /**
   * The VPC's proxy-only subnet(s), for the regional and internal GatewayClasses
   * (`gke-l7-rilb`, `gke-l7-regional-external-managed`, cross-region internal): their Envoy-based
   * load balancers reach the pods from addresses in this subnet.
   * @default - none (the global external classes, whose Google Front Ends use the health-check ranges)
   */
  readonly proxyOnlySubnetCidrs?: string[];
}

/** Kinds of Gateway implementation modelship knows. */
export enum GatewayImplementationKind {
  ISTIO = 'istio',
  ENVOY_GATEWAY = 'envoy-gateway',
  GKE = 'gke',
  PEERS = 'peers',
}

/**
 * Google Cloud's health-check ranges, which are also the source ranges of Google Front End
 * proxies sending traffic to zonal NEG backends (GKE's container-native load balancing, what the
 * GKE Gateway uses). Source: cloud.google.com/load-balancing/docs/firewall-rules ("Health check
 * ranges: 35.191.0.0/16, 130.211.0.0/22"; "GFE proxy ranges: same as health check ranges if the
 * backends are ... zonal NEGs (GCE_VM_IP_PORT)"). IPv6 ranges (2600:2d00:1:b029::/64,
 * 2600:2d00:1:1::/64) are for IPv6 backends only and are not added.
 */
export const GOOGLE_HEALTH_CHECK_RANGES: readonly string[] = ['35.191.0.0/16', '130.211.0.0/22'];

/**
 * Envoy Gateway's labels on the proxies it runs for a Gateway. Source: envoyproxy/gateway
 * `internal/gatewayapi/translator.go` (`OwningGatewayNameLabel`, `OwningGatewayNamespaceLabel`,
 * `OwningGatewayClassLabel`) and `internal/infrastructure/kubernetes/proxy/testdata/deployments/default.yaml`
 * (pod template labels, namespace `envoy-gateway-system`), main branch 2026.
 */
export const ENVOY_GATEWAY_LABELS = {
  gatewayName: 'gateway.envoyproxy.io/owning-gateway-name',
  gatewayNamespace: 'gateway.envoyproxy.io/owning-gateway-namespace',
  gatewayClass: 'gateway.envoyproxy.io/owning-gatewayclass',
} as const;

/** Envoy Gateway's default controller namespace (its Helm install docs: `-n envoy-gateway-system`). */
export const ENVOY_GATEWAY_NAMESPACE = 'envoy-gateway-system';

const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** A problem with the options of an implementation, before a construct path is known. */
export interface GatewayOptionProblem {
  readonly property: string;
  readonly value: unknown;
  readonly reason: string;
  readonly fix: string;
}

/**
 * Where the proxies of a Gateway API implementation run, so the service's NetworkPolicy admits
 * them (and nothing else) on the API port. Each implementation renders its own NetworkPolicy peers.
 *
 * - `istio()`: proxies in the Gateway's namespace (Istio's automated deployment). The default,
 *   and right for any implementation that deploys per Gateway in its namespace.
 * - `envoyGateway()`: proxies in the controller's namespace, selected by their owning-Gateway labels.
 * - `gke()`: Google's load balancers, from Google's ranges (and the proxy-only subnet for regional classes).
 * - `peers([...])`: anything else, given by hand.
 */
export class GatewayImplementation {
  /**
   * Istio: "the Gateway resource both configures and deploys a gateway" in the Gateway's namespace
   * (istio.io, "Kubernetes Gateway API" task; istio/istio
   * `manifests/charts/istio-control/istio-discovery/files/kube-gateway.yaml`: the Deployment's
   * namespace is the Gateway's). Admits the Gateway's namespace. The proxies' pod label changed
   * across Istio releases (`istio.io/gateway-name`, later `gateway.networking.k8s.io/gateway-name`),
   * so pods are not narrowed by label.
   */
  public static istio(): GatewayImplementation {
    return new GatewayImplementation(GatewayImplementationKind.ISTIO, {});
  }

  /**
   * Envoy Gateway: by default the proxies run in the controller's namespace (`envoy-gateway-system`),
   * not the Gateway's ("Gateway Namespace Mode" docs, gateway.envoyproxy.io); admitted by that
   * namespace and the proxies' owning-Gateway labels.
   */
  public static envoyGateway(options: EnvoyGatewayOptions = {}): GatewayImplementation {
    return new GatewayImplementation(GatewayImplementationKind.ENVOY_GATEWAY, { envoy: { ...factoryOptions('GatewayImplementation.envoyGateway', options, '{ namespace: "envoy-gateway-system" }') } });
  }

  /**
   * GKE's Gateway controller (Google Cloud load balancers with container-native NEGs): traffic
   * reaches the pods from Google's health-check/GFE ranges (`35.191.0.0/16`, `130.211.0.0/22`) and,
   * for regional and internal classes, from the VPC's proxy-only subnet, which only you know.
   */
  public static gke(options: GkeGatewayOptions = {}): GatewayImplementation {
    const o = factoryOptions('GatewayImplementation.gke', options, '{ proxyOnlySubnetCidrs: ["10.129.0.0/23"] }');
    const cidrs = o.proxyOnlySubnetCidrs ?? [];
    if (!Array.isArray(cidrs)) throw factoryProblem('GatewayImplementation.gke', 'proxyOnlySubnetCidrs', cidrs, 'must be an array of CIDR ranges', '{ proxyOnlySubnetCidrs: ["10.129.0.0/23"] }');
    return new GatewayImplementation(GatewayImplementationKind.GKE, { gke: { proxyOnlySubnetCidrs: [...cidrs] } });
  }

  /** Any other implementation: the callers its proxies run as, given by hand. */
  public static peers(peers: GatewayPeer[]): GatewayImplementation {
    const given: unknown = peers ?? [];
    if (!Array.isArray(given) || given.some(p => p === null || typeof p !== 'object' || Array.isArray(p))) {
      throw factoryProblem('GatewayImplementation.peers', 'peers', given, 'must be an array of peer objects', '[{ namespaceLabels: { "kubernetes.io/metadata.name": "gateway" } }]');
    }
    return new GatewayImplementation(GatewayImplementationKind.PEERS, { peers: (given as GatewayPeer[]).map(p => ({ ...p })) });
  }

  private constructor(
    /** Which implementation. */
    public readonly kind: GatewayImplementationKind,
    private readonly options: { envoy?: EnvoyGatewayOptions; gke?: { proxyOnlySubnetCidrs: string[] }; peers?: GatewayPeer[] },
  ) {}

  /**
   * The NetworkPolicy peers that admit this implementation's proxies for one Gateway.
   * @internal
   */
  public _networkPolicyPeers(gateway: GatewayReference): k8s.NetworkPolicyPeer[] {
    switch (this.kind) {
      case GatewayImplementationKind.ISTIO:
        return [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: gateway.namespace } } }];
      case GatewayImplementationKind.ENVOY_GATEWAY: {
        const o = this.options.envoy!;
        const namespace = o.gatewayNamespaceMode ? gateway.namespace : o.namespace ?? ENVOY_GATEWAY_NAMESPACE;
        const podLabels: Record<string, string> = o.mergedGatewayClass !== undefined
          ? { [ENVOY_GATEWAY_LABELS.gatewayClass]: o.mergedGatewayClass }
          : { [ENVOY_GATEWAY_LABELS.gatewayName]: gateway.name, [ENVOY_GATEWAY_LABELS.gatewayNamespace]: gateway.namespace };
        return [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } }, podSelector: { matchLabels: podLabels } }];
      }
      case GatewayImplementationKind.GKE:
        return [...GOOGLE_HEALTH_CHECK_RANGES, ...this.options.gke!.proxyOnlySubnetCidrs].map(cidr => ({ ipBlock: { cidr } }));
      case GatewayImplementationKind.PEERS:
        return this.options.peers!.map(p => p.cidr !== undefined
          ? { ipBlock: { cidr: p.cidr, except: p.except && p.except.length > 0 ? [...p.except] : undefined } }
          : {
            namespaceSelector: p.namespaceLabels ? { matchLabels: { ...p.namespaceLabels } } : undefined,
            podSelector: p.podLabels ? { matchLabels: { ...p.podLabels } } : undefined,
          });
    }
  }

  /**
   * Objects this implementation needs to reach an InferencePool's endpoint picker (the picker's
   * Service `picker` in `namespace`). Istio: a DestinationRule that makes the Gateway speak TLS to
   * the picker, which serves TLS with a self-signed certificate by default (llm-d-router v0.10.0
   * `pkg/epp/server/options.go`: SecureServing true), exactly as the llm-d-router gateway chart
   * does for `provider.name: istio` (`config/charts/llm-d-router-gateway/templates/istio.yaml`:
   * `tls.mode: SIMPLE`, `insecureSkipVerify: true`). The others: none known (kgateway, Envoy AI
   * Gateway, NGINX Gateway Fabric and GKE were not checked for extra objects: UNVERIFIED).
   * @internal
   */
  public _endpointPickerObjects(scope: Construct, picker: string, namespace: string, labels: Record<string, string>): ApiObject[] {
    if (this.kind !== GatewayImplementationKind.ISTIO) return [];
    return [new ApiObject(scope, 'IstioDestinationRule', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: picker, labels },
      spec: {
        host: `${picker}.${namespace}.svc.cluster.local`,
        trafficPolicy: { tls: { mode: 'SIMPLE', insecureSkipVerify: true } },
      },
    })];
  }

  /**
   * What is wrong with the options, by the API server's NetworkPolicy rules.
   * @internal
   */
  public _problems(): GatewayOptionProblem[] {
    const out: GatewayOptionProblem[] = [];
    switch (this.kind) {
      case GatewayImplementationKind.ENVOY_GATEWAY: {
        const o = this.options.envoy!;
        if (o.namespace !== undefined && !isDnsLabel(o.namespace)) {
          out.push({ property: 'namespace', value: o.namespace, reason: 'not a namespace name (DNS-1123 label)', fix: `use the namespace Envoy Gateway is installed in, e.g. "${ENVOY_GATEWAY_NAMESPACE}"` });
        }
        if (o.namespace !== undefined && o.gatewayNamespaceMode) {
          out.push({ property: 'namespace', value: o.namespace, reason: 'in Gateway Namespace mode the proxies run in the Gateway\'s namespace, not the controller\'s', fix: 'leave namespace out, or set gatewayNamespaceMode: false' });
        }
        if (o.mergedGatewayClass !== undefined && !isLabelValue(o.mergedGatewayClass)) {
          out.push({ property: 'mergedGatewayClass', value: o.mergedGatewayClass, reason: 'not a valid label value (at most 63 characters: letters, digits, "-", "_", ".")', fix: 'give the GatewayClass name' });
        }
        break;
      }
      case GatewayImplementationKind.GKE:
        this.options.gke!.proxyOnlySubnetCidrs.forEach((cidr, i) => {
          if (!isCidr(cidr)) out.push({ property: `proxyOnlySubnetCidrs[${i}]`, value: cidr, reason: 'not an IP range in CIDR notation', fix: 'give the proxy-only subnet\'s range, e.g. "10.129.0.0/23" (gcloud compute networks subnets list --filter="purpose~PROXY")' });
        });
        break;
      case GatewayImplementationKind.PEERS: {
        const peers = this.options.peers!;
        if (peers.length === 0) out.push({ property: 'peers', value: [], reason: 'no peer: the route\'s proxies could not reach the pods', fix: 'give at least one peer (pod labels, namespace labels or a CIDR)' });
        peers.forEach((p, i) => out.push(...peerProblems(p, `peers[${i}]`)));
        break;
      }
      default:
        break;
    }
    return out;
  }
}

function peerProblems(p: GatewayPeer, at: string): GatewayOptionProblem[] {
  const out: GatewayOptionProblem[] = [];
  const hasSelector = p.namespaceLabels !== undefined || p.podLabels !== undefined;
  if (p.cidr !== undefined && hasSelector) {
    out.push({ property: at, value: p, reason: 'a NetworkPolicy peer is either an IP range or selectors, not both', fix: 'split it into two peers' });
  } else if (p.cidr === undefined && !hasSelector) {
    out.push({ property: at, value: p, reason: 'an empty peer', fix: 'give namespaceLabels and/or podLabels, or a cidr' });
  }
  if (p.cidr !== undefined && !isCidr(p.cidr)) {
    out.push({ property: `${at}.cidr`, value: p.cidr, reason: 'not an IP range in CIDR notation', fix: 'use e.g. "10.0.0.0/16"' });
  }
  (p.except ?? []).forEach((e, j) => {
    if (!isCidr(e)) out.push({ property: `${at}.except[${j}]`, value: e, reason: 'not an IP range in CIDR notation', fix: 'use e.g. "10.0.5.0/24"' });
  });
  if (p.except !== undefined && p.cidr === undefined) {
    out.push({ property: `${at}.except`, value: p.except, reason: 'except narrows a cidr, and this peer has none', fix: 'give cidr, or remove except' });
  }
  for (const [field, labels] of [['namespaceLabels', p.namespaceLabels], ['podLabels', p.podLabels]] as const) {
    for (const [k, v] of Object.entries(labels ?? {})) {
      if (!isLabelKey(k) || !isLabelValue(v)) out.push({ property: `${at}.${field}`, value: { [k]: v }, reason: 'not a valid label (key: optional DNS prefix + name of at most 63 characters; value: at most 63 characters)', fix: 'use labels as they appear on the objects, e.g. { app: "gateway" }' });
    }
  }
  return out;
}
