/**
 * Facts about the llm-d endpoint picker (EPP) that modelship deploys next to an InferencePool, and
 * the rendering of its plugin configuration. Source of every fact: llm-d/llm-d-router v0.10.0
 * (commit 71f4f0999f95b96c49a9d0c4afbd18dfdb943c26), files named at each constant; the chart's
 * templates are in vendor/reference/llm-d-router/.
 */
import { ScorerWeights } from './routing';
import { EndpointPickerSupport } from '../engines/driver';

/**
 * The picker's image. The chart's values say `tag: main` with `pullPolicy: Always`
 * (`config/charts/routerlib/values.yaml`, vendor/reference/llm-d-router/routerlib_values.yaml);
 * modelship pins the release instead, tagged `v<version>` as the release checklist publishes it
 * (`.github/ISSUE_TEMPLATE/new-release.md`: `ghcr.io/llm-d/llm-d-router-endpoint-picker:${VERSION}`,
 * `VERSION=v0.9.0`). That the v0.10.0 tag exists on ghcr.io was not checked here (no registry access).
 */
export const ENDPOINT_PICKER_IMAGE = 'ghcr.io/llm-d/llm-d-router-endpoint-picker:v0.10.0';

/** The user the image runs as: `USER 65532:65532` (`Dockerfile.epp`, base `gcr.io/distroless/static:nonroot`). */
export const ENDPOINT_PICKER_UID = 65532;

/**
 * Ports (`pkg/epp/server/options.go` `NewOptions`: GRPCPort 9002 via DefaultGrpcPort, GRPCHealthPort
 * 9003, MetricsPort 9090; `Dockerfile.epp` EXPOSE 9002 9003 9090; routerlib `_service.yaml`).
 */
export const ENDPOINT_PICKER_PORTS = { extProc: 9002, health: 9003, metrics: 9090 } as const;

/**
 * The gRPC health service the probes ask with a single replica (routerlib `_deployment.yaml`:
 * `service: inference-extension` unless `replicas > 1`).
 */
export const ENDPOINT_PICKER_HEALTH_SERVICE = 'inference-extension';

/** Where the configuration is mounted and which file the picker reads (routerlib `_deployment.yaml`). */
export const ENDPOINT_PICKER_CONFIG = { mountPath: '/config', file: 'default-plugins.yaml' } as const;

/**
 * Resources of the chart's values (`router.epp.resources`: requests cpu 8, memory 8Gi; limits
 * memory 16Gi, no CPU limit "for burst capacity").
 */
export const ENDPOINT_PICKER_RESOURCES = { cpu: 8, memoryGiB: 8 } as const;

/** One RBAC rule. */
export interface EndpointPickerRbacRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

/**
 * What the picker reads from the API, namespaced (a Role): its pods (routerlib `_rbac.yaml`, Role
 * `<name>-sa`), its InferencePool and the llm-d.ai InferenceObjectives and InferenceModelRewrites
 * (`config/charts/llm-d-router-gateway/templates/rbac.yaml`, Role `<name>-non-sa`).
 *
 * Left out on purpose:
 * - the chart's rule for the deprecated `inference.networking.x-k8s.io` group: the picker prefers
 *   the `llm-d.ai` group when its CRDs are installed and ignores legacy objects
 *   (`pkg/epp/server/controller_config.go`), and modelship emits `llm-d.ai` objects only;
 * - the ClusterRole for `tokenreviews`/`subjectaccessreviews` and `/metrics`: it serves only the
 *   picker's authenticated metrics endpoint, which modelship turns off (`--metrics-endpoint-auth=false`,
 *   as the chart does when `monitoring.prometheus.auth.enabled` is false) and guards with the
 *   NetworkPolicy (only the metrics namespace reaches port 9090) instead;
 * - leases and events for leader election: one replica, no leader election (`_leader-election-rbac.yaml`
 *   applies only with `replicas > 1`).
 */
export const ENDPOINT_PICKER_RBAC: readonly EndpointPickerRbacRule[] = [
  { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['inference.networking.k8s.io'], resources: ['inferencepools'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['llm-d.ai'], resources: ['inferencemodelrewrites', 'inferenceobjectives'], verbs: ['get', 'list', 'watch'] },
];

/** Scorer plugin types (`pkg/epp/framework/plugins/scheduling/scorer/*`: `...ScorerType` constants). */
export const SCORER_TYPES: Readonly<Record<keyof ScorerWeights, string>> = {
  queue: 'queue-scorer',
  kvCacheUtilization: 'kv-cache-utilization-scorer',
  prefixCache: 'prefix-cache-scorer',
  loraAffinity: 'lora-affinity-scorer',
};

/** What the configuration is rendered from. */
export interface EndpointPickerConfigInput {
  readonly weights: Required<ScorerWeights>;
  readonly engine: EndpointPickerSupport;
  /** Path of the engine's Prometheus metrics on its API port. */
  readonly metricsPath: string;
}

/**
 * The picker's `EndpointPickerConfig` (llm-d.ai/v1alpha1), shaped like the chart's
 * `default-plugins.yaml` (routerlib `_config.yaml`): the scorers with their weights in the
 * `default` profile, the metrics data source on the engine's path, and the metrics extractor set
 * to the engine (`defaultEngine`; vLLM is the extractor's own default, so only other engines
 * name it, as the chart does). YAML by hand: every value is a fixed token, a path checked by the
 * engine driver, or a whole number.
 */
export function renderEndpointPickerConfig(input: EndpointPickerConfigInput): string {
  const scorers = (Object.keys(SCORER_TYPES) as (keyof ScorerWeights)[]).filter(k => input.weights[k] > 0);
  const lines = [
    'apiVersion: llm-d.ai/v1alpha1',
    'kind: EndpointPickerConfig',
    'plugins:',
    ...scorers.map(k => `- type: ${SCORER_TYPES[k]}`),
    '- type: metrics-data-source',
    '  parameters:',
    '    scheme: "http"',
    `    path: ${JSON.stringify(input.metricsPath)}`,
    '- type: core-metrics-extractor',
    ...(input.engine.engineType !== 'vllm' ? ['  parameters:', `    defaultEngine: ${JSON.stringify(input.engine.engineType)}`] : []),
    'schedulingProfiles:',
    '- name: default',
    '  plugins:',
    ...scorers.flatMap(k => [`  - pluginRef: ${SCORER_TYPES[k]}`, `    weight: ${input.weights[k]}`]),
  ];
  return `${lines.join('\n')}\n`;
}
