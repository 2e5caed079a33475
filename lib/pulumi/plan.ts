import { ApiObject, App, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ModelService } from '../model-service';
import { KubeObjectBody, KubeObjectRef, logicalName, namespaceOf, objectKey, typeToken } from './objects';
import { planDependencies, topologicalOrder } from './order';
import { autoscalerBounds, rolloutTimeouts, RolloutTimeouts } from './timeouts';
import { inSynthPass } from '../private/synth-pass';

/** The construct a group of objects came from: one Pulumi component per top-level construct. */
export interface PlannedGroup {
  /** Construct path relative to the synthesized root (`llama-70b`, or `chart/llama-70b` for an App). */
  readonly path: string;
  /** Class name of the construct (`ModelService`), which becomes `modelship:index:<ClassName>`. */
  readonly className: string;
  /** In-cluster URL when the construct is a ModelService. */
  readonly url?: string;
}

/** One synthesized object and how Pulumi must handle it. */
export interface PlannedObject extends KubeObjectRef {
  /** The object exactly as `chart.toJson()` renders it. */
  readonly body: KubeObjectBody;
  /** Keys of the objects this one waits for. */
  readonly dependsOn: readonly string[];
  /** True for PersistentVolumeClaims when retaining is on: `pulumi destroy` leaves them in the cluster. */
  readonly retainOnDelete: boolean;
  /** Rollout timeouts, for workloads that load a model. */
  readonly timeouts?: RolloutTimeouts;
}

/** Everything the Pulumi component registers, computed without Pulumi. */
export interface FleetPlan {
  /** Objects in creation order (each after what it depends on). */
  readonly objects: readonly PlannedObject[];
  /** Groups by path, sorted. */
  readonly groups: readonly PlannedGroup[];
  /** In-cluster URL per ModelService, keyed `<namespace>/<name>`, sorted. */
  readonly serviceUrls: Readonly<Record<string, string>>;
}

/** Options of {@link planFleet}. */
export interface PlanOptions {
  /** Prefix of every object's logical name. @default '' */
  readonly namePrefix?: string;
  /** Keep PersistentVolumeClaims in the cluster on delete. @default true */
  readonly retainVolumeClaims?: boolean;
}

/**
 * Synthesizes a chart (or every chart of an app) through cdk8s, exactly as `cdk8s synth` would
 * (validation included: a ValidationError is thrown before anything is planned), and plans one
 * Pulumi resource per object: logical name, parent construct, dependencies, retention, timeouts.
 */
export function planFleet(source: Chart | App, options: PlanOptions = {}): FleetPlan {
  // One synthesis pass, as `app.synth()` makes: the cross-construct checks run once for all the
  // charts, and an object the object-size check renders is not rendered again (lib/private/synth-pass.ts).
  return inSynthPass(source.node.root, () => planCharts(source, options));
}

function planCharts(source: Chart | App, options: PlanOptions): FleetPlan {
  const charts = source instanceof App ? source.charts : [source];
  const rootPath = source.node.path;
  const relative = (c: IConstruct) => (rootPath ? c.node.path.slice(rootPath.length + 1) : c.node.path);

  const entries: { key: string; body: KubeObjectBody; group?: string }[] = [];
  const groups = new Map<string, PlannedGroup>();
  const serviceUrls: Record<string, string> = {};
  const seen = new Set<string>();
  for (const chart of charts) {
    const bodies: KubeObjectBody[] = chart.toJson();
    const owners = new Map<string, IConstruct>();
    for (const c of chart.node.findAll()) {
      if (!ApiObject.isApiObject(c) || Chart.of(c) !== chart) continue;
      const top = topLevelConstruct(c, chart);
      if (top) owners.set(apiObjectKey(c), top);
    }
    for (const c of chart.node.findAll()) {
      if (c instanceof ModelService && Chart.of(c) === chart) serviceUrls[`${c.namespace}/${c.name}`] = c.url;
    }
    for (const body of bodies) {
      const key = objectKey(body);
      if (seen.has(key)) {
        throw new Error(`modelship/pulumi: two objects are both ${key}; Kubernetes would keep only one. Give them distinct names.`);
      }
      seen.add(key);
      const owner = owners.get(key);
      let group: string | undefined;
      if (owner) {
        group = relative(owner);
        if (!groups.has(group)) {
          groups.set(group, { path: group, className: owner.constructor.name, url: owner instanceof ModelService ? owner.url : undefined });
        }
      }
      entries.push({ key, body, group });
    }
  }

  const deps = planDependencies(entries);
  const bounds = autoscalerBounds(entries.map(e => e.body));
  const retain = options.retainVolumeClaims ?? true;
  const objects = topologicalOrder(entries, deps).map((e): PlannedObject => ({
    key: e.key,
    type: typeToken(e.body),
    logicalName: logicalName(e.body, options.namePrefix),
    apiVersion: e.body.apiVersion,
    kind: e.body.kind,
    namespace: namespaceOf(e.body),
    name: e.body.metadata.name,
    construct: e.group,
    body: e.body,
    dependsOn: deps.get(e.key)!,
    retainOnDelete: retain && e.body.kind === 'PersistentVolumeClaim',
    timeouts: rolloutTimeouts(e.body, bounds.get(e.key)),
  }));
  const sortedUrls: Record<string, string> = {};
  for (const k of Object.keys(serviceUrls).sort()) sortedUrls[k] = serviceUrls[k];
  return {
    objects,
    groups: [...groups.values()].sort((a, b) => a.path.localeCompare(b.path)),
    serviceUrls: sortedUrls,
  };
}

/** The ancestor of `c` that is a direct child of its chart: the construct the user wrote. */
function topLevelConstruct(c: IConstruct, chart: Chart): IConstruct | undefined {
  let node: IConstruct = c;
  while (node.node.scope && node.node.scope !== chart) node = node.node.scope;
  // An ApiObject placed directly in the chart has no construct of its own.
  return node === c && c.node.scope === chart ? undefined : node;
}

function apiObjectKey(o: ApiObject): string {
  return objectKey({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.name, namespace: o.metadata.namespace } });
}
