import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { Accelerator, GpuVendor } from '../accelerators';
import { ModelshipConstruct } from '../construct-base';
import { addCrossCheck, checkDnsLabel, Problem, Problems, show } from '../errors';
import { IGpuConsumer, IGpuNodePool } from './contract';
import { budgetRow, GpuDemand, PoolCost, poolCost } from './cost';
import { buildDevicePlugin, DevicePlugin } from './device-plugin';
import { Interconnect } from './interconnect';
import { buildKarpenterObjects, defaultRootVolumeGiB } from './karpenter';
import { GPU_NODE_POOL_FIELDS } from './prop-shapes';
import { KARPENTER_DEFAULTS, Provisioner, ProvisionerKind } from './provisioner';
import { PoolContract, resolvePoolContract } from './resolve';
import { resolveInterconnect } from './resolve-interconnect';
import { formatTaint, NodeTaint, POOL_LABEL, tolerationFor } from './scheduling';
import * as k8s from '../imports/k8s';
import { checkDns1123Label, checkImageReference } from '../private/api-rules';
import { guardProps } from '../private/prop-guards';

/** Pools of each app by name: two pools with one name would emit the same objects. */

/** Props of a GpuNodePool. */
export interface GpuNodePoolProps {
  /** GPU model of every node in the pool. */
  readonly accelerator: Accelerator;
  /** Where the nodes come from. */
  readonly provisioner: Provisioner;
  /**
   * Most GPUs the pool may hold. Required with Karpenter (it becomes the NodePool's GPU limit);
   * with existing nodes it is the capacity the services are checked against.
   * @default - no ceiling (existing pools only)
   */
  readonly maxGpus?: number;
  /**
   * Price of one GPU-hour, USD, for cost figures (a negotiated, reserved or spot price).
   * @default - the catalog's on-demand list price (`accelerator.spec.onDemandUsdPerGpuHour`)
   */
  readonly usdPerGpuHour?: number;
  /** A device plugin to run on the pool's nodes. @default - none (the platform provides one) */
  readonly devicePlugin?: DevicePlugin;
  /** Name of the NodePool, EC2NodeClass and device plugin objects. @default - the construct id */
  readonly name?: string;
  /**
   * The fabric between the pool's nodes (`Interconnect.efa()`, `.infiniband({...})`, `.roce({...})`,
   * `.none()`), which a replica spanning nodes requests on each node.
   * @default - EFA on a Karpenter pool whose largest instance types all have a documented EFA count
   *   (p4d, p4de, p5, p5e, p5en); otherwise not declared
   */
  readonly interconnect?: Interconnect;
}

/**
 * GPU capacity and the contract a workload must meet to land on it: node labels, taints,
 * accelerator, GPUs per node and a GPU ceiling. With Karpenter it emits a NodePool (its
 * `node.defaultChild`) and an EC2NodeClass; for nodes provisioned elsewhere it emits nothing but
 * the optional device plugin (then its DaemonSet is the default child; with nothing emitted there is none).
 *
 * Services placed on the pool (`new ModelService(scope, id, { nodePool })`) are checked at synth:
 * their GPUs at peak must fit `maxGpus`, and none that requires stable capacity may sit on spot.
 */
export class GpuNodePool extends ModelshipConstruct implements IGpuNodePool {
  /** Name of the pool and of the objects it emits. */
  public readonly name: string;
  public readonly accelerator: Accelerator;
  public readonly provisioner: Provisioner;
  public readonly nodeSelector: Record<string, string>;
  public readonly tolerations: k8s.Toleration[];
  /** Taints of the pool's nodes. */
  public readonly taints: NodeTaint[];
  public readonly gpusPerNode: number;
  public readonly maxGpus?: number;
  public readonly interruptible: boolean;
  public readonly usdPerGpuHour: number;
  /** Where `usdPerGpuHour` comes from. */
  public readonly priceSource: string;
  /** The Karpenter NodePool, if the pool creates nodes. */
  public readonly karpenterNodePool?: ApiObject;
  /** The Karpenter EC2NodeClass, if the pool creates nodes. */
  public readonly nodeClass?: ApiObject;
  /** The device plugin DaemonSet, if any. */
  public readonly devicePluginDaemonSet?: ApiObject;
  /** Longest a draining node waits for its pods (Karpenter's `terminationGracePeriod`), if the pool creates nodes. */
  public readonly nodeTerminationGracePeriodSeconds?: number;
  public readonly interconnect?: Interconnect;

