import { App, Chart, Duration } from 'cdk8s';
import {
  Accelerator, CanaryRollout, GpuNodePool, Model, ModelCache, ModelService, Precision, Provisioner, renderPlanText, Runtime,
  SurgePolicy, TrafficStrategy,
} from 'modelship';

// Shipping vLLM 0.10 to a 70B service that runs 0.9.2 today, under automated SLO analysis.
export const app = new App();
export const chart = new Chart(app, 'llm-canary', { namespace: 'llm' });

const h100 = new GpuNodePool(chart, 'h100', {
  accelerator: Accelerator.NVIDIA_H100_80GB,
  provisioner: Provisioner.karpenter({ instanceTypes: ['p5.48xlarge'], clusterName: 'llm-prod', nodeRole: 'KarpenterNodeRole-llm-prod' }),
  maxGpus: 32,
});

const llama = new ModelService(chart, 'llama-70b', {
  model: Model.huggingFace('meta-llama/Llama-3.1-70B-Instruct', { tokenSecret: 'hf-token' }),
  runtime: Runtime.vllm({ version: '0.9.2', maxModelLen: 8192 }),
  precision: Precision.FP8,
  nodePool: h100,
  cache: ModelCache.shared({ storageClassName: 'efs-sc' }),
  autoscaling: { minReplicas: 2, maxReplicas: 4 },
  route: { gatewayName: 'inference-gateway', gatewayNamespace: 'gateway' },
});

// Argo Rollouts moves traffic through the Gateway API plugin; the stable side shrinks as the
// canary grows, so the rollout never needs more than one extra replica's GPUs.
new CanaryRollout(chart, 'llama-canary', {
  service: llama,
  candidate: { runtime: Runtime.vllm({ version: '0.10.0', maxModelLen: 8192 }) },
  steps: [5, 25, 50],
  pause: Duration.minutes(15),
  strategy: TrafficStrategy.argoRollouts({ httpRoute: 'llama-70b', httpRouteNamespace: 'llm' }),
  surge: SurgePolicy.scaleDownStable(),
  analysis: { maxErrorRatio: 0.01, maxTimeToFirstTokenP95: Duration.seconds(2) },
});

if (require.main === module) {
  app.synth();
  console.log(renderPlanText(app));
}
