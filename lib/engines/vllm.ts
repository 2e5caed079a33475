import { ContainerCommand, EngineArgsContext, EngineDriver, GroupRole, MultiNodeArgsContext, MultiNodeCapability } from './driver';
import { compareVersions, EngineKind } from './engine';
import { EngineMetrics } from './metrics';
import { VLLM_DEFAULT_GPU_MEMORY_UTILIZATION, vllmKvCacheBudget } from './vllm-memory';
import { GpuVendor } from '../accelerators/accelerator';
import { Precision } from '../planning/precision';

/** First vLLM image that streams `gs://` weights (runai-model-streamer[gcs] in docker/Dockerfile, #26464). */
export const VLLM_GCS_STREAMER = '0.11.1';

/** Handlers of vLLM's OpenAI-compatible API (`/v1/completions`, `/v1/chat/completions`, ...). */
export const VLLM_API_HANDLERS = '/v1/.*';

/**
 * First release exporting `vllm:kv_cache_usage_perc`; earlier ones export only
 * `vllm:gpu_cache_usage_perc` (both 0.9.2-0.10.x, the old one hidden in 0.11.x, removed in 0.12.0).
 * Source: vllm `vllm/v1/metrics/loggers.py` at v0.9.1 (L189, old name only) and v0.9.2 (L217, new
 * name added by #18354), v0.12.0 (old name gone).
 */
export const VLLM_KV_CACHE_RENAME = '0.9.2';
/**
 * First release exporting `vllm:inter_token_latency_seconds`; earlier ones export only
 * `vllm:time_per_output_token_seconds` (both 0.10.2-0.11.x, the old one hidden 0.12-0.14, removed
 * in 0.15.0). Source: vllm `vllm/v1/metrics/loggers.py` at v0.10.1 and v0.10.2 (L380-396, #24110).
 */
export const VLLM_ITL_RENAME = '0.10.2';

/**
 * vLLM metrics by version. Source: vllm `vllm/v1/metrics/loggers.py` (v0.8.5 to v0.11.1) and
 * `docs/design/metrics.md`; each name is the one every release of its range exports by default.
 * Errors come from the API server's HTTP instrumentation (prometheus-fastapi-instrumentator, vLLM
 * >= 0.8.3: `http_requests_total{method,status,handler}`, `status` grouped as `2xx`/`4xx`/`5xx`),
 * narrowed to the OpenAI API (`handler` under `/v1/`): probes on `/health` and scrapes of `/metrics`
 * would otherwise dilute the error ratio and count as traffic in canary analysis.
 */
function vllmMetrics(version: string): EngineMetrics {
  return {
    queueDepth: 'vllm:num_requests_waiting',
    running: 'vllm:num_requests_running',
    kvCacheUsage: compareVersions(version, VLLM_KV_CACHE_RENAME) >= 0 ? 'vllm:kv_cache_usage_perc' : 'vllm:gpu_cache_usage_perc',
    timeToFirstToken: 'vllm:time_to_first_token_seconds',
    interTokenLatency: compareVersions(version, VLLM_ITL_RENAME) >= 0 ? 'vllm:inter_token_latency_seconds' : 'vllm:time_per_output_token_seconds',
    e2eLatency: 'vllm:e2e_request_latency_seconds',
    requests: [{ metric: 'http_requests_total', regexMatchers: { handler: VLLM_API_HANDLERS } }],
    errors: { metric: 'http_requests_total', matchers: { status: '5xx' }, regexMatchers: { handler: VLLM_API_HANDLERS } },
    clientErrors: { metric: 'http_requests_total', matchers: { status: '4xx' }, regexMatchers: { handler: VLLM_API_HANDLERS } },
    promptTokens: 'vllm:prompt_tokens_total',
    generationTokens: 'vllm:generation_tokens_total',
  };
}

/**
 * vLLM across nodes: tensor parallelism over the GPUs of a node, pipeline parallelism across nodes,
 * on a Ray cluster (`ray start --head` / `ray start --address`). The layers need not divide by the
 * stages (`vllm/distributed/utils.py` `get_pp_indices`, v0.9.2); the model must implement
 * `SupportsPP` (Llama, DeepSeek-V2/V3, Qwen2/3 and Qwen3-MoE do: `vllm/config.py`
 * `verify_with_parallel_config`, v0.9.2 L1092-1098).
 */
