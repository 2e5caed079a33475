import { KubeObjectBody, namespaceOf } from './objects';

/**
 * When an object is applied relative to the others of its construct. Pulumi creates a tier only
 * after the tier below it is ready, and deletes in the reverse order.
 */
export enum ObjectTier {
  /** Namespaces, CRDs, cluster-wide classes and GPU capacity (Karpenter NodePools). */
  FOUNDATION = 0,
  /** What pods mount or run as: ServiceAccounts, ConfigMaps, Secrets, PVCs, RBAC, NetworkPolicies, analysis templates. */
  CONFIG = 1,
  /** What runs pods: Deployments, StatefulSets, DaemonSets, LeaderWorkerSets, Jobs. */
  WORKLOAD = 2,
  /**
   * Services. They come after their workload, not before: Pulumi's Service await waits until the
   * selected pods are ready, so a Service created first would race the model load on its own
   * (10 minute) clock and fail `pulumi up` (pulumi/pulumi-kubernetes#1242, #3142).
   */
  EXPOSURE = 3,
  /** What acts on a running workload: autoscalers, Rollouts, PDBs, routes, ServiceMonitors, rules. */
  ATTACHMENT = 4,
}

const TIER_BY_KIND: Readonly<Record<string, ObjectTier>> = {
  Namespace: ObjectTier.FOUNDATION,
  CustomResourceDefinition: ObjectTier.FOUNDATION,
  StorageClass: ObjectTier.FOUNDATION,
  PriorityClass: ObjectTier.FOUNDATION,
  RuntimeClass: ObjectTier.FOUNDATION,
  ClusterRole: ObjectTier.FOUNDATION,
  ClusterRoleBinding: ObjectTier.FOUNDATION,
  NodePool: ObjectTier.FOUNDATION,
  EC2NodeClass: ObjectTier.FOUNDATION,

  ServiceAccount: ObjectTier.CONFIG,
  ConfigMap: ObjectTier.CONFIG,
  Secret: ObjectTier.CONFIG,
  PersistentVolumeClaim: ObjectTier.CONFIG,
  Role: ObjectTier.CONFIG,
  RoleBinding: ObjectTier.CONFIG,
  NetworkPolicy: ObjectTier.CONFIG,
  AnalysisTemplate: ObjectTier.CONFIG,
  ClusterAnalysisTemplate: ObjectTier.CONFIG,
  TriggerAuthentication: ObjectTier.CONFIG,
  ClusterTriggerAuthentication: ObjectTier.CONFIG,

  Deployment: ObjectTier.WORKLOAD,
  StatefulSet: ObjectTier.WORKLOAD,
  DaemonSet: ObjectTier.WORKLOAD,
  LeaderWorkerSet: ObjectTier.WORKLOAD,
  ReplicaSet: ObjectTier.WORKLOAD,
  Job: ObjectTier.WORKLOAD,
  CronJob: ObjectTier.WORKLOAD,
  Pod: ObjectTier.WORKLOAD,

  Service: ObjectTier.EXPOSURE,
  // Exposes pods like a Service; routes (HTTPRoute backendRefs) and InferenceObjectives (poolRef)
  // name it, so it comes before them, after its endpoint picker's RBAC and Deployment.
  InferencePool: ObjectTier.EXPOSURE,
};

/** The tier of a kind; kinds not listed (autoscalers, Rollouts, monitors, routes, PDBs) act on workloads. */
export function tierOf(kind: string): ObjectTier {
  return TIER_BY_KIND[kind] ?? ObjectTier.ATTACHMENT;
}

/** One synthesized object with the construct it belongs to (for ordering within a construct). */
export interface OrderInput {
  readonly key: string;
  readonly body: KubeObjectBody;
  /** Top-level construct path, or undefined for objects placed directly in the chart. */
  readonly group?: string;
}

/**
 * The objects each object depends on (keys), from three rules:
 * 1. Within a construct, each object waits for the nearest lower tier that construct has
 *    (transitively: every lower tier).
 * 2. Across the fleet, a namespaced object waits for its Namespace, an instance of a CRD for that
 *    CRD, and every workload for cluster-wide foundations (GPU NodePools, classes, CRDs).
 * 3. Across constructs, an object that names or selects a target of a lower tier waits for it:
 *    `scaleTargetRef`, `workloadRef`, `targetRef`, HTTPRoute `backendRefs`, ServiceMonitor and
 *    PodMonitor selectors.
 * Edges only point to strictly lower tiers, so the graph has no cycles. Lists are sorted.
 */
