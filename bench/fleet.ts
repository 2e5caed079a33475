import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Accelerator, MODEL_CATALOG, Model, ModelCache, ModelService, Precision, Runtime } from 'modelship';

/**
 * A generated fleet of `size` model services, spread over the catalog's models and a few
 * accelerators, the way a large platform team's infra repo looks.
 */
export function buildFleet(scope: Construct, size: number): Chart {
  const chart = new Chart(scope, 'fleet', { namespace: 'llm' });
  const small = MODEL_CATALOG.filter(m => m.parametersBillions < 10);
  for (let i = 0; i < size; i++) {
    const large = i % 5 === 0;
    const known = large ? MODEL_CATALOG[1] : small[i % small.length];
    new ModelService(chart, `model-${i}`, {
      model: Model.huggingFace(known.huggingFaceId, { tokenSecret: 'hf-token' }),
      runtime: Runtime.vllm({ version: i % 2 === 0 ? '0.9.2' : '0.8.5', maxModelLen: large ? 8192 : 4096 }),
      precision: large ? Precision.FP8 : Precision.BF16,
      accelerator: large ? Accelerator.NVIDIA_H100_80GB : Accelerator.NVIDIA_L4,
      cache: large ? ModelCache.shared() : ModelCache.emptyDir(),
      autoscaling: { minReplicas: 1, maxReplicas: 4 },
      route: i % 3 === 0 ? { gatewayName: 'gw', gatewayNamespace: 'gateway' } : undefined,
    });
  }
  return chart;
}
