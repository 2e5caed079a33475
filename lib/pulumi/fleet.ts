import * as pulumi from '@pulumi/pulumi';
import { App, Chart } from 'cdk8s';
import { Problems } from '../errors';
import { surfaceValidation } from './errors';
import { KubeObjectRef } from './objects';
import { FleetPlan, PlannedObject, planFleet } from './plan';
import { kubernetesObject } from './resource';
import { checkDns1123Label, report } from '../private/api-rules';
import { describeValue, Guard, guardProps, is, required } from '../private/prop-guards';

/** Type token of the fleet component. */
export const FLEET_TYPE = 'modelship:index:ModelFleet';

/** Prefix of the type token of each construct's component (`modelship:index:ModelService`). */
export const CONSTRUCT_TYPE_PREFIX = 'modelship:index:';

/** What a {@link ModelFleet} deploys and how. */
export interface ModelFleetArgs {
  /**
   * The modelship constructs: a cdk8s Chart, an App (every chart), or a function that builds
   * them in a new chart (named after the fleet, with `namespace`). With a function, construct-time
   * validation errors also surface as `pulumi.InputPropertiesError`.
   */
  readonly source: Chart | App | ((chart: Chart) => void);
  /**
   * Namespace of the chart the fleet creates when `source` is a function.
   * @default - none: objects without a namespace land in the provider's default namespace
   */
  readonly namespace?: string;
  /**
   * Prefix of every object's logical name. Set it when one stack deploys the same fleet to two
   * clusters (two providers), so their URNs differ.
   * @default '' (logical names are `<namespace>/<name>`)
   */
  readonly namePrefix?: string;
  /**
   * Keep PersistentVolumeClaims (model caches) in the cluster when Pulumi deletes or replaces
   * them (`retainOnDelete`): re-downloading hundreds of GB of weights is slow and costs egress.
   * Set false to let `pulumi destroy` delete them.
   * @default true
   */
  readonly retainVolumeClaims?: boolean;
  /**
   * Aliases per object key (`<Kind>/<namespace>/<name>`), for renames Pulumi cannot infer
   * (a changed `namePrefix`, an object moved to another construct).
   * @default - none
   */
  readonly aliases?: Readonly<Record<string, pulumi.Input<pulumi.Alias | string>[]>>;
  /**
   * Extra resource options per object (e.g. `protect`, `ignoreChanges`), merged over the
   * adapter's own (`parent`, `dependsOn`, `retainOnDelete`, `customTimeouts`).
   * @default - none
   */
  readonly objectOptions?: (object: PlannedObject) => pulumi.CustomResourceOptions | undefined;
}

/**
 * modelship constructs as a Pulumi stack: one Pulumi resource per synthesized Kubernetes object
 * (the same objects `cdk8s synth` writes), grouped under one component per top-level construct,
 * ordered with `dependsOn`, model caches retained, and rollout timeouts derived from each
 * service's startup budget. Resource options of the fleet (`provider`, `protect`, ...) reach every
 * child through `parent`.
 */
export class ModelFleet extends pulumi.ComponentResource {
  /** Every registered object, sorted by key. */
  public readonly resources: pulumi.Output<KubeObjectRef[]>;
  /** In-cluster URL of each ModelService, keyed `<namespace>/<name>`. */
  public readonly serviceUrls: pulumi.Output<Record<string, string>>;
  /** The Pulumi resource of each object, keyed `<Kind>/<namespace>/<name>` (for `dependsOn` elsewhere). */
  public readonly objects: Readonly<Record<string, pulumi.CustomResource>>;
  /** The component of each top-level construct, keyed by construct path. */
  public readonly components: Readonly<Record<string, pulumi.ComponentResource>>;
  /** What was registered and why (dependencies, retention, timeouts). */
  public readonly plan: FleetPlan;

