import {
  compareVersions, EngineKind,
} from '../lib';
import { counterSelector, selector } from '../lib/engines/metrics';
import { engineProfile } from '../lib/engines/registry';

describe('engine metric names by version', () => {
  // Boundaries from vllm `vllm/v1/metrics/loggers.py`: kv_cache_usage_perc first in v0.9.2 (#18354),
  // inter_token_latency_seconds first in v0.10.2 (#24110); each row is the name every release of its
  // range exports by default.
  test.each([
    ['0.8.5', 'vllm:gpu_cache_usage_perc', 'vllm:time_per_output_token_seconds'],
    ['0.9.0', 'vllm:gpu_cache_usage_perc', 'vllm:time_per_output_token_seconds'],
    ['0.9.1', 'vllm:gpu_cache_usage_perc', 'vllm:time_per_output_token_seconds'],
    ['0.9.2', 'vllm:kv_cache_usage_perc', 'vllm:time_per_output_token_seconds'],
    ['0.10.1', 'vllm:kv_cache_usage_perc', 'vllm:time_per_output_token_seconds'],
    ['0.10.2', 'vllm:kv_cache_usage_perc', 'vllm:inter_token_latency_seconds'],
    ['0.11.0', 'vllm:kv_cache_usage_perc', 'vllm:inter_token_latency_seconds'],
  ])('vLLM %s', (version, kv, itl) => {
    const m = engineProfile(EngineKind.VLLM, version).metrics;
    expect(m.kvCacheUsage).toBe(kv);
    expect(m.interTokenLatency).toBe(itl);
    expect(m.queueDepth).toBe('vllm:num_requests_waiting');
  });

  test('TGI has no time-to-first-token metric', () => {
    expect(engineProfile(EngineKind.TGI).metrics.timeToFirstToken).toBeUndefined();
    expect(engineProfile(EngineKind.TGI).metrics.queueDepth).toBe('tgi_queue_size');
  });

  test.each([
    [EngineKind.VLLM, 8000, 8000, undefined],
    [EngineKind.SGLANG, 30000, 30000, undefined],
    [EngineKind.TGI, 8080, 9000, undefined],
    [EngineKind.TRITON, 8000, 8002, 8001],
  ] as const)('%s ports', (kind, http, metrics, grpc) => {
    const p = engineProfile(kind);
    expect([p.httpPort, p.metricsPort, p.grpcPort]).toEqual([http, metrics, grpc]);
  });

  // `--prometheus-port` exists from TGI 3.3.0 (launcher/src/main.rs, #3187); older launchers refuse it.
  test.each([['2.4.1', 8080], ['3.2.3', 8080], ['3.3.0', 9000], ['3.3.4', 9000]])('TGI %s serves metrics on port %s', (version, port) => {
    expect(engineProfile(EngineKind.TGI, version).metricsPort).toBe(port);
  });
});

describe('versions and selectors', () => {
  test.each([['0.10.0', '0.9.2', 1], ['0.9.0', '0.9.0', 0], ['v0.8.5', '0.9.0', -1], ['25.06', '24.12', 1]])('%s vs %s', (a, b, sign) => {
    expect(Math.sign(compareVersions(a, b))).toBe(sign);
  });
  test('selector sorts and escapes matchers', () => {
    expect(selector('m', { service: 'b', namespace: 'a"x' })).toBe('m{namespace="a\\"x",service="b"}');
    expect(counterSelector({ metric: 'http_requests_total', matchers: { status: '5xx' } }, { service: 's' })).toBe('http_requests_total{service="s",status="5xx"}');
    expect(counterSelector(engineProfile(EngineKind.VLLM).metrics.errors!, { service: 's' })).toBe('http_requests_total{handler=~"/v1/.*",service="s",status="5xx"}');
  });
});