export function planDependencies(objects: readonly OrderInput[]): Map<string, string[]> {
  const deps = new Map<string, Set<string>>(objects.map(o => [o.key, new Set<string>()]));
  const add = (from: OrderInput, to: OrderInput | undefined) => {
    if (to && to.key !== from.key && tierOf(to.body.kind) < tierOf(from.body.kind)) deps.get(from.key)!.add(to.key);
  };

  // Rule 1: nearest lower tier within the construct.
  const byGroup = new Map<string, OrderInput[]>();
  for (const o of objects) {
    if (o.group === undefined) continue;
    const list = byGroup.get(o.group) ?? [];
    list.push(o);
    byGroup.set(o.group, list);
  }
  for (const members of byGroup.values()) {
    for (const o of members) {
      const tier = tierOf(o.body.kind);
      const lower = members.map(m => tierOf(m.body.kind)).filter(t => t < tier);
      if (lower.length === 0) continue;
      const nearest = Math.max(...lower);
      for (const m of members) if (tierOf(m.body.kind) === nearest) add(o, m);
    }
  }

  // Rule 2: fleet-wide foundations.
  const namespaces = new Map(objects.filter(o => o.body.kind === 'Namespace').map(o => [o.body.metadata.name, o]));
  const crds = objects.filter(o => o.body.kind === 'CustomResourceDefinition');
  const clusterFoundations = objects.filter(o => tierOf(o.body.kind) === ObjectTier.FOUNDATION && o.body.kind !== 'Namespace');
  for (const o of objects) {
    const ns = namespaceOf(o.body);
    if (ns) add(o, namespaces.get(ns));
    const group = o.body.apiVersion.split('/')[0];
    for (const crd of crds) {
      const spec = (crd.body as any).spec ?? {};
      if (spec.group === group && spec.names?.kind === o.body.kind) add(o, crd);
    }
    if (tierOf(o.body.kind) === ObjectTier.WORKLOAD) for (const f of clusterFoundations) add(o, f);
  }

  // Rule 3: references to targets.
  for (const o of objects) {
    for (const target of referencedTargets(o.body, objects)) add(o, target);
  }

  const result = new Map<string, string[]>();
  for (const o of objects) result.set(o.key, [...deps.get(o.key)!].sort());
  return result;
}

function referencedTargets(body: KubeObjectBody, objects: readonly OrderInput[]): OrderInput[] {
  const spec = (body as any).spec ?? {};
  const ns = body.metadata.namespace;
  const found: OrderInput[] = [];
  const byRef = (ref: any, defaultKind?: string) => {
    if (!ref || typeof ref.name !== 'string') return;
    const kind = ref.kind ?? defaultKind;
    const refNs = ref.namespace ?? ns;
    const hit = objects.find(o => o.body.kind === kind && o.body.metadata.name === ref.name && o.body.metadata.namespace === refNs);
    if (hit) found.push(hit);
  };
  byRef(spec.scaleTargetRef, 'Deployment');
  byRef(spec.workloadRef);
  byRef(spec.targetRef);
  // InferenceObjective / InferenceModelRewrite `poolRef` (kind defaults to InferencePool in their CRDs).
  if (spec.poolRef) byRef(spec.poolRef, 'InferencePool');
  for (const rule of Array.isArray(spec.rules) ? spec.rules : []) {
    for (const backend of Array.isArray(rule?.backendRefs) ? rule.backendRefs : []) {
      if ((backend.kind ?? 'Service') === 'Service' && (backend.group ?? '') === '') byRef({ ...backend, kind: 'Service' });
      if (backend.kind === 'InferencePool' && backend.group === 'inference.networking.k8s.io') byRef(backend);
    }
  }
  if (body.kind === 'ServiceMonitor' || body.kind === 'PodMonitor') {
    const selector: Record<string, string> | undefined = spec.selector?.matchLabels;
    const nsSel = spec.namespaceSelector ?? {};
    const inNamespace = (o: OrderInput) => nsSel.any === true
      || (Array.isArray(nsSel.matchNames) ? nsSel.matchNames.includes(o.body.metadata.namespace) : o.body.metadata.namespace === ns);
    if (selector && Object.keys(selector).length > 0) {
      for (const o of objects) {
        const labels: Record<string, string> | undefined = body.kind === 'ServiceMonitor'
          ? (o.body.kind === 'Service' ? (o.body.metadata as any).labels : undefined)
          : (tierOf(o.body.kind) === ObjectTier.WORKLOAD ? (o.body as any).spec?.template?.metadata?.labels : undefined);
        if (labels && inNamespace(o) && Object.entries(selector).every(([k, v]) => labels[k] === v)) found.push(o);
      }
    }
  }
  return found;
}

/** Objects in an order where every object comes after what it depends on (stable: ties keep input order). */
export function topologicalOrder(objects: readonly OrderInput[], deps: ReadonlyMap<string, readonly string[]>): OrderInput[] {
  const done = new Set<string>();
  const out: OrderInput[] = [];
  const byKey = new Map(objects.map(o => [o.key, o]));
  const visit = (o: OrderInput) => {
    if (done.has(o.key)) return;
    done.add(o.key); // edges only point to lower tiers, so there is no cycle to guard against
    for (const d of deps.get(o.key) ?? []) visit(byKey.get(d)!);
    out.push(o);
  };
  for (const o of objects) visit(o);
  return out;
}

