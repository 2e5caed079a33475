import { App, Chart, Testing } from 'cdk8s';
import {
  Accelerator, GatewayImplementation, Model, ModelService, ModelServiceProps, Runtime, RouteOptions,
} from '../lib';
import { celErrors, celRuleCount, expectCelValid } from './support/cel';
import { expectValidationError } from './support/errors';
import { admits, Caller } from './support/network-policy';
import { expectSchemaValid } from './support/schema';

const base: ModelServiceProps = {
  model: Model.huggingFace('meta-llama/Llama-3.1-8B-Instruct'),
  accelerator: Accelerator.NVIDIA_L4,
  runtime: Runtime.vllm({ maxModelLen: 4096 }),
};

function synth(route: RouteOptions, props: Partial<ModelServiceProps> = {}): any[] {
  const app = new App();
  const chart = new Chart(app, 'llm', { namespace: 'llm' });
  new ModelService(chart, 'llama', { ...base, ...props, route });
  return Testing.synth(chart);
}

const byKind = (objs: any[], kind: string) => objs.find(o => o.kind === kind);

// The proxies as their projects deploy them (pod namespace and labels), copied from upstream:
// Envoy Gateway: envoyproxy/gateway internal/infrastructure/kubernetes/proxy/testdata/deployments/default.yaml
// (pod template labels; namespace envoy-gateway-system in the default "Controller Namespace" mode).
const envoyProxy = (gateway: string, gatewayNs: string, namespace = 'envoy-gateway-system'): Caller => ({
  namespace,
  podLabels: {
    'app.kubernetes.io/component': 'proxy',
    'app.kubernetes.io/managed-by': 'envoy-gateway',
    'app.kubernetes.io/name': 'envoy',
    'gateway.envoyproxy.io/owning-gateway-name': gateway,
    'gateway.envoyproxy.io/owning-gateway-namespace': gatewayNs,
  },
});
// Istio: istio/istio manifests/charts/istio-control/istio-discovery/files/kube-gateway.yaml (the
// Deployment is created in the Gateway's namespace).
const istioProxy = (gateway: string, gatewayNs: string): Caller => ({
  namespace: gatewayNs,
  podLabels: { 'gateway.networking.k8s.io/gateway-name': gateway, 'gateway.istio.io/managed': 'istio.io-gateway-controller' },
});
// Google Front Ends / health checkers (cloud.google.com/load-balancing/docs/firewall-rules).
const googleFrontEnd: Caller = { ip: '35.191.17.4' };
const googleHealthCheck: Caller = { ip: '130.211.2.9' };
const API_PORT = 8000;

