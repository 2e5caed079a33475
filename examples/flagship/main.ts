import { App, Chart } from 'cdk8s';
import { Accelerator, Model, ModelCache, ModelService, Precision, Runtime } from 'modelship';
import { MonitoringStack } from 'modelship';

const app = new App({ outdir: process.env.MODELSHIP_OUTDIR ?? 'dist' });
const chart = new Chart(app, 'llm-prod', { namespace: 'llm' });

// A small model on one L4.
new ModelService(chart, 'llama-8b', {
  model: Model.huggingFace('meta-llama/Llama-3.1-8B-Instruct', { tokenSecret: 'hf-token' }),
  runtime: Runtime.vllm({ version: '0.9.2', maxModelLen: 4096 }),
  accelerator: Accelerator.NVIDIA_L4,
  autoscaling: { minReplicas: 1, maxReplicas: 4, queueDepthPerReplica: 5 },
});

// A 70B model: the planner picks the GPU count from memory fit.
new ModelService(chart, 'llama-70b', {
  model: Model.huggingFace('meta-llama/Llama-3.1-70B-Instruct', { tokenSecret: 'hf-token' }),
  runtime: Runtime.vllm({ version: '0.9.2', maxModelLen: 8192 }),
  precision: Precision.FP8,
  accelerator: Accelerator.NVIDIA_H100_80GB,
  cache: ModelCache.shared({ storageClassName: 'efs-sc' }),
  autoscaling: { minReplicas: 2, maxReplicas: 6, queueDepthPerReplica: 8 },
  route: { gatewayName: 'inference-gateway', gatewayNamespace: 'gateway' },
});

// Scrape, alert on and draw every model service of the chart. nodePools is empty until the
// GPU pools are declared here; pass them to deploy the DCGM exporter on their nodes.
new MonitoringStack(chart, 'monitoring', {
  services: chart.node.findAll().filter((c): c is ModelService => c instanceof ModelService),
  nodePools: [],
});

app.synth();
