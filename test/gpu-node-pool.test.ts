import { Chart, Duration, Testing } from 'cdk8s';
import {
  Accelerator, CapacityType, DevicePlugin, GpuNodePool, GpuSharing, MigStrategy, Model, ModelCache, ModelService, Precision, Provisioner, ProvisionerKind, Runtime, TaintEffect, ValidationError,
} from '../lib';
import { expectValidationError } from './support/errors';
import { expectSchemaValid } from './support/schema';
import { fleetCost } from '../lib/gpu-node-pool/cost';

const karpenterBase = { clusterName: 'prod', nodeRole: 'KarpenterNodeRole-prod' };

function h100Pool(chart: any, extra: Partial<ConstructorParameters<typeof GpuNodePool>[2]> = {}, karpenter: any = {}) {
  return new GpuNodePool(chart, 'h100', {
    accelerator: Accelerator.NVIDIA_H100_80GB,
    provisioner: Provisioner.karpenter({ instanceTypes: ['p5.48xlarge'], ...karpenterBase, ...karpenter }),
    maxGpus: 32,
    ...extra,
  });
}

function llama70b(chart: any, nodePool: GpuNodePool, extra: any = {}) {
  return new ModelService(chart, 'llama-70b', {
    model: Model.huggingFace('meta-llama/Llama-3.1-70B-Instruct'),
    runtime: Runtime.vllm({ version: '0.9.2', maxModelLen: 8192 }),
    precision: Precision.FP8,
    gpusPerReplica: 4,
    nodePool,
    autoscaling: { minReplicas: 2, maxReplicas: 6 },
    ...extra,
  });
}

function llama8b(chart: any, nodePool: GpuNodePool, extra: any = {}, id = 'llama-8b') {
  return new ModelService(chart, id, {
    model: Model.huggingFace('meta-llama/Llama-3.1-8B-Instruct'),
    runtime: Runtime.vllm({ version: '0.9.2', maxModelLen: 4096 }),
    nodePool,
    autoscaling: { minReplicas: 1, maxReplicas: 4 },
    ...extra,
  });
}

