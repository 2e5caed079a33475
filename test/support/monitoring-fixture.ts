import { Chart, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Accelerator, IGpuConsumer, IGpuNodePool, Model, ModelService, MonitoringStack, MonitoringStackProps, Runtime } from '../../lib';

/** A minimal IGpuNodePool: the GpuNodePool construct lives in another branch. */
export class FakePool extends Construct implements IGpuNodePool {
  public readonly accelerator = Accelerator.NVIDIA_H100_80GB;
  public readonly gpusPerNode = 8;
  public readonly maxGpus = 64;
  public readonly interruptible = false;
  public readonly usdPerGpuHour = 4;
  public readonly consumers: IGpuConsumer[] = [];
  constructor(scope: Construct, id: string, public readonly nodeSelector: Record<string, string>, public readonly tolerations: k8s.Toleration[]) {
    super(scope, id);
  }
  public registerConsumer(consumer: IGpuConsumer): void { this.consumers.push(consumer); }
}

/** The fleet the monitoring tests watch: vLLM 0.9 and 0.8, TGI, SGLang and Triton. */
export function fleet(chart: Chart) {
  const pool = new FakePool(chart, 'h100', { 'karpenter.sh/nodepool': 'h100' }, [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
  const pool2 = new FakePool(chart, 'l4', { 'karpenter.sh/nodepool': 'l4' }, [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }, { key: 'spot', operator: 'Exists', effect: 'NoSchedule' }]);
  const model = Model.huggingFace('meta-llama/Llama-3.1-8B-Instruct', { tokenSecret: 'hf-token' });
  const vllm = new ModelService(chart, 'llama-8b', { model, runtime: Runtime.vllm({ version: '0.10.2', maxModelLen: 4096 }), nodePool: pool });
  const vllmOld = new ModelService(chart, 'llama-8b-old', { model, runtime: Runtime.vllm({ version: '0.8.5', maxModelLen: 4096 }), nodePool: pool });
  const tgi = new ModelService(chart, 'llama-8b-tgi', { model, runtime: Runtime.tgi({ version: '3.3.4', allowRootImage: true }), nodePool: pool2 });
  const sglang = new ModelService(chart, 'llama-8b-sglang', { model, runtime: Runtime.sglang({ version: '0.4.9' }), nodePool: pool });
  const triton = new ModelService(chart, 'triton', { model: Model.fromVolume({ claimName: 'triton-repo' }), gpusPerReplica: 1, runtime: Runtime.triton({ version: '25.06' }), nodePool: pool });
  return { pools: [pool, pool2], vllm, vllmOld, tgi, sglang, triton, services: [vllm, vllmOld, tgi, sglang, triton] };
}

/** A chart with the fleet and a stack over it; extra props override. */
export function stackChart(extra: Partial<MonitoringStackProps> = {}) {
  const chart = Testing.chart();
  const f = fleet(chart);
  const stack = new MonitoringStack(chart, 'monitoring', { services: f.services, nodePools: f.pools, ...extra });
  return { chart, stack, ...f };
}
