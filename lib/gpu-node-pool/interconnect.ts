/**
 * The fabric between a pool's nodes: what a replica spanning nodes requests on each node (RDMA
 * devices as extended resources) and the environment NCCL needs to use it.
 */
import { show, ValidationError } from '../errors';
import { describeValue, factoryOptions } from '../private/prop-guards';

/** Kind of node-to-node fabric. */
export type InterconnectKind = 'efa' | 'infiniband' | 'roce' | 'none';

/**
 * Extended resource the AWS EFA device plugin advertises, one per EFA interface (Amazon EKS user
 * guide, "Manage EFA devices on Amazon EKS": the plugin "advertises EFA devices as
 * `vpc.amazonaws.com/efa` extended resources"; with Karpenter, instances launched for pods that
 * request it get their interfaces configured as EFA).
 */
export const EFA_RESOURCE = 'vpc.amazonaws.com/efa';

/**
 * EFA interfaces of the GPU instance types that have them, all of which a pod holding the node's
 * eight GPUs requests. Sources: Amazon EC2 user guide, "Maximize network bandwidth on Amazon EC2
 * instances with multiple network cards" (P5 and P5e: 32 EFA devices), and the accelerated
 * computing network specifications (p4d/p4de: 4 network cards, p5en: 16); the same counts in
 * meta-pytorch/torchx `torchx/specs/named_resources_aws.py` (`EFA_DEVICE`, PRs #995 and #1098).
 * p5.4xlarge (one H100) is left out: its EFA count was not found.
 */
export const EFA_INTERFACES_BY_INSTANCE_TYPE: Readonly<Record<string, number>> = {
  'p4d.24xlarge': 4,
  'p4de.24xlarge': 4,
  'p5.48xlarge': 32,
  'p5e.48xlarge': 32,
  'p5en.48xlarge': 16,
};

/**
 * What NCCL's libfabric plugin (aws-ofi-nccl) needs to run over EFA with GPUDirect RDMA: the EFA
 * provider, RDMA reads and writes by the device, and fork safety for RDMA-registered memory. The
 * values SageMaker's PyTorch launcher sets on EFA instances with RDMA (p4d, p4de, p5 family):
 * aws/sagemaker-training-toolkit `src/sagemaker_training/torch_distributed.py` `setup_env`. The image
 * must carry libfabric and aws-ofi-nccl; whether the public vLLM and SGLang images do is UNVERIFIED.
 */
export const EFA_NCCL_ENV: Readonly<Record<string, string>> = {
  FI_PROVIDER: 'efa',
  FI_EFA_USE_DEVICE_RDMA: '1',
  RDMAV_FORK_SAFE: '1',
};

/** Options of `Interconnect.efa()`. */
export interface EfaOptions {
  /**
   * EFA interfaces of each node (the `vpc.amazonaws.com/efa` a multi-node pod requests).
   * @default - from the pool's Karpenter instance types (`EFA_INTERFACES_BY_INSTANCE_TYPE`); required for other pools
   */
  readonly interfacesPerNode?: number;
  /** Environment for NCCL, over the defaults (`EFA_NCCL_ENV`). @default - EFA_NCCL_ENV */
  readonly env?: Record<string, string>;
}

/** Options of `Interconnect.infiniband()` and `Interconnect.roce()`. */
export interface RdmaOptions {
  /**
   * Extended resource the cluster's RDMA device plugin advertises, e.g. `rdma/ib` (Mellanox
   * k8s-rdma-shared-dev-plugin) or `nvidia.com/hostdev`: it depends on how the plugin is configured.
   */
  readonly resource: string;
  /** How many of the resource a node's pod requests. @default 1 */
  readonly count?: number;
  /**
   * Environment for NCCL (e.g. `NCCL_IB_HCA`, or `NCCL_IB_GID_INDEX` on RoCE): fabric-specific, so
   * none is assumed.
   * @default - none
   */
  readonly env?: Record<string, string>;
}