  private readonly placed: IGpuConsumer[] = [];

  constructor(scope: Construct, id: string, props: GpuNodePoolProps) {
    super(scope, id);
    const problems = this._problems;
    // JavaScript and config-driven callers: wrong types end here, as a ValidationError.
    if (!guardProps(problems, props, GPU_NODE_POOL_FIELDS, '{ accelerator: Accelerator.NVIDIA_H100_80GB, provisioner: Provisioner.karpenter({...}), maxGpus: 16 }')) problems.throwIfAny();
    this.name = props.name ?? id;
    this.accelerator = props.accelerator;
    this.provisioner = props.provisioner;
    checkDnsLabel(problems, 'name', this.name, 40);
    // NodePool, EC2NodeClass and the device plugin are named after the pool (NodePools are cluster-scoped).
    this._claimName('GpuNodePool', this.name, namesake => ({
      property: 'name',
      value: this.name,
      reason: `the pool ${namesake.node.path} has the same name, so both would emit NodePool, EC2NodeClass and device plugin objects named ${this.name}`,
      fix: 'give each pool its own name',
    }));

    const karpenter = props.provisioner.kind === ProvisionerKind.KARPENTER;
    if (props.maxGpus !== undefined && !(Number.isInteger(props.maxGpus) && props.maxGpus >= 1)) {
      problems.add('maxGpus', props.maxGpus, 'must be a whole number of GPUs >= 1', 'use e.g. 16');
    } else if (karpenter && props.maxGpus === undefined) {
      problems.add('maxGpus', undefined, 'a Karpenter pool without a GPU limit can launch GPU nodes without bound',
        'set maxGpus to the most GPUs the pool may hold, e.g. 16 (two p5.48xlarge)');
    }
    if (props.usdPerGpuHour !== undefined && !(Number.isFinite(props.usdPerGpuHour) && props.usdPerGpuHour >= 0)) {
      problems.add('usdPerGpuHour', props.usdPerGpuHour, 'must be a price >= 0', `leave it out for the list price (${props.accelerator.spec.onDemandUsdPerGpuHour})`);
    }
    const shares = props.devicePlugin?.options.sharing?.replicas;
    if (shares !== undefined && !(Number.isInteger(shares) && shares >= 2)) {
      problems.add('devicePlugin.sharing', `timeSlicing(${shares})`, 'time-slicing shares each GPU between a whole number of pods, at least 2',
        'use GpuSharing.timeSlicing(2) or more, or no sharing');
    }
    const plugin = props.devicePlugin?.options;
    if (plugin?.image !== undefined) checkImageReference(problems, 'devicePlugin.image', plugin.image);
    if (plugin?.namespace !== undefined) checkDns1123Label(problems, 'devicePlugin.namespace', plugin.namespace);
    if (props.devicePlugin && props.accelerator.vendor !== GpuVendor.NVIDIA) {
      problems.add('devicePlugin', 'nvidia', `the NVIDIA device plugin cannot advertise ${props.accelerator.displayName}`,
        'remove devicePlugin and install the vendor\'s device plugin (e.g. the AMD GPU Operator)');
    }
    const contract = resolvePoolContract(problems, this.name, props.accelerator, props.provisioner);
    const interconnect = contract ? resolveInterconnect(problems, props.interconnect, {
      provisioner: props.provisioner.kind,
      instanceTypes: contract.instanceTypes,
      gpusOn: t => props.accelerator.gpusOnInstanceType(t),
      gpusPerNode: contract.gpusPerNode,
    }) : undefined;
    this._validate();
    const c: PoolContract = contract!;

    this.nodeSelector = c.nodeSelector;
    this.taints = c.taints;
    this.tolerations = c.taints.map(tolerationFor);
    this.gpusPerNode = c.gpusPerNode;
    this.interconnect = interconnect;
    this.maxGpus = props.maxGpus;
    this.interruptible = c.interruptible;
    this.usdPerGpuHour = props.usdPerGpuHour ?? props.accelerator.spec.onDemandUsdPerGpuHour;
    this.priceSource = props.usdPerGpuHour !== undefined ? 'given (usdPerGpuHour)' : props.accelerator.spec.priceSource;

    const labels = { 'app.kubernetes.io/managed-by': 'modelship', [POOL_LABEL]: this.name };
    if (karpenter) {
      const tgp = props.provisioner.karpenterOptions?.terminationGracePeriod;
      this.nodeTerminationGracePeriodSeconds = tgp !== undefined ? tgp.toSeconds() : KARPENTER_DEFAULTS.terminationGracePeriodHours * 3600;
      const { nodePool, nodeClass } = buildKarpenterObjects(this, {
        name: this.name,
        accelerator: this.accelerator,
        options: props.provisioner.karpenterOptions ?? {},
        contract: c,
        maxGpus: props.maxGpus!,
        labels,
        rootVolumeGiB: () => defaultRootVolumeGiB(this.placed.map(x => x.nodeCacheGiB ?? 0)),
      });
      this.karpenterNodePool = nodePool;
      this.nodeClass = nodeClass;
      // NodePool and EC2NodeClass are cluster-scoped: a chart namespace on them is meaningless.
      if (Chart.of(this).namespace !== undefined) {
        for (const obj of [nodePool, nodeClass]) obj.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
      }
    }
    if (props.devicePlugin) {
      this.devicePluginDaemonSet = buildDevicePlugin(this, {
        poolName: this.name,
        resourceName: this.accelerator.resourceName,
        nodeSelector: this.nodeSelector,
        tolerations: this.tolerations,
        labels,
        plugin: props.devicePlugin,
      }).daemonSet;
    }
    // An existing pool without a device plugin emits nothing, so it has no default child.
    this.node.defaultChild = this.karpenterNodePool ?? this.devicePluginDaemonSet;

    addCrossCheck(this, () => this.checkConsumers());
  }