export const VLLM_MULTI_NODE: MultiNodeCapability = {
  crossNode: 'pipeline',
  source: 'vllm-project/vllm docs/serving/distributed_serving.md (v0.8.4): "the tensor parallel size is the number of GPUs you want to use in each node, and the pipeline parallel size is the number of nodes"',
};

function precisionArgs(precision: Precision): string[] {
  switch (precision) {
    case Precision.BF16: return ['--dtype', 'bfloat16'];
    case Precision.FP16: return ['--dtype', 'float16'];
    case Precision.FP8: return ['--quantization', 'fp8'];
    // W8A8 checkpoints declare their quantization in config.json; vLLM reads it.
    case Precision.INT8: return [];
    case Precision.INT4_AWQ: return ['--quantization', 'awq_marlin'];
    case Precision.INT4_GPTQ: return ['--quantization', 'gptq_marlin'];
  }
}

/**
 * The script vLLM ships to form a Ray cluster across nodes: `leader --ray_cluster_size=N` runs
 * `ray start --head --port=6379` and polls until N nodes are alive (exit 1 after
 * `--ray_init_timeout` seconds, default 300); `worker --ray_address=A` runs
 * `ray start --address=A:6379 --block`, retrying until the head answers.
 * Source: vllm `examples/online_serving/multi-node-serving.sh`; the image path and the
 * leader/worker commands are the ones of LWS `docs/examples/vllm/GPU/lws.yaml` (kubernetes-sigs/lws
 * v0.10.0, image vllm/vllm-openai:v0.8.5) and vllm `docs/deployment/frameworks/lws.md`.
 * Unverified: that every image from 0.8.0 to 0.11.x carries the script at this path (checked
 * only through the two docs above, which use v0.8.5 and `latest`).
 */
export const VLLM_MULTI_NODE_SCRIPT = '/vllm-workspace/examples/online_serving/multi-node-serving.sh';

/** vLLM's arguments without the user's extra ones (which go last, after any multi-node flags). */
function vllmArgs(ctx: EngineArgsContext): string[] {
  return [
    '--model', ctx.modelRef,
    '--served-model-name', ctx.servedName,
    '--host', '0.0.0.0',
    '--port', String(ctx.profile.httpPort),
    '--tensor-parallel-size', String(ctx.tensorParallelSize),
    '--max-model-len', String(ctx.maxModelLen),
    '--gpu-memory-utilization', String(ctx.memoryUtilization ?? VLLM_DEFAULT_GPU_MEMORY_UTILIZATION),
    ...precisionArgs(ctx.precision),
    ...(ctx.revision ? ['--revision', ctx.revision] : []),
    // The Run:ai streamer reads safetensors straight from S3/GCS into GPU memory.
    ...(ctx.fromObjectStore ? ['--load-format', 'runai_streamer'] : []),
  ];
}

/**
 * One pod of a multi-node vLLM replica, as the LWS and vLLM docs run it (see
 * VLLM_MULTI_NODE_SCRIPT): the leader forms the Ray cluster of `LWS_GROUP_SIZE` nodes, then
 * serves with tensor parallelism within each node and pipeline parallelism across nodes on Ray
 * (`--distributed-executor-backend ray`; vllm `docs/serving/distributed_serving.md`: "the tensor
 * parallel size is the number of GPUs in each node, and the pipeline parallel size is the number
 * of nodes"); a worker joins the leader's Ray head and blocks. The leader waits for its workers as
 * long as its startup budget (`--ray_init_timeout`) and fails (`&&`) rather than start vLLM on a
 * partial cluster: LWS then recreates the group. The server's arguments stay separate argv
 * entries (`exec "$@"`), never pasted into the shell string.
 */
function vllmMultiNodeCommand(role: GroupRole, ctx: MultiNodeArgsContext): ContainerCommand {
  if (role === 'worker') {
    return { command: ['/bin/sh', '-c', `exec bash ${VLLM_MULTI_NODE_SCRIPT} worker --ray_address=$(LWS_LEADER_ADDRESS) --ray_init_timeout=${ctx.groupFormSeconds}`] };
  }
  return {
    command: ['/bin/sh', '-c', `bash ${VLLM_MULTI_NODE_SCRIPT} leader --ray_cluster_size=$(LWS_GROUP_SIZE) --ray_init_timeout=${ctx.groupFormSeconds} && exec "$@"`, 'vllm-leader'],
    args: [
      'python3', '-m', 'vllm.entrypoints.openai.api_server',
      ...vllmArgs(ctx),
      '--pipeline-parallel-size', String(ctx.pipelineParallelSize),
      '--distributed-executor-backend', 'ray',
      ...ctx.extraArgs,
    ],
  };
}

