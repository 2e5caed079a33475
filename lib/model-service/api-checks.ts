/**
 * A ModelService's input checked by the API server's own rules (lib/private/api-rules) before any
 * object is built: every name, label, annotation, reference and environment variable the service
 * writes into its objects. Runs inside `resolveServicePlan`, so a canary candidate's variant is
 * checked the same way.
 */
import { Problems } from '../errors';
import { ModelSourceKind } from './model';
import { ModelCacheKind } from './model-cache';
import { ModelServiceProps } from './props';
import { pathPrefixProblem } from './route-path';
import { Runtime } from './runtime';
import {
  checkAnnotations, checkConfigMapKey, checkDns1123Label, checkDns1123Subdomain, checkEnvVarName, checkInt32, checkLabels, checkNumber,
  checkHttpUrl, checkImageReference, checkPort, INT32_MAX, renderDecimal, renderDuration, renderGiB,
} from '../private/api-rules';
import { checkNoLiteralCredential } from '../private/credential-env';

/** Variables the pod template always sets (pod-template.ts). */
const OWN_ENV = ['HOME', 'HF_HOME'];

/** A Gateway's name also names the proxies' Deployment and Service some implementations create, and labels them: at most 63 characters. */
const GATEWAY_NAME_MAX = 63;

/** Names and references of a service: labels, annotations, secrets, claims, storage classes, namespaces, env names. */
export function checkServiceNames(problems: Problems, props: ModelServiceProps, runtime: Runtime): void {
  if (props.labels !== undefined) checkLabels(problems, 'labels', props.labels);
  if (props.serviceAccountAnnotations !== undefined) checkAnnotations(problems, 'serviceAccountAnnotations', props.serviceAccountAnnotations);

  const model = props.model;
  const token = model.tokenSecret;
  if (token !== undefined) {
    // validation.go validateSecretKeySelector: the Secret's name (ValidateSecretName, a DNS subdomain) and its key (IsConfigMapKey).
    checkDns1123Subdomain(problems, 'model.tokenSecret.name', token.name);
    if (token.key !== undefined) checkConfigMapKey(problems, 'model.tokenSecret.key', token.key);
  }
  if (model.credentialsSecret !== undefined) checkDns1123Subdomain(problems, 'model.credentialsSecret', model.credentialsSecret);
  // A claim that is not a PVC name (a DNS subdomain) can never exist: the pod would wait for it forever.
  if (model.source === ModelSourceKind.VOLUME) checkDns1123Subdomain(problems, 'model.claimName', model.claimName);

  const cache = props.cache;
  if (cache !== undefined) {
    if (cache.storageClassName !== undefined) checkDns1123Subdomain(problems, 'cache.storageClassName', cache.storageClassName);
    if (cache.kind === ModelCacheKind.EXISTING_CLAIM) checkDns1123Subdomain(problems, 'cache.claimName', cache.claimName);
  }

  for (const [name, map] of [['env', props.env], ['runtime.env', runtime._options.env]] as const) {
    for (const key of Object.keys(map ?? {})) {
      if (!checkEnvVarName(problems, `${name}["${key}"]`, key)) continue;
      const hf = /^(HF_TOKEN|HUGGING_FACE_HUB_TOKEN)$/i.test(key);
      checkNoLiteralCredential(problems, `${name}["${key}"]`, key, hf
        ? 'reference the Secret instead: Model.huggingFace(id, { tokenSecret: "hf-token" }) (rendered as HF_TOKEN from a secretKeyRef)'
        : `reference a Secret instead: secretEnv: { ${key}: { secretName: "<secret>", key: "<key>" } } on the ModelService`);
    }
  }
  const literal = new Set([...Object.keys(props.env ?? {}), ...Object.keys(runtime._options.env ?? {})]);
  for (const [key, ref] of Object.entries(props.secretEnv ?? {})) {
    const property = `secretEnv["${key}"]`;
    checkEnvVarName(problems, property, key);
    checkDns1123Subdomain(problems, `${property}.secretName`, ref.secretName);
    checkConfigMapKey(problems, `${property}.key`, ref.key);
    if (literal.has(key)) problems.add(property, key, 'is also given a literal value in env', `remove ${key} from env (or from the runtime's env)`);
    if (OWN_ENV.includes(key) || key in runtime.engineEnv) problems.add(property, key, `modelship sets ${key} itself (the cache path, or the engine's own setting)`, 'use another name');
    if (key === 'HF_TOKEN' && model.tokenSecret !== undefined) problems.add(property, key, 'HF_TOKEN already comes from the model\'s tokenSecret', 'remove it from secretEnv');
  }

  const net = props.network;
  if (net !== undefined) {
    (net.allowNamespaces ?? []).forEach((ns, i) => checkDns1123Label(problems, `network.allowNamespaces[${i}]`, ns));
    if (net.metricsNamespace !== undefined) checkDns1123Label(problems, 'network.metricsNamespace', net.metricsNamespace);
    (net.allowPods ?? []).forEach((labels, i) => checkLabels(problems, `network.allowPods[${i}]`, labels));
  }

  const route = props.route;
  if (route !== undefined) {
    checkDns1123Subdomain(problems, 'route.gatewayName', route.gatewayName, { maxLength: GATEWAY_NAME_MAX });
    if (route.gatewayNamespace !== undefined) checkDns1123Label(problems, 'route.gatewayNamespace', route.gatewayNamespace);
  }
}

