import { App, Chart } from 'cdk8s';
import { Accelerator, DevicePlugin, GpuNodePool, Model, ModelCache, ModelService, MonitoringStack, Precision, Provisioner, renderPlanText, Runtime } from 'modelship';

export const app = new App();
export const chart = new Chart(app, 'llm-prod', { namespace: 'llm' });

// H100 nodes Karpenter launches on demand: two p5.48xlarge at most. The EKS AL2023 NVIDIA AMI
// ships the driver but not the device plugin, so the pool runs one on its nodes.
const h100 = new GpuNodePool(chart, 'h100', {
  accelerator: Accelerator.NVIDIA_H100_80GB,
  provisioner: Provisioner.karpenter({
    instanceTypes: ['p5.48xlarge'],
    clusterName: 'llm-prod',
    nodeRole: 'KarpenterNodeRole-llm-prod',
  }),
  maxGpus: 16,
  devicePlugin: DevicePlugin.nvidia(),
});

// An L4 node pool someone else created on GKE (g2-standard-8: one L4 per node).
const l4 = new GpuNodePool(chart, 'l4', {
  accelerator: Accelerator.NVIDIA_L4,
  provisioner: Provisioner.gke({ gpusPerNode: 1 }),
  maxGpus: 8,
});

// A small model on one L4.
const llama8b = new ModelService(chart, 'llama-8b', {
  model: Model.huggingFace('meta-llama/Llama-3.1-8B-Instruct', { tokenSecret: 'hf-token' }),
  runtime: Runtime.vllm({ version: '0.9.2', maxModelLen: 4096 }),
  nodePool: l4,
  autoscaling: { minReplicas: 1, maxReplicas: 4, queueDepthPerReplica: 5 },
});

// A 70B model: the planner picks the GPU count from memory fit on the pool's H100s.
const llama70b = new ModelService(chart, 'llama-70b', {
  model: Model.huggingFace('meta-llama/Llama-3.1-70B-Instruct', { tokenSecret: 'hf-token' }),
  runtime: Runtime.vllm({ version: '0.9.2', maxModelLen: 8192 }),
  precision: Precision.FP8,
  nodePool: h100,
  requireStableCapacity: true,
  cache: ModelCache.shared({ storageClassName: 'efs-sc' }),
  autoscaling: { minReplicas: 2, maxReplicas: 6, queueDepthPerReplica: 8 },
  route: { gatewayName: 'inference-gateway', gatewayNamespace: 'gateway' },
});

// Scrape, alert on and draw both services, and watch the GPUs of both pools (DCGM exporter).
new MonitoringStack(chart, 'monitoring', {
  services: [llama8b, llama70b],
  nodePools: [h100, l4],
});

// Synthesize and print the plan when run; when imported (the Pulumi example, tests), only build the constructs.
if (require.main === module) {
  app.synth(); // also writes dist/PLAN.md (tables and topology); MODELSHIP_PLAN=off turns it off
  console.log(renderPlanText(app));
}