/**
 * The fabric between the nodes of a pool. A replica that spans nodes requests `resourcesPerNode`
 * on every node of its group and sets `env` in its containers. Pools without a fast fabric
 * (`Interconnect.none()`, or none declared) carry inter-node traffic over the ordinary pod network.
 *
 * Make one with the factories; a plain `{ kind, resourcesPerNode, env }` (from JavaScript or a
 * config file) is accepted too and checked the same way. EFA with no resources takes its interface
 * count from the pool's instance types.
 */
export class Interconnect {
  /**
   * AWS Elastic Fabric Adapter. On a Karpenter pool the interface count defaults from the instance
   * types (`EFA_INTERFACES_BY_INSTANCE_TYPE`); give `interfacesPerNode` elsewhere.
   */
  public static efa(options: EfaOptions = {}): Interconnect {
    const o = factoryOptions('Interconnect.efa', options, '{ interfacesPerNode: 32 }');
    const count = o.interfacesPerNode;
    return new Interconnect('efa', count !== undefined ? { [EFA_RESOURCE]: count } : {}, { ...EFA_NCCL_ENV, ...envOf('Interconnect.efa', o.env) });
  }

  /**
   * EFA with the interface count AWS documents for an instance type, or undefined when the type has
   * no documented EFA count.
   */
  public static efaForInstanceType(instanceType: string): Interconnect | undefined {
    const count = EFA_INTERFACES_BY_INSTANCE_TYPE[instanceType];
    return count === undefined ? undefined : Interconnect.efa({ interfacesPerNode: count });
  }

  /** InfiniBand through an RDMA device plugin's resource (e.g. `rdma/ib`). */
  public static infiniband(options: RdmaOptions): Interconnect {
    const o = factoryOptions('Interconnect.infiniband', options, '{ resource: "rdma/ib" }');
    return new Interconnect('infiniband', { [String(o.resource)]: o.count ?? 1 }, envOf('Interconnect.infiniband', o.env));
  }

  /** RDMA over Converged Ethernet through an RDMA device plugin's resource. */
  public static roce(options: RdmaOptions): Interconnect {
    const o = factoryOptions('Interconnect.roce', options, '{ resource: "rdma/roce" }');
    return new Interconnect('roce', { [String(o.resource)]: o.count ?? 1 }, envOf('Interconnect.roce', o.env));
  }

  /** No fast fabric: nodes talk over the pod network (TCP). */
  public static none(): Interconnect {
    return new Interconnect('none', {}, {});
  }

  private constructor(
    /** Kind of fabric. */
    public readonly kind: InterconnectKind,
    /**
     * Extended resources a pod holding a whole node requests for the fabric, e.g.
     * `{ 'vpc.amazonaws.com/efa': 32 }`. Empty for EFA means: from the pool's instance types.
     */
    public readonly resourcesPerNode: Record<string, number>,
    /** Environment a pod needs to use the fabric (NCCL, libfabric). */
    public readonly env: Record<string, string>,
  ) {}
}

/** Whether a pool's nodes have a fabric faster than the pod network. */
export function isFastInterconnect(interconnect: Interconnect | undefined): boolean {
  return interconnect !== undefined && interconnect !== null && interconnect.kind !== 'none';
}

/** One line for plans and errors, e.g. `EFA (32 x vpc.amazonaws.com/efa a node)`. */
export function describeInterconnect(interconnect: Interconnect): string {
  const names: Record<InterconnectKind, string> = { efa: 'EFA', infiniband: 'InfiniBand', roce: 'RoCE', none: 'no fast interconnect' };
  const resources = Object.entries(interconnect.resourcesPerNode ?? {}).map(([r, n]) => `${n} x ${r}`).join(', ');
  const name = names[interconnect.kind] ?? String(interconnect.kind);
  return resources ? `${name} (${resources} a node)` : name;
}

/** A copy of the given environment; anything but an object (from JavaScript) is refused here. */
function envOf(factory: string, env: Record<string, string> | undefined): Record<string, string> {
  if (env === undefined || env === null) return {};
  if (typeof env === 'object' && !Array.isArray(env)) return { ...env };
  throw new ValidationError([{
    path: factory,
    property: 'env',
    value: show(env),
    reason: `env must be an object of environment variables, got ${describeValue(env)}`,
    fix: `pass e.g. ${factory}({ ..., env: { NCCL_DEBUG: 'WARN' } })`,
  }]);
}
