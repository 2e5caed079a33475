import { selector } from '../engines';
import { KUBE_STATE_METRICS } from './known-metrics';
import { promDuration } from './promql';
import { alertRule, RuleSpec } from './rule-group';
import { MODEL_LABELS, POD_DEPLOYMENT_REGEX } from './service-rules';

/**
 * Multi-node services (LeaderWorkerSet groups) in the alerts: kube-state-metrics knows their pods
 * only by name, as every other modelship pod alert does (no `--metric-labels-allowlist` needed).
 * LWS names a group's leader pod `<lws>-<group index>` and its workers `<lws>-<group index>-<worker
 * index>` (the leader StatefulSet `<lws>`, one worker StatefulSet `<lws>-<group index>` per
 * group: kubernetes-sigs/lws `pkg/controllers/leaderworkerset_controller.go` and
 * `pod_controller.go`, v0.10.0), and a multi-node service's LWS is named after the service. The
 * names are listed in the regexes, so a Deployment pod never reads as a group's.
 */

function namesAlternation(names: readonly string[]): string {
  // Service names are DNS-1035 labels ([a-z0-9-]): nothing to escape in a regex.
  return `(?:${names.join('|')})`;
}

/**
 * Sets `service` from a pod name: a Deployment pod's (as before), or a group pod's of the named
 * multi-node services, the leader only (`leadersOnly`: the pod that serves) or every pod.
 */
export function podServiceWithGroups(expr: string, names: readonly string[], leadersOnly: boolean): string {
  const group = `(${namesAlternation(names)})-[0-9]+${leadersOnly ? '' : '(?:-[0-9]+)?'}`;
  const deploymentRegex = POD_DEPLOYMENT_REGEX.replace(/\|\.\*$/, '');
  return `label_replace(${expr}, "service", "$1$2", "pod", "${deploymentRegex}|${group}|.*")`;
}

/** Sets `service` and `group` (the LWS group index) from the pod name, for the named services' group pods only. */
function groupOf(expr: string, names: readonly string[]): string {
  const alt = namesAlternation(names);
  return `label_replace(label_replace(${expr}, "service", "$1", "pod", "(${alt})-[0-9]+(?:-[0-9]+)?|.*"), "group", "$1", "pod", "${alt}-([0-9]+)(?:-[0-9]+)?|.*")`;
}

/**
 * The age of a multi-node service's workload: its leader StatefulSet, named after the
 * LeaderWorkerSet (kube-state-metrics does not export custom resources by default).
 */
export function groupWorkloadCreated(names: readonly string[]): string {
  return `label_replace(${selector(KUBE_STATE_METRICS.statefulSetCreated, {})}, "service", "$1", "statefulset", "(${namesAlternation(names)})|.*")`;
}

/**
 * ModelGroupPartiallyReady: some but not all pods of a group are ready, after the group's newest
 * pod has had its startup budget. A group serves only whole (the leader's engine spans every node),
 * so a partial group is a replica down; RecreateGroupOnPodRestart should restart it, and a group
 * stuck partial means it cannot (a worker Pending for want of a node in the zone, a leader that
 * fails its probes while the workers run).
 */
export function groupAlerts(names: readonly string[], budgets: string, runbookBaseUrl: string | undefined): RuleSpec[] {
  if (names.length === 0) return [];
  const ksm = KUBE_STATE_METRICS;
  const by = `${MODEL_LABELS}, group`;
  const ready = groupOf(selector(ksm.podReady, { condition: 'true' }), names);
  const readyCount = `sum by (${by}) (${ready})`;
  const podCount = `count by (${by}) (${ready})`;
  const newest = `max by (${by}) (${groupOf(selector(ksm.podStartTime, {}), names)})`;
  const model = '{{ $labels.namespace }}/{{ $labels.service }}';
  const expr = `((${readyCount} > 0) and on (${by}) (${readyCount} < on (${by}) ${podCount}))`
    + ` and on (${MODEL_LABELS}) ${budgets}`
    + ` unless on (${by}) (time() - ${newest} < on (${MODEL_LABELS}) group_left ${budgets})`;
  return [alertRule('ModelGroupPartiallyReady', expr, promDuration(300), {
    severity: 'warning',
    summary: `A group of multi-node model ${model} is partially ready`,
    description: `Group {{ $labels.group }} of ${model} has {{ $value }} ready pods, fewer than it has pods, past its startup budget: the replica does not serve.`,
    runbook: 'kubectl get pods -l leaderworkerset.sigs.k8s.io/group-index=<group>: a Pending worker (no node free in the group\'s zone, EFA devices exhausted), or a leader failing its probes (Ray or NCCL cannot reach a worker: NetworkPolicy, interconnect); delete the leader pod to recreate the group.',
  }, runbookBaseUrl)];
}
