import { Problems } from '../errors';
import { Routing, RoutingKind } from './routing';
import { Runtime } from './runtime';
import { checkDns1123Subdomain } from '../private/api-rules';

/**
 * Checks a service's routing: the options' own rules, an engine the endpoint picker can read, and
 * adapter names that can name an InferenceObjective (a DNS-1123 subdomain).
 */
export function checkRouting(problems: Problems, routing: Routing | undefined, runtime: Runtime, adapterNames: readonly string[]): void {
  if (!routing || routing.kind !== RoutingKind.INFERENCE_POOL) return;
  for (const p of routing._problems()) problems.add(`routing.${p.property}`, p.value, p.reason, p.fix);
  const caps = runtime.capabilities;
  if (!caps.endpointPicker) {
    problems.add('routing', 'Routing.inferencePool()',
      `the endpoint picker cannot route to ${runtime}: ${caps.refusesEndpointPicker ?? 'it reads queue and KV-cache metrics only vLLM and SGLang export under names it knows (llm-d-router v0.10.0 core-metrics-extractor)'}`,
      caps.refusesEndpointPicker
        ? 'use a newer release of the engine (vLLM 0.9.2 or newer), or Routing.service()'
        : 'use Runtime.vllm() or Runtime.sglang() behind an InferencePool, or keep Routing.service() for this engine');
  } else if (runtime.profile.metricsPort !== runtime.profile.httpPort) {
    problems.add('routing', 'Routing.inferencePool()', `the endpoint picker scrapes metrics on the pool's target port (${runtime.profile.httpPort}), and ${runtime} serves them on ${runtime.profile.metricsPort}`,
      'use Routing.service() for this runtime');
  }
  // With an InferencePool each adapter gets an InferenceObjective named after it.
  adapterNames.forEach((name, i) => checkDns1123Subdomain(problems, `adapters[${i}]`, name));
}
