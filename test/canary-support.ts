import { Chart, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Accelerator, IGpuConsumer, IGpuNodePool, Model, ModelService, ModelServiceProps, Runtime } from '../lib';

/** A pool that only records its consumers: the contract, nothing else. */
export class FakePool extends Construct implements IGpuNodePool {
  public readonly nodeSelector = { 'example.com/pool': 'h100' };
  public readonly tolerations: k8s.Toleration[] = [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }];
  public readonly gpusPerNode = 8;
  public readonly interruptible = false;
  public readonly usdPerGpuHour = 4;
  public readonly consumers: IGpuConsumer[] = [];
  constructor(scope: Construct, id: string, public readonly accelerator: Accelerator, public readonly maxGpus?: number) {
    super(scope, id);
  }
  public registerConsumer(consumer: IGpuConsumer): void { this.consumers.push(consumer); }
}

export function setup(opts: { maxGpus?: number; service?: Partial<ModelServiceProps>; accelerator?: Accelerator } = {}) {
  const chart = new Chart(Testing.app(), 'llm-prod', { namespace: 'llm' });
  const pool = new FakePool(chart, 'h100', opts.accelerator ?? Accelerator.NVIDIA_H100_80GB, opts.maxGpus ?? 64);
  const service = new ModelService(chart, 'llama-70b', {
    model: Model.huggingFace('meta-llama/Llama-3.1-70B-Instruct', { tokenSecret: 'hf-token' }),
    runtime: Runtime.vllm({ version: '0.9.2', maxModelLen: 8192 }),
    nodePool: pool,
    replicas: 4,
    ...opts.service,
  });
  return { chart, pool, service };
}
