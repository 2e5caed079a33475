/**
 * Node fabric of GPU pools (issue 13, item 4): EFA interface counts per instance type as AWS
 * documents them, the pool's default and checks, and the Karpenter objects for keeping a
 * multi-node group together (zone, placement group) against the vendored CRD schemas and CEL rules.
 */
import { Testing } from 'cdk8s';
import { Construct } from 'constructs';
import {
  Accelerator, describeInterconnect, EFA_RESOURCE, GpuNodePool, IGpuConsumer, Interconnect, isFastInterconnect, Provisioner, ValidationError,
} from '../lib';
import { evaluateCelRules, formatOutcome } from './support/cel-rules';
import { expectValidationError } from './support/errors';
import { expectSchemaValid } from './support/schema';

const karpenter = { clusterName: 'prod', nodeRole: 'KarpenterNodeRole-prod' };

function pool(accelerator: Accelerator, provisioner: Provisioner, extra: Record<string, unknown> = {}, chart = Testing.chart()): GpuNodePool {
  return new GpuNodePool(chart, 'gpus', { accelerator, provisioner, maxGpus: 32, ...extra });
}

describe('EFA interfaces per instance type (AWS EC2 user guide; P5/P5e: 32 EFA devices, p5en: 16, p4d/p4de: 4)', () => {
  test.each([
    ['p4d.24xlarge', 4],
    ['p4de.24xlarge', 4],
    ['p5.48xlarge', 32],
    ['p5e.48xlarge', 32],
    ['p5en.48xlarge', 16],
  ])('%s: %d x vpc.amazonaws.com/efa', (type, count) => {
    const efa = Interconnect.efaForInstanceType(type)!;
    expect(efa.kind).toBe('efa');
    expect(efa.resourcesPerNode).toEqual({ 'vpc.amazonaws.com/efa': count });
    expect(efa.env.FI_PROVIDER).toBe('efa');
  });
  test.each(['g6.48xlarge', 'p5.4xlarge', 'g5.48xlarge'])('%s: no documented count', type => {
    expect(Interconnect.efaForInstanceType(type)).toBeUndefined();
  });
  test('the resource name the EFA device plugin advertises', () => expect(EFA_RESOURCE).toBe('vpc.amazonaws.com/efa'));
});

describe('a pool\'s default interconnect', () => {
  test('H100 Karpenter pool (p5.48xlarge and p5.4xlarge): EFA from the 8-GPU type, 32 interfaces', () => {
    const p = pool(Accelerator.NVIDIA_H100_80GB, Provisioner.karpenter(karpenter));
    expect(p.interconnect?.kind).toBe('efa');
    expect(p.interconnect?.resourcesPerNode).toEqual({ [EFA_RESOURCE]: 32 });
  });
  test('H200 pool over p5e and p5en: the smaller count (16), so a pod fits either type', () => {
    const p = pool(Accelerator.NVIDIA_H200, Provisioner.karpenter(karpenter));
    expect(p.interconnect?.resourcesPerNode).toEqual({ [EFA_RESOURCE]: 16 });
  });
  test('A100 40GB pool (p4d): 4', () => {
    expect(pool(Accelerator.NVIDIA_A100_40GB, Provisioner.karpenter(karpenter)).interconnect?.resourcesPerNode).toEqual({ [EFA_RESOURCE]: 4 });
  });
  test('L4 pool (g6, no documented EFA count) and existing nodes: not declared', () => {
    expect(pool(Accelerator.NVIDIA_L4, Provisioner.karpenter(karpenter)).interconnect).toBeUndefined();
    expect(pool(Accelerator.NVIDIA_H100_80GB, Provisioner.existing()).interconnect).toBeUndefined();
  });
  test('the default changes nothing the pool emits', () => {
    const a = Testing.chart();
    pool(Accelerator.NVIDIA_H100_80GB, Provisioner.karpenter(karpenter), {}, a);
    const b = Testing.chart();
    pool(Accelerator.NVIDIA_H100_80GB, Provisioner.karpenter(karpenter), { interconnect: Interconnect.none() }, b);
    expect(Testing.synth(a)).toEqual(Testing.synth(b));
  });
});