function synthError(chart: any): ValidationError {
  try {
    Testing.synth(chart);
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error('expected a ValidationError at synth');
}

const byKind = (objs: any[], kind: string) => objs.filter(o => o.kind === kind);

describe('Karpenter pool', () => {
  test('emits a NodePool and an EC2NodeClass that validate against the vendored CRDs', () => {
    const chart = Testing.chart();
    h100Pool(chart);
    const objs = Testing.synth(chart);
    expectSchemaValid(objs);
    const [pool] = byKind(objs, 'NodePool');
    const [nodeClass] = byKind(objs, 'EC2NodeClass');
    expect(pool.metadata.name).toBe('h100');
    expect(pool.spec.template.spec.requirements).toEqual(expect.arrayContaining([
      { key: 'node.kubernetes.io/instance-type', operator: 'In', values: ['p5.48xlarge'] },
      { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] },
    ]));
    expect(pool.spec.template.spec.taints).toEqual([{ key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' }]);
    expect(pool.spec.limits).toEqual({ 'nvidia.com/gpu': 32 });
    expect(pool.spec.disruption).toEqual({ consolidationPolicy: 'WhenEmpty', consolidateAfter: '5m', budgets: [{ nodes: '10%' }] });
    expect(pool.spec.template.spec.expireAfter).toBe('720h');
    expect(pool.spec.template.spec.nodeClassRef).toEqual({ group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'h100' });
    expect(nodeClass.spec.amiSelectorTerms).toEqual([{ alias: 'al2023@v20250807' }]);
    expect(nodeClass.spec.role).toBe('KarpenterNodeRole-prod');
    expect(nodeClass.spec.subnetSelectorTerms).toEqual([{ tags: { 'karpenter.sh/discovery': 'prod' } }]);
  });

  test('cluster-scoped objects carry no namespace even in a namespaced chart', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c', { namespace: 'llm' });
    h100Pool(chart);
    const objs = Testing.synth(chart);
    expectSchemaValid(objs);
    for (const o of objs) expect(o.metadata.namespace).toBeUndefined();
  });

  test('root volume grows with the node-local caches of the services placed on it', () => {
    const chart = Testing.chart();
    const pool = h100Pool(chart);
    const svc = llama70b(chart, pool);
    const objs = Testing.synth(chart);
    const [nodeClass] = byKind(objs, 'EC2NodeClass');
    const root = nodeClass.spec.blockDeviceMappings[0];
    expect(root).toMatchObject({ deviceName: '/dev/xvda', rootVolume: true, ebs: { volumeType: 'gp3', encrypted: true } });
    expect(root.ebs.volumeSize).toBe(`${200 + svc.nodeCacheGiB}Gi`);
    expect(svc.nodeCacheGiB).toBeGreaterThan(100);
  });

  test('a shared cache does not count toward the root volume', () => {
    const chart = Testing.chart();
    const pool = h100Pool(chart);
    llama70b(chart, pool, { cache: ModelCache.shared({ storageClassName: 'efs' }) });
    const [nodeClass] = byKind(Testing.synth(chart), 'EC2NodeClass');
    expect(nodeClass.spec.blockDeviceMappings[0].ebs.volumeSize).toBe('200Gi');
  });

  test('bottlerocket puts the data volume on xvdb', () => {
    const chart = Testing.chart();
    h100Pool(chart, {}, { amiAlias: 'bottlerocket@v1.44.0', rootVolumeGiB: 500 });
    const objs = Testing.synth(chart);
    expectSchemaValid(objs);
    const [nodeClass] = byKind(objs, 'EC2NodeClass');
    expect(nodeClass.spec.blockDeviceMappings.map((b: any) => [b.deviceName, b.ebs.volumeSize])).toEqual([['/dev/xvda', '4Gi'], ['/dev/xvdb', '500Gi']]);
  });

  test('spot, reserved capacity, labels, extra taints and disruption options', () => {
    const chart = Testing.chart();
    const pool = h100Pool(chart, {}, {
      capacityTypes: [CapacityType.SPOT, CapacityType.ON_DEMAND, CapacityType.RESERVED],
      capacityReservationIds: ['cr-0123456789abcdef0'],
      labels: { 'example.com/team': 'ml' },
      taints: [{ key: 'example.com/dedicated', value: 'inference', effect: TaintEffect.NO_SCHEDULE }],
      consolidateAfter: Duration.minutes(30),
      expireAfter: Duration.hours(168),
      disruptionBudgetPercent: 0,
      instanceProfile: 'gpu-nodes',
      nodeRole: undefined,
    });
    const objs = Testing.synth(chart);
    expectSchemaValid(objs);
    const [np] = byKind(objs, 'NodePool');
    const [nc] = byKind(objs, 'EC2NodeClass');
    expect(pool.interruptible).toBe(true);
    expect(np.spec.template.spec.requirements[1].values).toEqual(['on-demand', 'reserved', 'spot']);
    expect(np.spec.template.metadata.labels).toEqual({ 'example.com/team': 'ml', 'modelship.dev/pool': 'h100' });
    expect(np.spec.template.spec.taints).toHaveLength(2);
    expect(np.spec.disruption).toEqual({ consolidationPolicy: 'WhenEmpty', consolidateAfter: '30m', budgets: [{ nodes: '0%' }] });
    expect(np.spec.template.spec.expireAfter).toBe('168h');
    expect(nc.spec.capacityReservationSelectorTerms).toEqual([{ id: 'cr-0123456789abcdef0' }]);
    expect(nc.spec.instanceProfile).toBe('gpu-nodes');
    expect(nc.spec.role).toBeUndefined();
    expect(pool.tolerations).toEqual([
      { key: 'nvidia.com/gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' },
      { key: 'example.com/dedicated', operator: 'Equal', value: 'inference', effect: 'NoSchedule' },
    ]);
  });

  test('gpusPerNode is the largest GPU count of the allowed instance types', () => {
    const chart = Testing.chart();
    const l4 = new GpuNodePool(chart, 'l4', {
      accelerator: Accelerator.NVIDIA_L4,
      maxGpus: 8,
      provisioner: Provisioner.karpenter({ instanceTypes: ['g6.xlarge', 'g6.12xlarge'], ...karpenterBase }),
    });
    expect(l4.gpusPerNode).toBe(4);
    const all = new GpuNodePool(chart, 'l4-all', {
      accelerator: Accelerator.NVIDIA_L4, maxGpus: 8, provisioner: Provisioner.karpenter(karpenterBase),
    });
    expect(all.gpusPerNode).toBe(8);
    const [, np] = byKind(Testing.synth(chart), 'NodePool');
    expect(np.spec.template.spec.requirements[0].values).toEqual(['g6.12xlarge', 'g6.24xlarge', 'g6.2xlarge', 'g6.48xlarge', 'g6.xlarge']);
  });

  test('an instance type whose GPUs do not match the accelerator is an error listing valid types', () => {
    const err = expectValidationError(() => h100Pool(Testing.chart(), {}, { instanceTypes: ['p5.48xlarge', 'p4d.24xlarge', 'm5.large'] }));
    expect(err.problems).toHaveLength(2);
    expect(err.message).toContain('p4d.24xlarge carries NVIDIA A100 40GB, not NVIDIA H100 80GB');
    expect(err.message).toContain('m5.large carries no NVIDIA H100 80GB');
    expect(err.problems[0].fix).toContain('p5.48xlarge, p5.4xlarge');
  });

  test('an accelerator AWS does not offer cannot come from Karpenter', () => {
    const err = expectValidationError(() => new GpuNodePool(Testing.chart(), 'mi300x', {
      accelerator: Accelerator.AMD_MI300X, maxGpus: 8, provisioner: Provisioner.karpenter(karpenterBase),
    }));
    expect(err.message).toMatch(/AWS has no instance type with AMD Instinct MI300X/);
    expect(err.problems[0].fix).toMatch(/Provisioner.existing/);
  });

  test('sub-second and zero disruption durations are problems, not a cdk8s conversion error', () => {
    const err = expectValidationError(() => h100Pool(Testing.chart(), {}, {
      consolidateAfter: Duration.millis(1500), expireAfter: Duration.millis(250), terminationGracePeriod: Duration.seconds(0),
    }));
    expect(err.problems.map(p => `${p.property} = ${p.value}`)).toEqual([
      'provisioner.consolidateAfter = "1.5s"', 'provisioner.expireAfter = "0.25s"', 'provisioner.terminationGracePeriod = "0s"',
    ]);
  });

  test('two pools with one name are refused (they would emit the same NodePool and EC2NodeClass)', () => {
    const chart = Testing.chart();
    h100Pool(chart, { name: 'gpu' });
    const err = expectValidationError(() => new GpuNodePool(chart, 'other', {
      accelerator: Accelerator.NVIDIA_L4, provisioner: Provisioner.karpenter(karpenterBase), maxGpus: 8, name: 'gpu',
    }));
    expect(err.problems.map(p => `${p.path} ${p.property}`)).toEqual(['test/other name']);
    expect(err.message).toMatch(/the pool test\/h100 has the same name/);
  });

  test('every construct-time problem is reported at once', () => {
    const err = expectValidationError(() => new GpuNodePool(Testing.chart(), 'Bad_Name', {
      accelerator: Accelerator.NVIDIA_H100_80GB,
      provisioner: Provisioner.karpenter({
        capacityTypes: [CapacityType.RESERVED],
        labels: { 'karpenter.sh/capacity-type': 'spot', 'modelship.dev/pool': 'other' },
        taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: TaintEffect.NO_SCHEDULE }],
        amiAlias: 'windows2022@latest',
      }),
    }));
    const props = err.problems.map(p => p.property).sort();
    expect(props).toEqual([
      'maxGpus', 'name', 'provisioner.amiAlias', 'provisioner.capacityTypes', 'provisioner.clusterName',
      'provisioner.labels.karpenter.sh/capacity-type', 'provisioner.labels.modelship.dev/pool', 'provisioner.nodeRole', 'provisioner.taints[0]',
    ]);
    expect(err.message).toContain('conflicts with the taint nvidia.com/gpu=true:NoSchedule');
  });

  test('AMD accelerators get the amd.com/gpu taint and limit', () => {
    const chart = Testing.chart();
    const amd = Accelerator.custom({ ...Accelerator.AMD_MI300X.spec, id: 'mi300x-aws', awsInstanceTypes: [{ instanceType: 'p5.48xlarge', gpus: 8 }] });
    new GpuNodePool(chart, 'amd', { accelerator: amd, maxGpus: 8, provisioner: Provisioner.karpenter(karpenterBase) });
    const [np] = byKind(Testing.synth(chart), 'NodePool');
    expect(np.spec.template.spec.taints[0].key).toBe('amd.com/gpu');
    expect(np.spec.limits).toEqual({ 'amd.com/gpu': 8 });
  });
});

