import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import {
  Accelerator, CanaryRollout, GpuNodePool, MonitoringStack, MODEL_CATALOG, Model, ModelCache, ModelService, Precision, Provisioner, Runtime,
  SurgePolicy, TrafficStrategy,
} from 'modelship';

/** Share of services that carry a canary (one in ten). */
export const CANARY_EVERY = 10;
/** Services per pool before the fleet opens another pool of the same kind. */
const SERVICES_PER_POOL = 50;

/** Variants of the generated fleet. */
export interface FleetOptions {
  /** One MonitoringStack over every service and pool. @default true */
  readonly monitoring?: boolean;
}

/**
 * A generated fleet of `size` model services, the way a large platform team's infra repo looks:
 * services spread over the catalog's models on H100 (Karpenter) and L4 (GKE) pools, a canary
 * on one service in ten, and monitoring of every service and pool.
 */
export function buildFleet(scope: Construct, size: number, options: FleetOptions = {}): Chart {
  const chart = new Chart(scope, 'fleet', { namespace: 'llm' });
  const small = MODEL_CATALOG.filter(m => m.parametersBillions < 10);
  const pools: GpuNodePool[] = [];
  const services: ModelService[] = [];
  const poolFor = (i: number, large: boolean): GpuNodePool => {
    const n = Math.floor(i / SERVICES_PER_POOL);
    const id = `${large ? 'h100' : 'l4'}-${n}`;
    const found = pools.find(p => p.node.id === id);
    if (found) return found;
    const pool = large
      ? new GpuNodePool(chart, id, {
        accelerator: Accelerator.NVIDIA_H100_80GB,
        provisioner: Provisioner.karpenter({ instanceTypes: ['p5.48xlarge'], clusterName: 'bench', nodeRole: 'KarpenterNodeRole-bench' }),
        maxGpus: 4096,
      })
      : new GpuNodePool(chart, id, { accelerator: Accelerator.NVIDIA_L4, provisioner: Provisioner.gke({ gpusPerNode: 1 }), maxGpus: 4096 });
    pools.push(pool);
    return pool;
  };
  for (let i = 0; i < size; i++) {
    const large = i % 5 === 0;
    const known = large ? MODEL_CATALOG[1] : small[i % small.length];
    const version = i % 2 === 0 ? '0.9.2' : '0.8.5';
    const maxModelLen = large ? 8192 : 4096;
    const svc = new ModelService(chart, `model-${i}`, {
      model: Model.huggingFace(known.huggingFaceId, { tokenSecret: 'hf-token' }),
      runtime: Runtime.vllm({ version, maxModelLen }),
      precision: large ? Precision.FP8 : Precision.BF16,
      nodePool: poolFor(i, large),
      cache: large ? ModelCache.shared() : ModelCache.emptyDir(),
      autoscaling: { minReplicas: 1, maxReplicas: 4 },
      // Each routed service on its own path: two HTTPRoutes on one path of a Gateway are refused.
      route: i % 3 === 0 ? { gatewayName: 'gw', gatewayNamespace: 'gateway', pathPrefix: `/model-${i}/v1` } : undefined,
    });
    services.push(svc);
    if (i % CANARY_EVERY === CANARY_EVERY - 1) {
      new CanaryRollout(chart, `model-${i}-canary`, {
        service: svc,
        candidate: { runtime: Runtime.vllm({ version: version === '0.9.2' ? '0.10.0' : '0.9.2', maxModelLen }) },
        strategy: TrafficStrategy.argoRollouts(),
        surge: SurgePolicy.scaleDownStable(),
      });
    }
  }
  if (options.monitoring ?? true) new MonitoringStack(chart, 'monitoring', { services, nodePools: pools });
  return chart;
}