  constructor(name: string, args: ModelFleetArgs, opts: pulumi.ComponentResourceOptions = {}) {
    // Synthesize before registering anything: invalid input registers nothing.
    const plan = surfaceValidation(() => {
      guardFleetArgs(name, args);
      return planFleet(resolveSource(name, args), {
        namePrefix: args.namePrefix,
        retainVolumeClaims: args.retainVolumeClaims,
      });
    });
    super(FLEET_TYPE, name, {}, opts);
    this.plan = plan;

    const components: Record<string, ConstructComponent> = {};
    for (const group of plan.groups) {
      components[group.path] = new ConstructComponent(CONSTRUCT_TYPE_PREFIX + group.className, `${name}/${group.path}`, group.url, { parent: this });
    }

    const objects: Record<string, pulumi.CustomResource> = {};
    for (const obj of plan.objects) {
      const base: pulumi.CustomResourceOptions = {
        parent: obj.construct !== undefined ? components[obj.construct] : this,
        dependsOn: obj.dependsOn.map(k => objects[k]),
        retainOnDelete: obj.retainOnDelete || undefined,
        // customTimeouts, not the pulumi.com/timeoutSeconds annotation: the body stays what cdk8s synthesizes.
        customTimeouts: obj.timeouts ? { create: obj.timeouts.create, update: obj.timeouts.update } : undefined,
        aliases: args.aliases?.[obj.key],
      };
      const extra = args.objectOptions?.(obj);
      objects[obj.key] = kubernetesObject(obj.logicalName, obj.body, extra ? pulumi.mergeOptions(base, extra) : base);
    }
    this.objects = objects;
    this.components = components;

    const refs: KubeObjectRef[] = plan.objects
      .map(({ key, type, logicalName, apiVersion, kind, namespace, name: objName, construct }) =>
        ({ key, type, logicalName, apiVersion, kind, ...(namespace ? { namespace } : {}), name: objName, ...(construct ? { construct } : {}) }))
      .sort((a, b) => a.key.localeCompare(b.key));
    this.resources = pulumi.output(refs);
    this.serviceUrls = pulumi.output({ ...plan.serviceUrls });
    this.registerOutputs({ resources: this.resources, serviceUrls: this.serviceUrls });
  }
}

/**
 * The component of one top-level construct: `modelship:index:<class name>` (`ModelService`, `GpuNodePool`;
 * a construct of your own shows under its own class name).
 */
export class ConstructComponent extends pulumi.ComponentResource {
  /** In-cluster URL, when the construct is a ModelService. */
  public readonly url?: pulumi.Output<string>;

  constructor(type: string, name: string, url: string | undefined, opts: pulumi.ComponentResourceOptions) {
    super(type, name, {}, opts);
    if (url !== undefined) this.url = pulumi.output(url);
    this.registerOutputs(url !== undefined ? { url: this.url } : {});
  }
}

/** The arguments' types, for JavaScript and config-driven callers (see lib/private/prop-guards.ts). */
function guardFleetArgs(name: string, args: ModelFleetArgs): void {
  const problems = new Problems(`ModelFleet ${JSON.stringify(name)}`);
  const source: Guard = (sink, property, value) => value instanceof App || Chart.isChart(value) || typeof value === 'function'
    || report(sink, property, value, [`must be a cdk8s Chart, an App, or a function that builds the constructs in a chart, got ${describeValue(value)}`],
      'pass source: chart, source: app, or source: chart => { new ModelService(chart, "llama", {...}); }');
  if (guardProps(problems, args, {
    source: required(source),
    namespace: is.string('llm'),
    namePrefix: is.string('us-east-1/'),
    retainVolumeClaims: is.boolean(),
    aliases: is.record(is.any(), '{ "Deployment/llm/llama": ["urn:..."] }'),
    objectOptions: is.function('o => ({ protect: o.kind === "PersistentVolumeClaim" })'),
  }, '{ source: chart }') && typeof args.namespace === 'string') {
    checkDns1123Label(problems, 'namespace', args.namespace);
  }
  problems.throwIfAny();
}

function resolveSource(name: string, args: ModelFleetArgs): Chart | App {
  if (typeof args.source !== 'function') return args.source;
  const chart = new Chart(new App(), name, { namespace: args.namespace });
  args.source(chart);
  return chart;
}