describe('existing and GKE pools', () => {
  test('GKE: selects the gke-accelerator label from the catalog, tolerates GKE\'s taint, emits nothing', () => {
    const chart = Testing.chart();
    const pool = new GpuNodePool(chart, 'l4', { accelerator: Accelerator.NVIDIA_L4, provisioner: Provisioner.gke({ gpusPerNode: 1 }) });
    expect(pool.nodeSelector).toEqual({ 'cloud.google.com/gke-accelerator': 'nvidia-l4' });
    expect(pool.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Equal', value: 'present', effect: 'NoSchedule' }]);
    expect(pool.gpusPerNode).toBe(1);
    expect(pool.provisionerKind).toBe(ProvisionerKind.GKE);
    expect(Testing.synth(chart)).toEqual([]);
  });

  test('GKE spot is interruptible and selects spot nodes', () => {
    const pool = new GpuNodePool(Testing.chart(), 'l4', { accelerator: Accelerator.NVIDIA_L4, provisioner: Provisioner.gke({ spot: true }) });
    expect(pool.interruptible).toBe(true);
    expect(pool.nodeSelector['cloud.google.com/gke-spot']).toBe('true');
  });

  test('existing: GPU Feature Discovery label by default, or the labels and taints given', () => {
    const chart = Testing.chart();
    const byDefault = new GpuNodePool(chart, 'a', { accelerator: Accelerator.NVIDIA_A100_80GB, provisioner: Provisioner.existing() });
    expect(byDefault.nodeSelector).toEqual({ 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' });
    expect(byDefault.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    const given = new GpuNodePool(chart, 'b', {
      accelerator: Accelerator.AMD_MI300X,
      provisioner: Provisioner.existing({
        nodeLabels: { 'kubernetes.azure.com/agentpool': 'mi300x' },
        gpusPerNode: 8,
        taints: [{ key: 'sku', value: 'gpu', effect: TaintEffect.NO_SCHEDULE }],
      }),
    });
    expect(given.nodeSelector).toEqual({ 'kubernetes.azure.com/agentpool': 'mi300x' });
    expect(given.tolerations).toEqual([{ key: 'sku', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }]);
  });

  test.each([
    ['GKE label for another GPU', Provisioner.gke({ nodeLabels: { 'cloud.google.com/gke-accelerator': 'nvidia-h100-80gb' } }), /conflicts with cloud.google.com\/gke-accelerator=nvidia-l4/],
    ['GFD label for another GPU', Provisioner.existing({ nodeLabels: { 'nvidia.com/gpu.product': 'NVIDIA-A10G' } }), /selects NVIDIA A10G 24GB nodes, but the pool's accelerator is NVIDIA L4 24GB/],
    ['conflicting taints', Provisioner.existing({ taints: [{ key: 'x/y', value: 'a', effect: TaintEffect.NO_SCHEDULE }, { key: 'x/y', value: 'b', effect: TaintEffect.NO_SCHEDULE }] }), /conflicts with the taint x\/y=a:NoSchedule/],
    ['no labels', Provisioner.existing({ nodeLabels: {} }), /no label selects the pool's nodes/],
    ['bad gpusPerNode', Provisioner.existing({ gpusPerNode: 0 }), /whole number of GPUs >= 1/],
  ])('existing pool: %s is an error', (_name, provisioner, message) => {
    expect(() => new GpuNodePool(Testing.chart(), 'l4', { accelerator: Accelerator.NVIDIA_L4, provisioner })).toThrow(message);
  });

  test('a GKE label for another GPU is one problem, with the fix', () => {
    const err = expectValidationError(() => new GpuNodePool(Testing.chart(), 'l4', {
      accelerator: Accelerator.NVIDIA_L4, provisioner: Provisioner.gke({ nodeLabels: { 'cloud.google.com/gke-accelerator': 'nvidia-h100-80gb' } }),
    }));
    expect(err.problems).toEqual([expect.objectContaining({
      path: 'test/l4', property: 'provisioner.nodeLabels.cloud.google.com/gke-accelerator', value: '"nvidia-h100-80gb"',
    })]);
    expect(err.problems[0].fix).toContain('nvidia-l4');
  });

  test('GKE cannot supply an accelerator it does not offer', () => {
    expect(() => new GpuNodePool(Testing.chart(), 'x', { accelerator: Accelerator.AMD_MI300X, provisioner: Provisioner.gke() }))
      .toThrow(/GKE offers no AMD Instinct MI300X/);
  });
});

describe('scheduling contract reaches the pods', () => {
  test.each([
    ['karpenter', () => Provisioner.karpenter({ instanceTypes: ['g6.12xlarge'], ...karpenterBase }),
      { 'karpenter.sh/nodepool': 'l4' }, [{ key: 'nvidia.com/gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' }]],
    ['gke', () => Provisioner.gke({ gpusPerNode: 4 }),
      { 'cloud.google.com/gke-accelerator': 'nvidia-l4' }, [{ key: 'nvidia.com/gpu', operator: 'Equal', value: 'present', effect: 'NoSchedule' }]],
  ])('%s', (_name, provisioner, selector, tolerations) => {
    const chart = Testing.chart();
    const pool = new GpuNodePool(chart, 'l4', { accelerator: Accelerator.NVIDIA_L4, provisioner: provisioner(), maxGpus: 16 });
    llama8b(chart, pool);
    const objs = Testing.synth(chart);
    expectSchemaValid(objs);
    const [deploy] = byKind(objs, 'Deployment');
    const spec = deploy.spec.template.spec;
    expect(spec.nodeSelector).toEqual(selector);
    expect(spec.tolerations).toEqual(tolerations);
    expect(spec.containers[0].resources.limits['nvidia.com/gpu']).toBeGreaterThanOrEqual(1);
  });

  test('the planner is bounded by the pool\'s gpusPerNode', () => {
    const chart = Testing.chart();
    const pool = new GpuNodePool(chart, 'l4', {
      accelerator: Accelerator.NVIDIA_L4,
      maxGpus: 16,
      provisioner: Provisioner.karpenter({ instanceTypes: ['g6.xlarge'], ...karpenterBase }),
    });
    // More GPUs than a node: a multi-node replica, which this pool (no fabric declared) refuses.
    expect(() => llama8b(chart, pool, { gpusPerReplica: 2 })).toThrow(/one replica needs 2 GPUs, 2 nodes of 1; .* declares no fast interconnect/);
  });
});

describe('cross-construct checks at synth', () => {
  test('GPU budget: the message shows the sum per service', () => {
    const chart = Testing.chart();
    const pool = h100Pool(chart, { maxGpus: 16 });
    llama70b(chart, pool);
    const err = synthError(chart);
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0].property).toBe('maxGpus');
    expect(err.message).toContain('maxGpus (16) is below what the services need at max scale: llama-70b 6 replicas x 4 GPUs + surge 1 x 4 = 28; total 28');
    expect(err.problems[0].fix).toContain('at least 28');
  });

  test('GPU budget sums every service of the pool', () => {
    const chart = Testing.chart();
    const pool = new GpuNodePool(chart, 'l4', { accelerator: Accelerator.NVIDIA_L4, provisioner: Provisioner.gke({ gpusPerNode: 4 }), maxGpus: 6 });
    llama8b(chart, pool);
    llama8b(chart, pool, { maxSurge: 0, autoscaling: undefined, replicas: 2 }, 'llama-8b-b');
    const err = synthError(chart);
    expect(err.message).toContain('maxGpus (6) is below what the services need at max scale: llama-8b 4 replicas x 1 GPUs + surge 1 x 1 = 5, llama-8b-b 2 replicas x 1 GPUs = 2; total 7');
  });

  test('a budget that fits synthesizes', () => {
    const chart = Testing.chart();
    const pool = h100Pool(chart, { maxGpus: 28 });
    llama70b(chart, pool);
    expect(() => Testing.synth(chart)).not.toThrow();
  });

  test('requireStableCapacity on a spot pool is an error on the service', () => {
    const chart = Testing.chart();
    const pool = h100Pool(chart, {}, { capacityTypes: [CapacityType.SPOT] });
    const svc = llama70b(chart, pool, { requireStableCapacity: true });
    const err = synthError(chart);
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0].path).toBe(svc.node.path);
    expect(err.message).toMatch(/llama-70b sets requireStableCapacity, but the pool h100 is interruptible/);
  });

  test('budget and spot problems are reported together', () => {
    const chart = Testing.chart();
    const pool = h100Pool(chart, { maxGpus: 8 }, { capacityTypes: [CapacityType.SPOT] });
    llama70b(chart, pool, { requireStableCapacity: true });
    expect(synthError(chart).problems.map(p => p.property)).toEqual(['maxGpus', 'nodePool']);
  });
});

describe('device plugin', () => {
  test('plain: hostPath to the kubelet device-plugins dir, on the pool\'s nodes, restricted container', () => {
    const chart = Testing.chart();
    h100Pool(chart, { devicePlugin: DevicePlugin.nvidia() });
    const objs = Testing.synth(chart);
    expectSchemaValid(objs);
    const [ds] = byKind(objs, 'DaemonSet');
    expect(ds.metadata).toMatchObject({ name: 'h100-nvidia-device-plugin', namespace: 'kube-system' });
    const spec = ds.spec.template.spec;
    expect(spec.nodeSelector).toEqual({ 'karpenter.sh/nodepool': 'h100' });
    expect(spec.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' }]);
    expect(spec.volumes).toEqual([{ name: 'kubelet-device-plugins', hostPath: { path: '/var/lib/kubelet/device-plugins', type: 'Directory' } }]);
    expect(spec.containers[0].image).toMatch(/^nvcr\.io\/nvidia\/k8s-device-plugin:v0\.\d+\.\d+$/);
    expect(spec.containers[0].securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } });
    expect(byKind(objs, 'ConfigMap')).toHaveLength(0);
  });

  test('time-slicing writes the plugin config and points the plugin at it', () => {
    const chart = Testing.chart();
    new GpuNodePool(chart, 'l4', { accelerator: Accelerator.NVIDIA_L4, provisioner: Provisioner.existing(), devicePlugin: DevicePlugin.nvidia({ sharing: GpuSharing.timeSlicing(4) }) });
    const objs = Testing.synth(chart);
    expectSchemaValid(objs);
    const [cm] = byKind(objs, 'ConfigMap');
    expect(cm.data['config.yaml']).toBe('version: v1\nflags:\n  migStrategy: none\nsharing:\n  timeSlicing:\n    resources:\n      - name: nvidia.com/gpu\n        replicas: 4\n');
    const [ds] = byKind(objs, 'DaemonSet');
    expect(ds.spec.template.spec.containers[0].env).toContainEqual({ name: 'CONFIG_FILE', value: '/etc/nvidia-device-plugin/config.yaml' });
  });

  test('MIG needs a privileged plugin', () => {
    const chart = Testing.chart();
    h100Pool(chart, { devicePlugin: DevicePlugin.nvidia({ sharing: GpuSharing.mig(MigStrategy.SINGLE) }) });
    const objs = Testing.synth(chart);
    expectSchemaValid(objs);
    const [cm] = byKind(objs, 'ConfigMap');
    expect(cm.data['config.yaml']).toBe('version: v1\nflags:\n  migStrategy: single\n');
    expect(byKind(objs, 'DaemonSet')[0].spec.template.spec.containers[0].securityContext).toEqual({ privileged: true });
  });

  test('the NVIDIA plugin on an AMD pool is an error', () => {
    expect(() => new GpuNodePool(Testing.chart(), 'amd', {
      accelerator: Accelerator.AMD_MI300X,
      devicePlugin: DevicePlugin.nvidia(),
      provisioner: Provisioner.existing({ nodeLabels: { 'example.com/gpu': 'mi300x' } }),
    })).toThrow(/NVIDIA device plugin cannot advertise AMD Instinct MI300X/);
  });
});

describe('pool API for the plan report', () => {
  test('consumers, price and cost summary', () => {
    const chart = Testing.chart();
    const pool = h100Pool(chart);
    const svc = llama70b(chart, pool);
    expect(pool.consumers).toEqual([svc]);
    expect(pool.usdPerGpuHour).toBe(6.88);
    expect(pool.costSummary()).toEqual({
      pool: 'h100',
      accelerator: 'h100-80gb',
      provisioner: 'karpenter',
      usdPerGpuHour: 6.88,
      priceSource: Accelerator.NVIDIA_H100_80GB.spec.priceSource,
      maxGpus: 32,
      services: [{ name: 'llama-70b', gpusAtMin: 8, gpusAtMax: 24, gpusAtPeak: 28, usdPerHourAtMin: 55.04, usdPerHourAtMax: 165.12 }],
      gpusAtMin: 8,
      gpusAtMax: 24,
      gpusAtPeak: 28,
      usdPerHourAtMin: 55.04,
      usdPerHourAtMax: 165.12,
      usdPerHourAtCeiling: 220.16,
    });
  });

  test('a price override replaces the catalog price', () => {
    const pool = h100Pool(Testing.chart(), { usdPerGpuHour: 3.5 });
    expect(pool.usdPerGpuHour).toBe(3.5);
    expect(pool.priceSource).toBe('given (usdPerGpuHour)');
  });
});

test('snapshot of a Karpenter pool with a device plugin', () => {
  const chart = Testing.chart();
  h100Pool(chart, { devicePlugin: DevicePlugin.nvidia() });
  expect(Testing.synth(chart)).toMatchSnapshot();
});

test('flagship placement: cost figures per service, per pool and for the fleet', () => {
  const chart = Testing.chart();
  const h100 = h100Pool(chart, { maxGpus: 16 });
  const l4 = new GpuNodePool(chart, 'l4', { accelerator: Accelerator.NVIDIA_L4, provisioner: Provisioner.gke({ gpusPerNode: 1 }), maxGpus: 8 });
  llama8b(chart, l4);
  llama70b(chart, h100, { gpusPerReplica: undefined });
  Testing.synth(chart);
  const rows = [h100, l4].map(p => p.costSummary());
  expect(rows.map(p => [p.pool, p.gpusAtMin, p.gpusAtMax, p.gpusAtPeak, p.usdPerHourAtMin, p.usdPerHourAtMax])).toEqual([
    ['h100', 4, 12, 14, 27.52, 82.56],
    ['l4', 1, 4, 5, 0.8, 3.2],
  ]);
  expect(fleetCost(rows)).toEqual({ gpusAtMin: 5, gpusAtMax: 16, usdPerHourAtMin: 28.32, usdPerHourAtMax: 85.76 });
});
