import { createHash } from 'crypto';
import { EngineMetrics } from '../engines';
import { ModelService } from '../model-service';

/**
 * Services whose engines export the same metric names: they share one set of recording
 * rules. Engines differ by kind and by version (vLLM 0.9 renamed its KV-cache and inter-token
 * metrics), so the group is the rendered metric map, not the engine kind.
 */
export interface EngineGroup {
  /**
   * `<engine kind>-<first 10 hex of the SHA-256 of the metric map>`, e.g. `vllm-3f2a9c1d0b`.
   * It depends only on the metric names, so adding a service or bumping a version that keeps
   * the names leaves it unchanged.
   */
  readonly key: string;
  /** Engine kind of every member (`vllm`, `sglang`, ...). */
  readonly kind: string;
  /** The metric names every member exports. */
  readonly metrics: EngineMetrics;
  /** Engine versions of the members, sorted, for descriptions. */
  readonly versions: readonly string[];
  /** Members, in the order they were given. */
  readonly services: readonly ModelService[];
}

/** JSON with object keys sorted at every level: equal maps render equal text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter(k => obj[k] !== undefined).sort();
  return `{${keys.map(k => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

/** The group key of an engine kind and its metric map (see {@link EngineGroup.key}). */
export function engineGroupKey(kind: string, metrics: EngineMetrics): string {
  const hash = createHash('sha256').update(canonicalJson(metrics)).digest('hex').slice(0, 10);
  return `${kind}-${hash}`;
}

/** Groups services by engine kind and metric map; groups sorted by key, so output is stable. */
export function groupByEngineMetrics(services: readonly ModelService[]): EngineGroup[] {
  const groups = new Map<string, { kind: string; metrics: EngineMetrics; versions: Set<string>; services: ModelService[] }>();
  for (const svc of services) {
    const key = engineGroupKey(svc.engine.kind, svc.metrics);
    let g = groups.get(key);
    if (!g) {
      g = { kind: svc.engine.kind, metrics: svc.metrics, versions: new Set(), services: [] };
      groups.set(key, g);
    }
    g.versions.add(svc.engine.version);
    g.services.push(svc);
  }
  return [...groups.keys()].sort().map(key => {
    const g = groups.get(key)!;
    return { key, kind: g.kind, metrics: g.metrics, versions: [...g.versions].sort(), services: g.services };
  });
}