describe('the NetworkPolicy admits the Gateway implementation\'s proxies', () => {
  test('default (Istio): the Gateway\'s namespace, exactly as before', () => {
    const np = byKind(synth({ gatewayName: 'public', gatewayNamespace: 'gateways' }), 'NetworkPolicy');
    expect(np.spec.ingress[0].from).toContainEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gateways' } } });
    expect(admits(np, istioProxy('public', 'gateways'), API_PORT)).toBe(true);
    // What the issue reports: Envoy Gateway's proxies run elsewhere and were refused (503).
    expect(admits(np, envoyProxy('public', 'gateways'), API_PORT)).toBe(false);
  });

  test('Envoy Gateway: its proxies for this Gateway in envoy-gateway-system, nothing else there', () => {
    const objs = synth({ gatewayName: 'public', gatewayNamespace: 'gateways', implementation: GatewayImplementation.envoyGateway() });
    expectSchemaValid(objs);
    const np = byKind(objs, 'NetworkPolicy');
    expect(admits(np, envoyProxy('public', 'gateways'), API_PORT)).toBe(true);
    expect(admits(np, envoyProxy('internal', 'gateways'), API_PORT)).toBe(false);
    expect(admits(np, { namespace: 'envoy-gateway-system', podLabels: { app: 'other' } }, API_PORT)).toBe(false);
    expect(admits(np, istioProxy('public', 'gateways'), API_PORT)).toBe(false);
    // Only the API port: the proxies cannot scrape or probe anything else.
    expect(admits(np, envoyProxy('public', 'gateways'), 9999)).toBe(false);
  });

  test('Envoy Gateway in Gateway Namespace mode, or installed elsewhere, or with merged Gateways', () => {
    const own = byKind(synth({ gatewayName: 'public', implementation: GatewayImplementation.envoyGateway({ gatewayNamespaceMode: true }) }), 'NetworkPolicy');
    expect(admits(own, envoyProxy('public', 'llm', 'llm'), API_PORT)).toBe(true);
    expect(admits(own, envoyProxy('public', 'llm'), API_PORT)).toBe(false);
    const moved = byKind(synth({ gatewayName: 'public', implementation: GatewayImplementation.envoyGateway({ namespace: 'eg' }) }), 'NetworkPolicy');
    expect(admits(moved, envoyProxy('public', 'llm', 'eg'), API_PORT)).toBe(true);
    const merged = byKind(synth({ gatewayName: 'public', implementation: GatewayImplementation.envoyGateway({ mergedGatewayClass: 'eg' }) }), 'NetworkPolicy');
    expect(admits(merged, { namespace: 'envoy-gateway-system', podLabels: { 'gateway.envoyproxy.io/owning-gatewayclass': 'eg' } }, API_PORT)).toBe(true);
  });

  test('GKE: Google\'s front ends and health checks, and the proxy-only subnet of regional classes', () => {
    const global = byKind(synth({ gatewayName: 'external', implementation: GatewayImplementation.gke() }), 'NetworkPolicy');
    expect(admits(global, googleFrontEnd, API_PORT)).toBe(true);
    expect(admits(global, googleHealthCheck, API_PORT)).toBe(true);
    expect(admits(global, { ip: '10.129.0.12' }, API_PORT)).toBe(false);
    expect(admits(global, { ip: '8.8.8.8' }, API_PORT)).toBe(false);
    const regional = synth({ gatewayName: 'internal', implementation: GatewayImplementation.gke({ proxyOnlySubnetCidrs: ['10.129.0.0/23'] }) });
    expectSchemaValid(regional);
    expect(admits(byKind(regional, 'NetworkPolicy'), { ip: '10.129.1.200' }, API_PORT)).toBe(true);
    expect(admits(byKind(regional, 'NetworkPolicy'), { ip: '10.129.2.1' }, API_PORT)).toBe(false);
  });

  test('explicit peers for any other implementation', () => {
    const objs = synth({
      gatewayName: 'gw',
      implementation: GatewayImplementation.peers([
        { namespaceLabels: { 'kubernetes.io/metadata.name': 'nginx-gateway' }, podLabels: { 'app.kubernetes.io/name': 'nginx-gateway-fabric' } },
        { cidr: '192.168.0.0/16', except: ['192.168.5.0/24'] },
      ]),
    });
    expectSchemaValid(objs);
    const np = byKind(objs, 'NetworkPolicy');
    expect(admits(np, { namespace: 'nginx-gateway', podLabels: { 'app.kubernetes.io/name': 'nginx-gateway-fabric' } }, API_PORT)).toBe(true);
    expect(admits(np, { ip: '192.168.1.1' }, API_PORT)).toBe(true);
    expect(admits(np, { ip: '192.168.5.1' }, API_PORT)).toBe(false);
  });

  test.each<[string, () => GatewayImplementation, RegExp]>([
    ['a CIDR that is not one', () => GatewayImplementation.gke({ proxyOnlySubnetCidrs: ['10.129.0.0'] }), /route.implementation.proxyOnlySubnetCidrs\[0\] = "10.129.0.0": not an IP range in CIDR notation/],
    ['a peer with both a range and selectors', () => GatewayImplementation.peers([{ cidr: '10.0.0.0/8', podLabels: { a: 'b' } }]), /route.implementation.peers\[0\] = .*either an IP range or selectors, not both/],
    ['no peers', () => GatewayImplementation.peers([]), /route.implementation.peers = \[\]: no peer/],
    ['a bad namespace', () => GatewayImplementation.envoyGateway({ namespace: 'Envoy_GW' }), /route.implementation.namespace = "Envoy_GW": not a namespace name/],
  ])('refused: %s', (_case, implementation, message) => {
    const e = expectValidationError(() => synth({ gatewayName: 'gw', implementation: implementation() }));
    expect(e.message).toMatch(message);
    expect(e.problems.every(p => p.path === 'llm/llama' && p.fix.length > 0)).toBe(true);
  });
});

