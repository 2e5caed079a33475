import { App, Chart } from 'cdk8s';
import {
  Accelerator, GpuNodePool, Model, ModelService, MonitoringStack, Precision, Provisioner, renderPlanText, Runtime,
} from 'modelship';

// Models bigger than one node: each replica is a LeaderWorkerSet group of whole nodes (docs/multi-node.md).
export const app = new App();
const chart = new Chart(app, 'multi-node', { namespace: 'llm' });

// p5.48xlarge nodes (8 x H100 80GB, 32 EFA interfaces) in an EKS node group the platform team runs,
// with the EFA device plugin installed. Multi-node replicas request the EFA devices and point NCCL
// at them; a pool without a fabric is refused unless the service sets allowSlowInterconnect.
const h100 = new GpuNodePool(chart, 'h100-efa', {
  accelerator: Accelerator.NVIDIA_H100_80GB,
  provisioner: Provisioner.existing({ nodeLabels: { 'eks.amazonaws.com/nodegroup': 'p5-efa' }, gpusPerNode: 8 }),
  maxGpus: 96,
  interconnect: { kind: 'efa', resourcesPerNode: { 'vpc.amazonaws.com/efa': 32 }, env: { FI_PROVIDER: 'efa', FI_EFA_USE_DEVICE_RDMA: '1' } },
});

// Llama-3.1-405B in bf16: 756 GiB of weights do not fit one node of 8 H100 (8 x 71 GiB usable), so
// the planner takes 2 nodes x 8: tensor parallel 8 within a node, pipeline parallel 2 across (vLLM on Ray).
const llama = new ModelService(chart, 'llama-405b', {
  // Meta's models are gated on Hugging Face: the token is read from the Secret `hf-token`, never inlined.
  model: Model.huggingFace('meta-llama/Llama-3.1-405B-Instruct', { tokenSecret: 'hf-token' }),
  runtime: Runtime.vllm({ version: '0.9.2', maxModelLen: 8192 }),
  precision: Precision.BF16,
  nodePool: h100,
  autoscaling: { minReplicas: 1, maxReplicas: 2 },
});

// DeepSeek-R1 (671B mixture of experts, 37B active, a native FP8 checkpoint, Multi-head Latent
// Attention) from the catalog, planned like any model: its 625 GiB of FP8 weights need 2 nodes of
// 8 H100 with SGLang (tensor parallel 16 across both nodes, as SGLang's DeepSeek docs run it).
const deepseek = new ModelService(chart, 'deepseek-r1', {
  model: Model.huggingFace('deepseek-ai/DeepSeek-R1'),
  runtime: Runtime.sglang({ version: '0.4.9', maxModelLen: 8192 }),
  precision: Precision.FP8,
  nodePool: h100,
  replicas: 1,
});

// The same model on one node of 8 H200 (141 GB each): no group, no fabric needed, a Deployment.
const h200 = new GpuNodePool(chart, 'h200', {
  accelerator: Accelerator.NVIDIA_H200,
  provisioner: Provisioner.existing({ nodeLabels: { 'eks.amazonaws.com/nodegroup': 'p5e' }, gpusPerNode: 8 }),
  maxGpus: 16,
});
const deepseekH200 = new ModelService(chart, 'deepseek-r1-h200', {
  model: Model.huggingFace('deepseek-ai/DeepSeek-R1'),
  runtime: Runtime.sglang({ version: '0.4.9', maxModelLen: 8192 }),
  precision: Precision.FP8,
  nodePool: h200,
  replicas: 1,
});

// Alerts read the leaders' metrics and fire when a group is only partly ready.
new MonitoringStack(chart, 'monitoring', { services: [llama, deepseek, deepseekH200], nodePools: [h100, h200] });

// Synthesize and print the plan when run; when imported (tests), only build the constructs.
if (require.main === module) {
  app.synth();
  console.log(renderPlanText(app));
}