/**
 * Numbers the service writes into int32 fields and quantities. Whole-number and range rules of
 * modelship's own (replicas >= 1) are checked in resolve.ts; here what the API server adds: int32
 * fields stop at 2147483647 (k8s.io/api apps/v1 `DeploymentSpec.Replicas *int32`, autoscaling/v2
 * `MinReplicas`/`MaxReplicas`, `IntOrString` maxSurge), and quantities must be finite, positive and
 * at most 2^63-1 base units.
 */
export function checkServiceNumbers(problems: Problems, props: ModelServiceProps): void {
  int32Ceiling(problems, 'replicas', props.replicas);
  int32Ceiling(problems, 'maxSurge', props.maxSurge);
  const a = props.autoscaling;
  if (a !== undefined) {
    int32Ceiling(problems, 'autoscaling.minReplicas', a.minReplicas);
    int32Ceiling(problems, 'autoscaling.maxReplicas', a.maxReplicas);
    // Written as the KEDA threshold and the HPA's averageValue quantity.
    if (a.queueDepthPerReplica !== undefined) checkNumber(problems, 'autoscaling.queueDepthPerReplica', a.queueDepthPerReplica, { min: 0, exclusiveMin: true, unit: 'waiting requests' });
  }
  const r = props.resources;
  if (r?.cpu !== undefined) renderDecimal(problems, 'resources.cpu', r.cpu);
  if (r?.memoryGiB !== undefined) renderGiB(problems, 'resources.memoryGiB', r.memoryGiB);
  const size = props.cache?.sizeGiB;
  if (size !== undefined) renderGiB(problems, 'cache.sizeGiB', size);
}

/** An int32 field: only what the whole-number rules elsewhere do not already refuse (a whole number above 2147483647). */
function int32Ceiling(problems: Problems, property: string, value: unknown): void {
  if (typeof value === 'number' && Number.isInteger(value) && value > INT32_MAX) checkInt32(problems, property, value);
}

/**
 * The route's request timeout, written as a Gateway API duration (at most five digits per unit:
 * 99999h99999m99999s99999ms) in a whole number of milliseconds. `Duration.days(5000)` is 120000h,
 * which the HTTPRoute schema refuses.
 */
export function checkServiceDurations(problems: Problems, props: ModelServiceProps): void {
  const timeout = props.route?.requestTimeout;
  if (timeout !== undefined) renderDuration(problems, 'route.requestTimeout', timeout.toMilliseconds({ integral: false }), 'gateway');
}

/**
 * The image the kubelet pulls (distribution/reference grammar: an invalid one leaves the pod in
 * InvalidImageName), the ports and API prefix of a custom container, and the URLs the autoscaler
 * queries.
 */
export function checkServiceEndpoints(problems: Problems, props: ModelServiceProps, runtime: Runtime): void {
  checkImageReference(problems, 'runtime.image', runtime.image);
  const profile = runtime.profile;
  checkPort(problems, 'runtime.port', profile.httpPort);
  if (profile.metricsPort !== profile.httpPort) checkPort(problems, 'runtime.metricsPort', profile.metricsPort);
  // A route on another prefix is rewritten to the engine's (HTTPRoute URLRewrite replacePrefixMatch,
  // which the CRD's CEL rules check like a path match).
  if (props.route !== undefined) {
    const reason = pathPrefixProblem(profile.apiPathPrefix);
    if (reason) problems.add('runtime.apiPathPrefix', profile.apiPathPrefix, `the engine's API prefix ${reason}`, 'give the path the container serves its API under, e.g. "/v1"');
  }
  const url = props.autoscaling?.prometheusUrl;
  if (url !== undefined) checkHttpUrl(problems, 'autoscaling.prometheusUrl', url);
  checkMetricNames(problems, runtime);
}

/**
 * Prometheus' metric and label name grammar (prometheus/common model `MetricNameRE`
 * `^[a-zA-Z_:][a-zA-Z0-9_:]*$`, `LabelNameRE` `^[a-zA-Z_][a-zA-Z0-9_]*$`), for the names a custom
 * runtime declares: modelship writes them unquoted into the KEDA query, the Argo analysis and the
 * recording rules, where any other character breaks the PromQL.
 */
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function checkMetricNames(problems: Problems, runtime: Runtime): void {
  if (!runtime.imageGiven || runtime.driver.versions !== undefined) return;
  const metrics = runtime.metrics as Record<string, unknown>;
  const metricFix = 'use the name exactly as the server exports it on /metrics (letters, digits, "_" and ":")';
  for (const [signal, value] of Object.entries(metrics)) {
    const refs = Array.isArray(value) ? value : [value];
    refs.forEach((ref, i) => {
      const at = `runtime.metrics.${signal}${Array.isArray(value) ? `[${i}]` : ''}`;
      const name = typeof ref === 'string' ? ref : (ref as { metric?: unknown } | undefined)?.metric;
      if (typeof name === 'string' && !METRIC_NAME.test(name)) problems.add(typeof ref === 'string' ? at : `${at}.metric`, name, 'is not a Prometheus metric name', metricFix);
      if (ref !== null && typeof ref === 'object') {
        for (const field of ['matchers', 'regexMatchers'] as const) {
          for (const label of Object.keys((ref as Record<string, Record<string, string> | undefined>)[field] ?? {})) {
            if (!LABEL_NAME.test(label)) problems.add(`${at}.${field}["${label}"]`, label, 'is not a Prometheus label name', 'use letters, digits and "_", not starting with a digit');
          }
        }
      }
    });
  }
}