  /** Records a workload placed on the pool (ModelService does this for `nodePool`). */
  public registerConsumer(consumer: IGpuConsumer): void {
    if (!this.placed.includes(consumer)) this.placed.push(consumer);
  }

  /** Workloads placed on the pool, in the order they were placed. */
  public get consumers(): readonly IGpuConsumer[] {
    return [...this.placed];
  }

  /** Who creates the nodes. */
  public get provisionerKind(): ProvisionerKind {
    return this.provisioner.kind;
  }

  /** GPUs and estimated USD per hour at min and max scale, per workload and in total. */
  public costSummary(): PoolCost {
    const demands: GpuDemand[] = this.placed.map(c => ({
      name: c.consumerName, gpusAtMin: c.gpusAtMin, gpusAtMax: c.gpusAtMax ?? c.gpusAtPeak, gpusAtPeak: c.gpusAtPeak,
    }));
    return poolCost({
      pool: this.name,
      accelerator: this.accelerator.id,
      provisioner: this.provisioner.kind,
      usdPerGpuHour: this.usdPerGpuHour,
      priceSource: this.priceSource,
      maxGpus: this.maxGpus,
    }, demands);
  }

  /** Taints rendered as `key=value:Effect`, for reports. */
  public describeTaints(): string[] {
    return this.taints.map(formatTaint);
  }

  private checkConsumers(): Problem[] {
    const problems = new Problems(this.node.path);
    if (this.maxGpus !== undefined) {
      const peak = this.placed.reduce((a, c) => a + c.gpusAtPeak, 0);
      if (peak > this.maxGpus) {
        const rows = this.placed.map(c => budgetRow(c, this.gpusPerNode)).join(', ');
        problems.add('maxGpus', this.maxGpus,
          `maxGpus (${this.maxGpus}) is below what the services need at max scale: ${rows}; total ${peak}`,
          `raise maxGpus to at least ${peak}, lower maxReplicas or maxSurge, or place a service on another pool`);
      }
    }
    const found = [...problems.list];
    if (this.interruptible) {
      for (const c of this.placed.filter(x => x.requiresStableCapacity)) {
        found.push({
          path: c.node.path,
          property: 'nodePool',
          value: show(this.node.path),
          reason: `${c.consumerName} sets requireStableCapacity, but the pool ${this.name} is interruptible (spot: nodes can be reclaimed at two minutes' notice)`,
          fix: 'place the service on an on-demand or reserved pool, or remove spot from the pool\'s capacity types',
        });
      }
    }
    return found;
  }
}
