import { show, ValidationError } from '../errors';
import { describeValue, factoryOptions } from '../private/prop-guards';

/** How requests reach a service's replicas. */
export enum RoutingKind {
  /** A Kubernetes Service: kube-proxy or the Gateway spreads requests over ready pods. */
  SERVICE = 'service',
  /** A Gateway API Inference Extension InferencePool, with an endpoint picker choosing the replica. */
  INFERENCE_POOL = 'inference-pool',
}

/**
 * What the Gateway does when the endpoint picker does not answer (InferencePool
 * `spec.endpointPickerRef.failureMode`, Gateway API Inference Extension v1.6.0 CRD).
 */
export enum EndpointPickerFailureMode {
  /** Requests still reach a replica, picked by the Gateway without the picker's scores. */
  FAIL_OPEN = 'FailOpen',
  /** Requests fail: with the picker down the model is down. */
  FAIL_CLOSE = 'FailClose',
}

/**
 * Weights of the endpoint picker's scorers (llm-d-router `EndpointPickerConfig`,
 * `schedulingProfiles[].plugins[].weight`). A weight of 0 leaves the scorer out.
 */
export interface ScorerWeights {
  /** `queue-scorer`: prefers replicas with fewer waiting requests. @default 2 */
  readonly queue?: number;
  /** `kv-cache-utilization-scorer`: prefers replicas with free KV cache. @default 2 */
  readonly kvCacheUtilization?: number;
  /** `prefix-cache-scorer`: prefers the replica that likely holds the prompt's prefix in its KV cache. @default 3 */
  readonly prefixCache?: number;
  /** `lora-affinity-scorer`: prefers replicas that have the requested LoRA adapter loaded (vLLM). @default 0 (off) */
  readonly loraAffinity?: number;
}

/** The endpoint picker's own pod. */
export interface EndpointPickerOptions {
  /**
   * Image of the endpoint picker (a mirror of the pinned one).
   * @default 'ghcr.io/llm-d/llm-d-router-endpoint-picker:v0.10.0'
   */
  readonly image?: string;
  /** CPU cores requested. @default 8 (llm-d-router chart values, v0.10.0) */
  readonly cpu?: number;
  /** Memory requested in GiB; the limit is twice this. @default 8 (llm-d-router chart values, v0.10.0) */
  readonly memoryGiB?: number;
}

/** Options of `Routing.inferencePool()`. */
export interface InferencePoolRoutingOptions {
  /** The endpoint picker's pod. @default - the pinned image, 8 CPUs, 8 GiB */
  readonly endpointPicker?: EndpointPickerOptions;
  /** Scorer weights. @default { queue: 2, kvCacheUtilization: 2, prefixCache: 3 } (llm-d-router's default profile) */
  readonly scorers?: ScorerWeights;
  /**
   * What the Gateway does when the picker is down.
   * @default EndpointPickerFailureMode.FAIL_OPEN (llm-d-router chart values, v0.10.0)
   */
  readonly failureMode?: EndpointPickerFailureMode;
}

/** Default scorer weights: llm-d/llm-d-router `config/charts/routerlib/templates/_config.yaml`, v0.10.0, profile `default`. */
export const DEFAULT_SCORER_WEIGHTS: Required<ScorerWeights> = { queue: 2, kvCacheUtilization: 2, prefixCache: 3, loraAffinity: 0 };

/** Largest scorer weight modelship accepts (whole numbers; the picker reads a float64). */
export const MAX_SCORER_WEIGHT = 100;

/** A problem with the routing options, before a construct path is known. */
export interface RoutingOptionProblem {
  readonly property: string;
  readonly value: unknown;
  readonly reason: string;
  readonly fix: string;
}

/**
 * How requests reach a ModelService's replicas.
 *
 * - `Routing.service()` (default): the Service; a Gateway route sends to it and the requests are
 *   spread blind to each replica's queue and cache.
 * - `Routing.inferencePool()`: an InferencePool (`inference.networking.k8s.io/v1`) selecting the
 *   service's pods, and an endpoint picker (llm-d-router EPP) that the Gateway asks, per request,
 *   which replica to use, scored on queue depth, KV-cache use and prefix-cache affinity. The
 *   route's backend becomes the InferencePool. Needs a Gateway that implements the Inference
 *   Extension and an engine whose metrics the picker reads (vLLM >= 0.9.2, SGLang).
 */
export class Routing {
  /** Plain Service routing (the default). */
  public static service(): Routing {
    return new Routing(RoutingKind.SERVICE, {});
  }

