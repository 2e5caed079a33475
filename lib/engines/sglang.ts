import { ContainerCommand, EngineArgsContext, EngineDriver, GroupRole, MultiNodeArgsContext, MultiNodeCapability } from './driver';
import { EngineKind } from './engine';
import { EngineMetrics } from './metrics';
import { sglangKvCacheBudget } from './sglang-memory';
import { GpuVendor } from '../accelerators/accelerator';
import { Precision } from '../planning/precision';

/**
 * SGLang metrics (with `--enable-metrics`). Source: sglang `python/sglang/srt/metrics/collector.py`;
 * cross-engine table in gateway-api-inference-extension's model server protocol.
 * SGLang exports no failed-request counter, so no error ratio.
 */
function sglangMetrics(): EngineMetrics {
  return {
    queueDepth: 'sglang:num_queue_reqs',
    running: 'sglang:num_running_reqs',
    kvCacheUsage: 'sglang:token_usage',
    timeToFirstToken: 'sglang:time_to_first_token_seconds',
    interTokenLatency: 'sglang:inter_token_latency_seconds',
    e2eLatency: 'sglang:e2e_request_latency_seconds',
    promptTokens: 'sglang:prompt_tokens_total',
    generationTokens: 'sglang:generation_tokens_total',
  };
}

/**
 * SGLang across nodes: one tensor-parallel group over every GPU of every node (`--tp 16 --nnodes 2
 * --node-rank N --dist-init-addr HOST:PORT`). Not pipeline parallelism: SGLang 0.4.9 refuses it
 * with MLA models (`python/sglang/srt/model_executor/model_runner.py` `profile_max_num_token`,
 * v0.4.9: "pipeline parallelism is not compatible with mla backend", `assert self.pp_size == 1`).
 */
export const SGLANG_MULTI_NODE: MultiNodeCapability = {
  crossNode: 'tensor',
  source: 'sgl-project/sglang docs/references/multi_node_deployment/multi_node.md: Llama 3.1 405B (fp16) on two nodes with --tp 16 --nnodes 2 --node-rank --dist-init-addr',
};

function precisionArgs(precision: Precision): string[] {
  switch (precision) {
    case Precision.BF16: return ['--dtype', 'bfloat16'];
    case Precision.FP16: return ['--dtype', 'float16'];
    case Precision.FP8: return ['--quantization', 'fp8'];
    case Precision.INT8: return ['--quantization', 'w8a8_int8'];
    case Precision.INT4_AWQ: return ['--quantization', 'awq_marlin'];
    case Precision.INT4_GPTQ: return ['--quantization', 'gptq_marlin'];
  }
}

/** Port the SGLang nodes of a group rendezvous on (`--dist-init-addr`), as in LWS `docs/examples/sglang/lws.yaml` (v0.10.0). */
export const SGLANG_DIST_INIT_PORT = 20000;

/** SGLang's arguments without the user's extra ones (which go last, after any multi-node flags). */
function sglangArgs(ctx: EngineArgsContext): string[] {
  return [
    '--model-path', ctx.modelRef,
    '--served-model-name', ctx.servedName,
    '--host', '0.0.0.0',
    '--port', String(ctx.profile.httpPort),
    '--tp', String(ctx.tensorParallelSize),
    '--context-length', String(ctx.maxModelLen),
    // Without a given fraction SGLang computes its own from the GPU's memory and the TP size
    // (sglang-memory.ts); vLLM's 0.9 would leave too little for activations at TP >= 4.
    ...(ctx.memoryUtilization !== undefined ? ['--mem-fraction-static', String(ctx.memoryUtilization)] : []),
    '--enable-metrics',
    ...precisionArgs(ctx.precision),
    ...(ctx.revision ? ['--revision', ctx.revision] : []),
  ];
}

/**
 * One pod of a multi-node SGLang replica: every node runs `sglang.launch_server` with the same
 * arguments, tensor parallelism over all GPUs of the group (`--tp` = nodes x GPUs per node),
 * `--nnodes $(LWS_GROUP_SIZE)`, `--node-rank $(LWS_WORKER_INDEX)` and
 * `--dist-init-addr $(LWS_LEADER_ADDRESS):20000`. Source: LWS `docs/examples/sglang/lws.yaml`
 * (kubernetes-sigs/lws v0.10.0, image `lmsysorg/sglang:latest`). Unverified here: the three flags
 * in sglang `python/sglang/srt/server_args.py` at v0.4.9 (taken from the LWS example, which pins no
 * SGLang version). Kubernetes expands `$(VAR)` from the env LWS injects.
 */
function sglangMultiNodeCommand(_role: GroupRole, ctx: MultiNodeArgsContext): ContainerCommand {
  return {
    command: ['python3', '-m', 'sglang.launch_server'],
    args: [
      ...sglangArgs(ctx),
      '--dist-init-addr', `$(LWS_LEADER_ADDRESS):${SGLANG_DIST_INIT_PORT}`,
      '--nnodes', '$(LWS_GROUP_SIZE)',
      '--node-rank', '$(LWS_WORKER_INDEX)',
      ...ctx.extraArgs,
    ],
  };
}

/** SGLang's server (`lmsysorg/sglang`, whose image has no server entrypoint). */
export const SGLANG_DRIVER: EngineDriver = {
  kind: EngineKind.SGLANG,
  displayName: 'SGLang',
  defaultVersion: '0.4.9',
  // Release tags: sgl-project/sglang `v0.4.9`, `v0.4.6.post1`.
  versions: { pattern: /^\d+\.\d+\.\d+(\.post\d+)?$/, example: '0.4.9', oldest: '0.4.0', newestChecked: '0.4' },
  profile: version => ({
    kind: EngineKind.SGLANG,
    version,
    image: `lmsysorg/sglang:v${version}-cu126`,
    httpPort: 30000,
    metricsPort: 30000,
    metricsPath: '/metrics',
    healthPath: '/health',
    readyPath: '/health',
    modelLabel: 'model_name',
    // OpenAI API under /v1 (sglang `python/sglang/srt/entrypoints/http_server.py` v0.4.9:
    // `@app.post("/v1/chat/completions")`, `/v1/completions`, `/v1/models`).
    apiPathPrefix: '/v1',
    metrics: sglangMetrics(),
  }),
  command: () => ['python3', '-m', 'sglang.launch_server'],
  args: ctx => [...sglangArgs(ctx), ...ctx.extraArgs],
  env: () => ({}),
  capabilities: () => ({ rendersModelArgs: true, objectStores: [], publicImageVendors: [GpuVendor.NVIDIA], multiNode: SGLANG_MULTI_NODE }),
  // Source: sglang `python/sglang/srt/metrics/collector.py` (time_to_first_token_seconds buckets).
  ttftBuckets: [0.1, 0.2, 0.4, 0.6, 0.8, 1, 2, 4, 6, 8, 10, 20, 40, 60, 80, 120, 160],
  kvCacheBudget: sglangKvCacheBudget,
  describe: p => `${p.kind} ${p.version}`,
  multiNodeCommand: sglangMultiNodeCommand,
};
