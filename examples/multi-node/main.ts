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

// DeepSeek-R1 (671B mixture of experts, a native FP8 checkpoint) on 2 nodes x 8 H100 with SGLang,
// tensor parallel 16 across both nodes, as SGLang's DeepSeek docs run it. The shape is given here from
// the model's config.json (num_hidden_layers 61, num_attention_heads 128, hidden_size 7168,
// vocab_size 129280, max_position_embeddings 163840, num_experts_per_tok 8); its Multi-head Latent
// Attention KV cache is not modelled in this sketch (kvHeads x headDim overstates it), so the GPU
// count is given rather than planned.
const deepseek = new ModelService(chart, 'deepseek-r1', {
  model: Model.huggingFace('deepseek-ai/DeepSeek-R1', {
    spec: {
      parametersBillions: 671,
      layers: 61,
      attentionHeads: 128,
      kvHeads: 128,
      headDim: 128,
      maxContextLength: 163840,
      hiddenSize: 7168,
      intermediateSize: 2048,
      vocabSize: 129280,
      expertsPerToken: 8,
      checkpointPrecision: Precision.FP8,
    },
  }),
  runtime: Runtime.sglang({ version: '0.4.9', maxModelLen: 8192 }),
  precision: Precision.FP8,
  nodePool: h100,
  gpusPerReplica: 16,
  replicas: 1,
});

// Alerts read the leaders' metrics and fire when a group is only partly ready.
new MonitoringStack(chart, 'monitoring', { services: [llama, deepseek], nodePools: [h100] });

// Synthesize and print the plan when run; when imported (tests), only build the constructs.
if (require.main === module) {
  app.synth();
  console.log(renderPlanText(app));
}