  /** An InferencePool with an endpoint picker. */
  public static inferencePool(options: InferencePoolRoutingOptions = {}): Routing {
    const o = factoryOptions('Routing.inferencePool', options, '{ failureMode: EndpointPickerFailureMode.FAIL_CLOSE }');
    for (const key of ['endpointPicker', 'scorers'] as const) {
      const v: unknown = o[key];
      if (v !== undefined && (v === null || typeof v !== 'object' || Array.isArray(v))) {
        throw new ValidationError([{ path: 'Routing.inferencePool', property: key, value: show(v), reason: `must be an object, got ${describeValue(v)}`, fix: key === 'scorers' ? 'pass e.g. { scorers: { queue: 2, kvCacheUtilization: 2, prefixCache: 3 } }' : 'pass e.g. { endpointPicker: { cpu: 4 } }' }]);
      }
    }
    return new Routing(RoutingKind.INFERENCE_POOL, {
      endpointPicker: o.endpointPicker ? { ...o.endpointPicker } : undefined,
      scorers: o.scorers ? { ...o.scorers } : undefined,
      failureMode: o.failureMode,
    });
  }

  private constructor(
    /** Which routing. */
    public readonly kind: RoutingKind,
    /** The options (inference pool only). */
    public readonly options: InferencePoolRoutingOptions,
  ) {}

  /** The scorer weights in effect (defaults filled in). */
  public get scorerWeights(): Required<ScorerWeights> {
    return { ...DEFAULT_SCORER_WEIGHTS, ...definedOnly(this.options.scorers ?? {}) };
  }

  /** The failure mode in effect. */
  public get failureMode(): EndpointPickerFailureMode {
    return this.options.failureMode ?? EndpointPickerFailureMode.FAIL_OPEN;
  }

  /**
   * What is wrong with the options.
   * @internal
   */
  public _problems(): RoutingOptionProblem[] {
    if (this.kind !== RoutingKind.INFERENCE_POOL) return [];
    const out: RoutingOptionProblem[] = [];
    const given = this.options.scorers ?? {};
    const known = Object.keys(DEFAULT_SCORER_WEIGHTS);
    for (const key of Object.keys(given)) {
      if (!known.includes(key)) {
        out.push({ property: `scorers.${key}`, value: (given as Record<string, unknown>)[key], reason: `not a scorer modelship configures (${known.join(', ')})`, fix: `use one of ${known.join(', ')}` });
      }
    }
    for (const key of known as (keyof ScorerWeights)[]) {
      const w: unknown = given[key];
      if (w === undefined) continue;
      if (typeof w !== 'number' || !Number.isInteger(w) || w < 0 || w > MAX_SCORER_WEIGHT) {
        out.push({ property: `scorers.${key}`, value: w, reason: `a scorer weight must be a whole number from 0 (scorer off) to ${MAX_SCORER_WEIGHT}`, fix: `use e.g. ${DEFAULT_SCORER_WEIGHTS[key] || 1}` });
      }
    }
    const weights = this.scorerWeights;
    if (out.length === 0 && Object.values(weights).every(w => w === 0)) {
      out.push({ property: 'scorers', value: given, reason: 'every scorer weight is 0: the picker would choose replicas at random, which is what a Service already does', fix: 'give at least one scorer a weight above 0, or use Routing.service()' });
    }
    const mode: unknown = this.options.failureMode;
    if (mode !== undefined && !Object.values(EndpointPickerFailureMode).includes(mode as EndpointPickerFailureMode)) {
      out.push({ property: 'failureMode', value: mode, reason: 'not a failure mode (FailOpen or FailClose)', fix: 'use EndpointPickerFailureMode.FAIL_OPEN or EndpointPickerFailureMode.FAIL_CLOSE' });
    }
    const epp = this.options.endpointPicker ?? {};
    const image: unknown = epp.image;
    if (image !== undefined && (typeof image !== 'string' || image.length === 0 || /\s/.test(image))) {
      out.push({ property: 'endpointPicker.image', value: image, reason: 'not an image reference', fix: 'give e.g. "registry.example.com/llm-d/llm-d-router-endpoint-picker:v0.10.0"' });
    }
    for (const [key, max] of [['cpu', 256], ['memoryGiB', 1024]] as const) {
      const v: unknown = epp[key];
      if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max)) {
        out.push({ property: `endpointPicker.${key}`, value: v, reason: `must be a whole number from 1 to ${max}`, fix: key === 'cpu' ? 'use e.g. 4' : 'use e.g. 8' });
      }
    }
    return out;
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
