import { Problems } from '../errors';
import { describeInterconnect, EFA_INTERFACES_BY_INSTANCE_TYPE, Interconnect } from './interconnect';
import { ProvisionerKind } from './provisioner';
import { isQualifiedName } from './scheduling';
import { checkEnvVarName } from '../private/api-rules';

/** What the pool's interconnect is resolved against. */
export interface InterconnectContext {
  readonly provisioner: ProvisionerKind;
  /** The pool's Karpenter instance types (empty for nodes provisioned elsewhere). */
  readonly instanceTypes: readonly string[];
  /** GPUs of each instance type, for picking the types a whole-node pod of `gpusPerNode` GPUs lands on. */
  readonly gpusOn: (instanceType: string) => number | undefined;
  readonly gpusPerNode: number;
}

/**
 * The interconnect a pool offers: the one given (its EFA interface count filled in from the
 * instance types when left out), else EFA on a Karpenter pool whose whole-node instance types all
 * have a documented EFA count (the smallest count, so a pod fits every type), else undefined (not
 * declared). Problems go to `problems`.
 */
export function resolveInterconnect(problems: Problems, given: Interconnect | undefined, ctx: InterconnectContext): Interconnect | undefined {
  const karpenter = ctx.provisioner === ProvisionerKind.KARPENTER;
  // A multi-node pod holds every GPU of its node: only the pool's largest instance types host one.
  const wholeNodeTypes = ctx.instanceTypes.filter(t => ctx.gpusOn(t) === ctx.gpusPerNode);
  const counts = wholeNodeTypes.map(t => EFA_INTERFACES_BY_INSTANCE_TYPE[t]);
  const known = wholeNodeTypes.length > 0 && counts.every(c => c !== undefined);
  const documented = known ? Math.min(...(counts as number[])) : undefined;

  if (given === undefined) {
    return karpenter && documented !== undefined ? Interconnect.efa({ interfacesPerNode: documented }) : undefined;
  }
  const property = 'interconnect';
  if (given.kind === 'efa') {
    if (ctx.provisioner === ProvisionerKind.GKE) {
      problems.add(property, describeInterconnect(given), 'EFA is an AWS network device; GKE nodes do not have it',
        'use Interconnect.infiniband({...}) or Interconnect.roce({...}) with your RDMA device plugin\'s resource, or Interconnect.none()');
      return undefined;
    }
    // No resources: the interface count comes from the instance types (`Interconnect.efa()`).
    if (Object.keys(given.resourcesPerNode).length === 0) {
      if (documented !== undefined) return Interconnect.efa({ interfacesPerNode: documented, env: given.env });
      const unknown = wholeNodeTypes.filter(t => EFA_INTERFACES_BY_INSTANCE_TYPE[t] === undefined);
      problems.add(property, describeInterconnect(given),
        karpenter
          ? `the EFA interface count of ${unknown.join(', ') || 'the pool\'s instance types'} is not on record (known: ${Object.keys(EFA_INTERFACES_BY_INSTANCE_TYPE).join(', ')})`
          : 'the pool does not know its nodes\' instance types, so the EFA interface count cannot be looked up',
        'give Interconnect.efa({ interfacesPerNode: N }), N from `aws ec2 describe-instance-types --query "InstanceTypes[].NetworkInfo.EfaInfo"`');
      return undefined;
    }
    checkResources(problems, property, given);
    const count = Object.values(given.resourcesPerNode)[0];
    const short = wholeNodeTypes.filter(t => (EFA_INTERFACES_BY_INSTANCE_TYPE[t] ?? Infinity) < count);
    if (karpenter && short.length > 0) {
      problems.add(`${property}.interfacesPerNode`, count,
        `${short.map(t => `${t} has ${EFA_INTERFACES_BY_INSTANCE_TYPE[t]}`).join(', ')} EFA interfaces: a pod asking for ${count} would never schedule there`,
        `use interfacesPerNode: ${documented ?? Math.min(...short.map(t => EFA_INTERFACES_BY_INSTANCE_TYPE[t]))} or leave it out`);
    }
    checkEnv(problems, property, given.env);
    return given;
  }
  if (karpenter && given.kind !== 'none') {
    problems.add(property, describeInterconnect(given), `EC2 instances have no ${given.kind === 'infiniband' ? 'InfiniBand' : 'RoCE'} fabric that Karpenter launches; their node-to-node fabric is EFA`,
      'use Interconnect.efa() (the count comes from the instance types), or Interconnect.none()');
    return undefined;
  }
  checkResources(problems, property, given);
  checkEnv(problems, property, given.env);
  return given;
}

/**
 * Each resource must be an extended resource (a domain-prefixed qualified name outside
 * `kubernetes.io`: Kubernetes `pkg/apis/core/helper/helpers.go` `IsExtendedResourceName` /
 * `IsNativeResource`) and a whole count >= 1.
 */
function checkResources(problems: Problems, property: string, interconnect: Interconnect): void {
  for (const [resource, count] of Object.entries(interconnect.resourcesPerNode)) {
    const domain = resource.includes('/') ? resource.slice(0, resource.indexOf('/')) : '';
    if (typeof resource !== 'string' || !isQualifiedName(resource) || domain === '' || domain === 'kubernetes.io' || domain.endsWith('.kubernetes.io')) {
      problems.add(`${property}.resource`, resource, 'not an extended resource name: it needs a domain prefix outside kubernetes.io, like the name the device plugin advertises',
        'use the resource your RDMA device plugin advertises, e.g. "rdma/ib" or "nvidia.com/hostdev"');
    }
    if (!(Number.isInteger(count) && count >= 1)) {
      problems.add(`${property}.count`, count, 'must be a whole number >= 1 of devices a node\'s pod requests', 'use e.g. 1');
    }
  }
}

function checkEnv(problems: Problems, property: string, env: Record<string, string>): void {
  for (const [name, value] of Object.entries(env)) {
    checkEnvVarName(problems, `${property}.env`, name);
    if (typeof value !== 'string') problems.add(`${property}.env.${name}`, value, 'an environment value must be a string', 'give the value as a string, e.g. "1"');
  }
}