describe('declared interconnects', () => {
  test('Interconnect.efa() takes its count from the instance types; the env can be extended', () => {
    const p = pool(Accelerator.NVIDIA_H100_80GB, Provisioner.karpenter({ ...karpenter, instanceTypes: ['p5.48xlarge'] }), {
      interconnect: Interconnect.efa({ env: { NCCL_DEBUG: 'WARN' } }),
    });
    expect(p.interconnect?.resourcesPerNode).toEqual({ [EFA_RESOURCE]: 32 });
    expect(p.interconnect?.env).toEqual({ FI_PROVIDER: 'efa', FI_EFA_USE_DEVICE_RDMA: '1', RDMAV_FORK_SAFE: '1', NCCL_DEBUG: 'WARN' });
  });
  test('InfiniBand on existing nodes with the device plugin\'s resource', () => {
    const p = pool(Accelerator.NVIDIA_H100_80GB, Provisioner.existing(), { interconnect: Interconnect.infiniband({ resource: 'rdma/ib', count: 8, env: { NCCL_IB_HCA: 'mlx5' } }) });
    expect([p.interconnect?.kind, p.interconnect?.resourcesPerNode, p.interconnect?.env]).toEqual(['infiniband', { 'rdma/ib': 8 }, { NCCL_IB_HCA: 'mlx5' }]);
    expect(describeInterconnect(p.interconnect!)).toBe('InfiniBand (8 x rdma/ib a node)');
  });
  test('RoCE and none', () => {
    expect(pool(Accelerator.NVIDIA_H100_80GB, Provisioner.existing(), { interconnect: Interconnect.roce({ resource: 'nvidia.com/hostdev' }) }).interconnect?.resourcesPerNode)
      .toEqual({ 'nvidia.com/hostdev': 1 });
    const none = pool(Accelerator.NVIDIA_H100_80GB, Provisioner.karpenter(karpenter), { interconnect: Interconnect.none() }).interconnect!;
    expect([none.kind, isFastInterconnect(none), none.resourcesPerNode]).toEqual(['none', false, {}]);
    expect(isFastInterconnect(undefined)).toBe(false);
  });
  test('a plain { kind, resourcesPerNode, env } (JavaScript, config files) is accepted and checked the same way', () => {
    const plain = { kind: 'efa' as const, resourcesPerNode: { [EFA_RESOURCE]: 32 }, env: { FI_PROVIDER: 'efa' } };
    const p = pool(Accelerator.NVIDIA_H100_80GB, Provisioner.karpenter(karpenter), { interconnect: plain });
    expect(p.interconnect).toEqual(plain);
    // EFA without resources takes the count from the instance types, like Interconnect.efa().
    const filled = pool(Accelerator.NVIDIA_H200, Provisioner.karpenter(karpenter), { interconnect: { kind: 'efa', resourcesPerNode: {}, env: {} } }).interconnect!;
    expect(filled.resourcesPerNode).toEqual({ [EFA_RESOURCE]: 16 });
    // The same checks: 32 interfaces on p5en (16) is refused.
    expect(() => pool(Accelerator.NVIDIA_H200, Provisioner.karpenter(karpenter), { interconnect: plain })).toThrow(/p5en\.48xlarge has 16/);
    // A wrong shape is refused with the factories as the fix.
    const e = expectValidationError(() => pool(Accelerator.NVIDIA_H100_80GB, Provisioner.existing(), { interconnect: { kind: 'ethernet', resourcesPerNode: {}, env: {} } }));
    expect(e.problems[0].fix).toMatch(/Interconnect\.efa\(\)/);
  });

  test.each<[string, () => unknown, RegExp, RegExp]>([
    ['EFA on existing nodes without a count', () => pool(Accelerator.NVIDIA_H100_80GB, Provisioner.existing(), { interconnect: Interconnect.efa() }),
      /cannot be looked up/, /interfacesPerNode/],
    ['EFA on an L4 Karpenter pool (count not on record)', () => pool(Accelerator.NVIDIA_L4, Provisioner.karpenter(karpenter), { interconnect: Interconnect.efa() }),
      /g6\.48xlarge is not on record/, /interfacesPerNode/],
    ['more EFA interfaces than p5en has', () => pool(Accelerator.NVIDIA_H200, Provisioner.karpenter(karpenter), { interconnect: Interconnect.efa({ interfacesPerNode: 32 }) }),
      /p5en\.48xlarge has 16/, /interfacesPerNode: 16/],
    ['EFA on GKE', () => pool(Accelerator.NVIDIA_H100_80GB, Provisioner.gke(), { interconnect: Interconnect.efa({ interfacesPerNode: 8 }) }),
      /AWS network device/, /infiniband/],
    ['InfiniBand on Karpenter', () => pool(Accelerator.NVIDIA_H100_80GB, Provisioner.karpenter(karpenter), { interconnect: Interconnect.infiniband({ resource: 'rdma/ib' }) }),
      /EC2 instances have no InfiniBand/, /Interconnect\.efa\(\)/],
    ['a resource without a domain', () => pool(Accelerator.NVIDIA_H100_80GB, Provisioner.existing(), { interconnect: Interconnect.infiniband({ resource: 'ib' }) }),
      /not an extended resource name/, /rdma\/ib/],
    ['a resource in kubernetes.io', () => pool(Accelerator.NVIDIA_H100_80GB, Provisioner.existing(), { interconnect: Interconnect.roce({ resource: 'kubernetes.io/rdma' }) }),
      /not an extended resource name/, /rdma\/ib/],
    ['a zero count', () => pool(Accelerator.NVIDIA_H100_80GB, Provisioner.existing(), { interconnect: Interconnect.infiniband({ resource: 'rdma/ib', count: 0 }) }),
      /whole number >= 1/, /use e\.g\. 1/],
    ['a bad env name', () => pool(Accelerator.NVIDIA_H100_80GB, Provisioner.existing(), { interconnect: Interconnect.infiniband({ resource: 'rdma/ib', env: { '1NCCL': 'x' } }) }),
      /environment variable name/, /use a name like/],
    ['a string from JavaScript', () => pool(Accelerator.NVIDIA_H100_80GB, Provisioner.existing(), { interconnect: 'efa' }),
      /got a string/, /Interconnect\.efa\(\)/],
    ['no options from JavaScript', () => pool(Accelerator.NVIDIA_H100_80GB, Provisioner.existing(), { interconnect: Interconnect.infiniband(null as never) }),
      /not an extended resource name/, /rdma\/ib/],
    ['env as a string from JavaScript', () => Interconnect.efa({ env: 'NCCL_DEBUG=WARN' as never }),
      /env must be an object/, /NCCL_DEBUG/],
  ])('refused: %s', (_, make, reason, fix) => {
    const e = expectValidationError(make);
    const found = e.problems.find(p => p.property.startsWith('interconnect') || p.property === 'env');
    expect(found).toBeDefined();
    expect(found!.reason).toMatch(reason);
    expect(found!.fix).toMatch(fix);
  });
});