describe('two routes cannot claim the same path on one Gateway', () => {
  function twoServices(a: Partial<RouteOptions>, b: Partial<RouteOptions>, bNamespace = 'llm'): () => void {
    return () => {
      const app = new App();
      const chart = new Chart(app, 'llm', { namespace: 'llm' });
      new ModelService(chart, 'llama', { ...base, route: { gatewayName: 'public', gatewayNamespace: 'gateways', ...a } });
      const other = bNamespace === 'llm' ? chart : new Chart(app, 'other', { namespace: bNamespace });
      new ModelService(other, 'qwen', { ...base, route: { gatewayName: 'public', gatewayNamespace: 'gateways', ...b } });
    };
  }

  test('same Gateway, default path, no hostnames: refused, naming both services', () => {
    const e = expectValidationError(twoServices({}, {}));
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0].path).toBe('llm/qwen');
    expect(e.problems[0].property).toBe('route.pathPrefix');
    expect(e.problems[0].reason).toMatch(/the service llm\/llama already routes \/v1 on Gateway gateways\/public for every hostname/);
  });

  test.each<[string, Partial<RouteOptions>, Partial<RouteOptions>]>([
    ['the same hostname', { hostnames: ['llm.example.com'] }, { hostnames: ['api.example.com', 'llm.example.com'] }],
    ['the same wildcard', { hostnames: ['*.example.com'] }, { hostnames: ['*.example.com'] }],
    ['a trailing slash (the Gateway ignores it)', { pathPrefix: '/v1' }, { pathPrefix: '/v1/' }],
    ['the same rewritten prefix', { pathPrefix: '/models/v1' }, { pathPrefix: '/models/v1' }],
  ])('refused: %s', (_case, a, b) => {
    expect(expectValidationError(twoServices(a, b)).problems[0].path).toBe('llm/qwen');
  });

  test.each<[string, Partial<RouteOptions>, Partial<RouteOptions>, string?]>([
    ['different prefixes', { pathPrefix: '/llama/v1' }, { pathPrefix: '/qwen/v1' }],
    ['different hostnames', { hostnames: ['llama.example.com'] }, { hostnames: ['qwen.example.com'] }],
    // An exact hostname outranks a route for every hostname (Gateway API hostname precedence): an override, not a tie.
    ['a hostname next to every hostname', {}, { hostnames: ['qwen.example.com'] }],
    ['another Gateway', {}, { gatewayName: 'internal' }],
  ])('accepted: %s', (_case, a, b) => {
    expect(twoServices(a, b)).not.toThrow();
  });

  test('the same Gateway name in another namespace is another Gateway', () => {
    expect(twoServices({ gatewayNamespace: undefined }, { gatewayNamespace: undefined }, 'other')).not.toThrow();
  });
});

