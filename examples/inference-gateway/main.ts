import { App, Chart } from 'cdk8s';
import {
  Accelerator, EndpointPickerFailureMode, GatewayImplementation, GpuNodePool, LoraAdapter, Model, ModelNamespace, ModelService, MonitoringStack, Precision,
  Provisioner, renderPlanText, Routing, Runtime,
} from 'modelship';

// Two models behind one Inference Gateway: each replica set is an InferencePool, and an endpoint
// picker (llm-d-router) chooses the replica per request from its queue, KV-cache use and the
// prompt prefixes it has cached, instead of round-robin. See docs/routing.md.
export const app = new App();
const chart = new Chart(app, 'inference-gateway', { namespace: 'llm' });
new ModelNamespace(chart, 'namespace');

const gateway = { gatewayName: 'inference-gateway', gatewayNamespace: 'gateway', implementation: GatewayImplementation.istio() };

const l4 = new GpuNodePool(chart, 'l4', {
  accelerator: Accelerator.NVIDIA_L4,
  provisioner: Provisioner.karpenter({ instanceTypes: ['g6.xlarge', 'g6.2xlarge'], clusterName: 'llm-prod', nodeRole: 'KarpenterNodeRole-llm-prod' }),
  maxGpus: 8,
});
new ModelService(chart, 'llama-8b', {
  model: Model.huggingFace('meta-llama/Llama-3.1-8B-Instruct', { tokenSecret: 'hf-token' }),
  runtime: Runtime.vllm({ version: '0.9.2', maxModelLen: 4096 }),
  nodePool: l4,
  autoscaling: { minReplicas: 2, maxReplicas: 6 },
  // Three fine-tunes of the base model served as LoRA adapters on the same replicas (your own
  // adapters: these repository names and revisions are placeholders). Each adapter is a model name
  // in the API, gets an InferenceObjective on this pool, and the LoRA-affinity scorer sends a request
  // for an adapter to a replica that already has it loaded.
  adapters: [
    LoraAdapter.huggingFace('acme/llama-3.1-8b-support-lora', { revision: '3a1f0c2', name: 'support', rank: 16 }),
    LoraAdapter.huggingFace('acme/llama-3.1-8b-sql-lora', { revision: '9be41d7', name: 'sql', rank: 16 }),
    LoraAdapter.huggingFace('acme/llama-3.1-8b-legal-lora', { revision: 'c07d5e1', name: 'legal', rank: 8 }),
  ],
  lora: { maxLoras: 3, maxLoraRank: 16 },
  routing: Routing.inferencePool({ scorers: { queue: 2, kvCacheUtilization: 2, prefixCache: 3, loraAffinity: 1 } }),
  route: { ...gateway, pathPrefix: '/llama-8b/v1' },
});

const h100 = new GpuNodePool(chart, 'h100', {
  accelerator: Accelerator.NVIDIA_H100_80GB,
  provisioner: Provisioner.karpenter({ instanceTypes: ['p5.48xlarge'], clusterName: 'llm-prod', nodeRole: 'KarpenterNodeRole-llm-prod' }),
  maxGpus: 16,
});
const llama70b = new ModelService(chart, 'llama-70b', {
  model: Model.huggingFace('meta-llama/Llama-3.1-70B-Instruct', { tokenSecret: 'hf-token' }),
  runtime: Runtime.vllm({ version: '0.9.2', maxModelLen: 8192 }),
  precision: Precision.FP8,
  nodePool: h100,
  replicas: 2,
  // The 70B serves a product that prefers an error to an unscored pick on a saturated replica:
  // with FailClose the picker being down is the model being down, and its alert is critical.
  routing: Routing.inferencePool({ failureMode: EndpointPickerFailureMode.FAIL_CLOSE }),
  route: { ...gateway, pathPrefix: '/llama-70b/v1' },
});

new MonitoringStack(chart, 'monitoring', {
  services: [chart.node.findChild('llama-8b') as ModelService, llama70b],
  nodePools: [l4, h100],
});

// Synthesize and print the plan when run; when imported (tests), only build the constructs.
if (require.main === module) {
  app.synth();
  console.log(renderPlanText(app));
}