describe('keeping a group together on Karpenter: zone and placement group', () => {
  function synth(karpenterOptions: Record<string, unknown>) {
    const chart = Testing.chart();
    pool(Accelerator.NVIDIA_H100_80GB, Provisioner.karpenter({ ...karpenter, instanceTypes: ['p5.48xlarge'], ...karpenterOptions }), {}, chart);
    return Testing.synth(chart);
  }

  test.each([
    ['a placement group by name', { placementGroup: 'llm-cluster', zones: ['us-east-1a'] }, { name: 'llm-cluster' }],
    ['a placement group by id', { placementGroup: 'pg-0123456789abcdef0', zones: ['us-east-1b', 'us-east-1a'] }, { id: 'pg-0123456789abcdef0' }],
  ])('%s: schema-valid NodePool and EC2NodeClass, CEL rules pass', (_, options, selector) => {
    const objs = synth(options);
    expectSchemaValid(objs);
    const cel = evaluateCelRules(objs);
    const failed = cel.outcomes.filter(o => o.status !== 'pass');
    expect(failed.map(formatOutcome)).toEqual([]);
    // The placement group selector's own rules ran (name or id, not both).
    expect(cel.outcomes.filter(o => o.valuePath === 'spec.placementGroupSelector').map(o => o.rule.message)).toEqual([
      'expected at least one, got none, [\'name\', \'id\']', '\'name\' and \'id\' are mutually exclusive',
    ]);
    const nodeClass = objs.find(o => o.kind === 'EC2NodeClass');
    const nodePool = objs.find(o => o.kind === 'NodePool');
    expect(nodeClass.spec.placementGroupSelector).toEqual(selector);
    const zone = nodePool.spec.template.spec.requirements.find((r: any) => r.key === 'topology.kubernetes.io/zone');
    expect(zone).toEqual({ key: 'topology.kubernetes.io/zone', operator: 'In', values: [...(options.zones as string[])].sort() });
  });

  test('without them the NodePool has no zone requirement and the node class no placement group (any zone; LWS picks one per group)', () => {
    const objs = synth({});
    expectSchemaValid(objs);
    expect(objs.find(o => o.kind === 'EC2NodeClass').spec.placementGroupSelector).toBeUndefined();
    expect(objs.find(o => o.kind === 'NodePool').spec.template.spec.requirements.map((r: any) => r.key)).not.toContain('topology.kubernetes.io/zone');
  });

  test.each<[string, Record<string, unknown>, string, RegExp]>([
    ['no zone', { zones: [] }, 'provisioner.zones', /never launch/],
    ['a zone that is not a label value', { zones: ['us east 1a'] }, 'provisioner.zones', /not a zone name/],
    ['an id-looking name that is not an id', { placementGroup: 'pg-ABC' }, 'provisioner.placementGroup', /not one/],
    ['an empty name', { placementGroup: '' }, 'provisioner.placementGroup', /empty/],
  ])('refused: %s', (_, options, property, reason) => {
    const e = expectValidationError(() => synth(options));
    const found = e.problems.find(p => p.property === property);
    expect(found?.reason).toMatch(reason);
  });
});