describe('a public prefix the engine does not serve is rewritten to its API prefix', () => {
  test('/qwen/v1 on vLLM (which serves /v1): URLRewrite ReplacePrefixMatch /v1, valid by the CRD schema and its CEL rules', () => {
    const objs = synth({ gatewayName: 'gw', pathPrefix: '/qwen/v1' });
    const route = byKind(objs, 'HTTPRoute');
    expect(route.spec.rules[0].matches).toEqual([{ path: { type: 'PathPrefix', value: '/qwen/v1' } }]);
    expect(route.spec.rules[0].filters).toEqual([{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/v1' } } }]);
    expectSchemaValid(objs);
    expect(celRuleCount(route)).toBeGreaterThan(20);
    expectCelValid(objs);
  });

  test('the CRD\'s CEL rule would refuse a rewrite without exactly one PathPrefix match (the checker is not vacuous)', () => {
    const route = byKind(synth({ gatewayName: 'gw', pathPrefix: '/qwen/v1' }), 'HTTPRoute');
    const broken = JSON.parse(JSON.stringify(route));
    broken.spec.rules[0].matches.push({ path: { type: 'PathPrefix', value: '/other' } });
    expect(celErrors(broken).join('\n')).toMatch(/When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified/);
  });

  test.each([['/v1'], ['/v1/'], ['/v1/chat']])('%s is the engine\'s own API path: no rewrite', pathPrefix => {
    const route = byKind(synth({ gatewayName: 'gw', pathPrefix }), 'HTTPRoute');
    expect(route.spec.rules[0].filters).toBeUndefined();
    expect(route.spec.rules[0].matches[0].path.value).toBe(pathPrefix);
  });

  test('Triton serves /v2: its route defaults to /v2, and /v1 is rewritten to it', () => {
    const triton: Partial<ModelServiceProps> = { model: Model.fromVolume({ claimName: 'repo' }), runtime: Runtime.triton(), gpusPerReplica: 1 };
    const plain = byKind(synth({ gatewayName: 'gw' }, triton), 'HTTPRoute');
    expect(plain.spec.rules[0].matches[0].path.value).toBe('/v2');
    expect(plain.spec.rules[0].filters).toBeUndefined();
    const rewritten = synth({ gatewayName: 'gw', pathPrefix: '/v1' }, triton);
    expect(byKind(rewritten, 'HTTPRoute').spec.rules[0].filters[0].urlRewrite.path.replacePrefixMatch).toBe('/v2');
    expectCelValid(rewritten);
  });

  test('a custom container declares its API prefix', () => {
    // Two sequences: Llama-3.1-8B's 8,192-token context x 4 does not fit one L4 by the generic estimate.
    const custom: Partial<ModelServiceProps> = { runtime: Runtime.custom({ image: 'example.org/server:1.0', apiPathPrefix: '/api' }), gpusPerReplica: 1, concurrentSequences: 2 };
    const route = byKind(synth({ gatewayName: 'gw', pathPrefix: '/llama' }, custom), 'HTTPRoute');
    expect(route.spec.rules[0].filters[0].urlRewrite.path.replacePrefixMatch).toBe('/api');
  });

  // Each path the CRD's CEL rules refuse is refused at synth, before anything is applied.
  test.each([['/a//b'], ['/a/./b'], ['/a/../b'], ['/a%2fb'], ['/a#b'], ['/a/..'], ['/a/.'], ['/a b'], ['v1']])('path %j: refused at synth, as the API server would', pathPrefix => {
    const e = expectValidationError(() => synth({ gatewayName: 'gw', pathPrefix }));
    expect(e.problems.map(p => p.property)).toEqual(['route.pathPrefix']);
    // The independent check: the CRD's own rules refuse the same value.
    const route = byKind(synth({ gatewayName: 'gw' }), 'HTTPRoute');
    route.spec.rules[0].matches[0].path.value = pathPrefix;
    expect(celErrors(route).length).toBeGreaterThan(0);
  });

  test('hostnames are checked by the CRD pattern', () => {
    const e = expectValidationError(() => synth({ gatewayName: 'gw', hostnames: ['LLM.example.com', '10.0.0.1:80'] }));
    expect(e.problems.map(p => p.property)).toEqual(['route.hostnames[0]', 'route.hostnames[1]']);
  });
});
