import { App, Chart, Duration } from 'cdk8s';
import {
  Accelerator, CapacityType, ConsolidationPolicy, GpuNodePool, Model, ModelService, Precision, Provisioner, renderPlanText, Runtime, TaintEffect,
} from 'modelship';

// One pool per provisioner, each with a service on it.
export const app = new App();
const chart = new Chart(app, 'pools', { namespace: 'llm' });

// Karpenter on spot L40S for a batch-tolerant service: cheaper, interruptible, priced at a spot rate.
const l40s = new GpuNodePool(chart, 'l40s-spot', {
  accelerator: Accelerator.NVIDIA_L40S,
  provisioner: Provisioner.karpenter({
    instanceTypes: ['g6e.12xlarge', 'g6e.48xlarge'],
    capacityTypes: [CapacityType.SPOT, CapacityType.ON_DEMAND],
    clusterName: 'llm-prod',
    nodeRole: 'KarpenterNodeRole-llm-prod',
    amiAlias: 'bottlerocket@v1.44.0', // Bottlerocket's NVIDIA variant ships its own device plugin
    consolidationPolicy: ConsolidationPolicy.WHEN_EMPTY_OR_UNDERUTILIZED,
    consolidateAfter: Duration.minutes(30),
  }),
  maxGpus: 16,
  usdPerGpuHour: 0.75,
});
new ModelService(chart, 'llama-8b-batch', {
  // Meta's models are gated on Hugging Face: the token is read from the Secret `hf-token`, never inlined.
  model: Model.huggingFace('meta-llama/Llama-3.1-8B-Instruct', { tokenSecret: 'hf-token' }),
  runtime: Runtime.vllm({ version: '0.9.2', maxModelLen: 8192 }),
  precision: Precision.FP8,
  nodePool: l40s,
  autoscaling: { minReplicas: 1, maxReplicas: 8 },
});

// GKE H100 node pool (a3-highgpu-8g) created by the platform team.
const gkeH100 = new GpuNodePool(chart, 'gke-h100', {
  accelerator: Accelerator.NVIDIA_H100_80GB,
  provisioner: Provisioner.gke({ gpusPerNode: 8, nodeLabels: { 'cloud.google.com/gke-nodepool': 'h100-serving' } }),
  maxGpus: 16,
});
new ModelService(chart, 'llama-70b', {
  // Meta's models are gated on Hugging Face: the token is read from the Secret `hf-token`, never inlined.
  model: Model.huggingFace('meta-llama/Llama-3.1-70B-Instruct', { tokenSecret: 'hf-token' }),
  runtime: Runtime.vllm({ version: '0.9.2', maxModelLen: 8192 }),
  precision: Precision.FP8,
  nodePool: gkeH100,
  requireStableCapacity: true,
  replicas: 2,
});

// AKS ND MI300X v5 nodes: no catalog label selects them, so the pool names its agent pool.
const mi300x = new GpuNodePool(chart, 'aks-mi300x', {
  accelerator: Accelerator.AMD_MI300X,
  provisioner: Provisioner.existing({
    nodeLabels: { 'kubernetes.azure.com/agentpool': 'mi300x' },
    taints: [{ key: 'amd.com/gpu', effect: TaintEffect.NO_SCHEDULE }],
    gpusPerNode: 8,
  }),
  maxGpus: 8,
});
new ModelService(chart, 'llama-405b', {
  // Meta's models are gated on Hugging Face: the token is read from the Secret `hf-token`, never inlined.
  model: Model.huggingFace('meta-llama/Llama-3.1-405B-Instruct', { tokenSecret: 'hf-token' }),
  // vLLM's public image is a CUDA build: MI300X needs AMD's ROCm build of the same engine.
  runtime: Runtime.vllm({ version: '0.9.1', image: 'rocm/vllm:rocm6.4.1_vllm_0.9.1_20250715', maxModelLen: 8192 }),
  precision: Precision.FP8,
  nodePool: mi300x,
  // /dev/kfd and /dev/dri/renderD* belong to the nodes' render group (`getent group render` on a node).
  gpuDeviceGroupIds: [110],
  maxSurge: 0,
});

// Synthesize and print the plan when run; when imported (tests), only build the constructs.
if (require.main === module) {
  app.synth();
  console.log(renderPlanText(app));
}