describe('the GPU budget counts whole nodes of a multi-node replica', () => {
  /** A consumer as the multi-node ModelService will report itself: 2 replicas + 1 surge of 2 nodes x 8. */
  class GroupConsumer extends Construct implements IGpuConsumer {
    public readonly consumerName = 'llama-405b';
    public readonly gpusAtMin = 16;
    public readonly gpusAtPeak = 48;
    public readonly gpusAtMax = 32;
    public readonly peakBreakdown = '2 replicas x 16 GPUs + surge 1 x 16';
    public readonly requiresStableCapacity = false;
    public readonly nodesPerReplica = 2;
  }

  test('over maxGpus the row shows "2 nodes x 8 GPUs"; the cost counts all 16 GPUs of a replica', () => {
    const chart = Testing.chart();
    const p = pool(Accelerator.NVIDIA_H100_80GB, Provisioner.karpenter(karpenter), { maxGpus: 32 }, chart);
    p.registerConsumer(new GroupConsumer(chart, 'c'));
    let error: ValidationError | undefined;
    try {
      Testing.synth(chart);
    } catch (e) {
      error = e as ValidationError;
    }
    expect(error).toBeInstanceOf(ValidationError);
    // (2 + 1) replicas x 2 nodes x 8 GPUs = 48 > 32.
    expect(error!.problems[0].reason).toBe('maxGpus (32) is below what the services need at max scale: llama-405b 2 replicas x 16 GPUs + surge 1 x 16 = 48 (each replica 2 nodes x 8 GPUs); total 48');
    // 32 GPUs at max x $6.88 (H100 list price per GPU-hour) = $220.16 an hour: whole nodes priced.
    const cost = p.costSummary();
    expect(cost.gpusAtMax).toBe(32);
    expect(cost.usdPerHourAtMax).toBeCloseTo(32 * Accelerator.NVIDIA_H100_80GB.spec.onDemandUsdPerGpuHour, 2);
  });
});