/** vLLM's OpenAI-compatible server (`vllm/vllm-openai`, whose entrypoint is the API server). */
export const VLLM_DRIVER: EngineDriver = {
  kind: EngineKind.VLLM,
  displayName: 'vLLM',
  defaultVersion: '0.9.2',
  // Release tags: vllm-project/vllm tags `v0.9.2`, `v0.8.5.post1`.
  // Checked through 0.11.x: metric names (loggers.py), image entrypoint and flags (docker/Dockerfile),
  // object stores (runai streamer), at the tags listed in docs/engines.md.
  versions: { pattern: /^\d+\.\d+\.\d+(\.post\d+)?$/, example: '0.9.2', oldest: '0.8.0', newestChecked: '0.11' },
  profile: version => ({
    kind: EngineKind.VLLM,
    version,
    image: `vllm/vllm-openai:v${version}`,
    httpPort: 8000,
    metricsPort: 8000,
    metricsPath: '/metrics',
    // vLLM's API server binds only after the engine has loaded the weights, so /health
    // cannot pass early (the KServe failure mode of a health endpoint that answers mid-load).
    healthPath: '/health',
    readyPath: '/health',
    modelLabel: 'model_name',
    // The OpenAI API is served under /v1 (vllm `vllm/entrypoints/openai/api_server.py` v0.9.2:
    // `@router.post("/v1/chat/completions")`, `/v1/completions`, `/v1/models`, `/v1/embeddings`).
    apiPathPrefix: '/v1',
    metrics: vllmMetrics(version),
  }),
  // The CUDA image's entrypoint is the OpenAI server (`python3 -m vllm.entrypoints.openai.api_server`
  // to v0.11.0, `vllm serve` from v0.11.1; both take `--model`: docker/Dockerfile, target vllm-openai).
  // The ROCm builds (`docker/Dockerfile.rocm`, stage `final`, v0.9.2 L113 / v0.11.0 L119; the
  // `rocm/vllm` images of ROCm/vllm) end with `CMD ["/bin/bash"]` and no entrypoint: name the server.
  command: (_profile, target) => (target.vendor === GpuVendor.AMD ? ['python3', '-m', 'vllm.entrypoints.openai.api_server'] : undefined),
  args: ctx => [...vllmArgs(ctx), ...ctx.extraArgs],
  // Usage statistics are sent to vLLM's collector unless turned off (vllm `vllm/usage/usage_lib.py`).
  // USER: uid 1000 has no /etc/passwd entry in the image, and torch's inductor cache dir calls
  // getpass.getuser(), which reads USER first and otherwise fails (`getpwuid(): uid not found`) at
  // start-up in vLLM 0.22+ (vllm-project/vllm#44548, open; the workaround llm-d-benchmark#1573 uses).
  env: () => ({ VLLM_NO_USAGE_STATS: '1', DO_NOT_TRACK: '1', USER: 'vllm' }),
  capabilities: profile => ({
    rendersModelArgs: true,
    // The Run:ai streamer reads s3:// in every image; gs:// needs runai-model-streamer[gcs], which
    // the image installs from v0.11.1 (docker/Dockerfile, #26464; v0.10.2-v0.11.0 only via pip vllm[runai]).
    objectStores: compareVersions(profile.version, VLLM_GCS_STREAMER) >= 0 ? ['s3', 'gs'] : ['s3'],
    objectStoreFactory: 'Runtime.vllm() (Run:ai streamer; gs:// from 0.11.1)',
    publicImageVendors: [GpuVendor.NVIDIA],
    multiNode: VLLM_MULTI_NODE,
  }),
  // Source: vllm `vllm/v1/metrics/loggers.py` time_to_first_token_seconds buckets, identical v0.9.0-v0.19.1.
  ttftBuckets: [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80, 160, 640, 2560],
  kvCacheBudget: vllmKvCacheBudget,
  describe: p => `${p.kind} ${p.version}`,
  multiNodeCommand: vllmMultiNodeCommand,
};

