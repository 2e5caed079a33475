import { ENGINE_DRIVERS, LoraSupport } from '../engines';
import { Problems } from '../errors';
import { LoraAdapter, LoraAdapterSourceKind } from './lora-adapter';
import { Model } from './model';
import { ModelServiceProps } from './props';
import { Runtime } from './runtime';
import { LoraBufferShape, loraAdapterFileGiB } from '../planning/lora-memory';
import { checkConfigMapKey, checkDns1123Label, checkDns1123Subdomain } from '../private/api-rules';

/** Where adapters downloaded before start-up are kept, inside the model cache (`/model-cache`). */
export const LORA_CACHE_DIR = '/model-cache/lora';
/** Where the claims of volume adapters are mounted, read-only, one directory per claim. */
export const LORA_VOLUME_MOUNT = '/lora-volumes';

/** The largest rank an engine accepts when the user gives none and no adapter states its rank: vLLM's default (`LoRAConfig.max_lora_rank`, v0.9.2). */
export const DEFAULT_MAX_LORA_RANK = 16;

/** GiB one adapter is assumed to take in the cache when the base model's shape is unknown. */
const UNKNOWN_ADAPTER_GIB = 1;

/** One adapter as the pod serves it. */
export interface PlannedAdapter {
  readonly adapter: LoraAdapter;
  /** Served model name. */
  readonly name: string;
  /** Directory of the adapter in the server container. */
  readonly path: string;
  /** Index of the claim among the volume adapters' distinct claims, for volume adapters. */
  readonly volumeIndex?: number;
  /** Whether an init container downloads it into the model cache. */
  readonly downloaded: boolean;
}

/** What was decided about a service's LoRA adapters. */
export interface LoraPlan {
  /** In declaration order. */
  readonly adapters: readonly PlannedAdapter[];
  /** Claims of volume adapters, each mounted once at `${LORA_VOLUME_MOUNT}/<index>`. */
  readonly claims: readonly string[];
  readonly maxLoras: number;
  readonly maxLoraRank: number;
  /** The GPU buffers the engine preallocates (the planner adds them to each GPU's account). */
  readonly buffers: LoraBufferShape;
  /** GiB the downloaded adapters add to the model cache. */
  readonly cacheGiB: number;
  /** Lines for the plan's notes. */
  readonly notes: readonly string[];
}

/**
 * Checks the adapters and LoRA limits of a service and decides names, paths and limits. Records
 * every problem; returns a plan only when the adapters are usable (undefined without adapters).
 */
export function resolveLora(problems: Problems, props: ModelServiceProps, runtime: Runtime, model: Model): LoraPlan | undefined {
  const adapters = props.adapters ?? [];
  const options = props.lora ?? {};
  if (adapters.length === 0) {
    if (props.lora !== undefined) {
      problems.add('lora', props.lora, 'LoRA limits without adapters: the engine would serve no adapter', 'add adapters: [LoraAdapter.huggingFace("org/adapter", { revision })], or remove lora');
    }
    return undefined;
  }
  const before = problems.list.length;
  const support = runtime.capabilities.lora;
  if (!support) {
    const engines = Object.values(ENGINE_DRIVERS).filter(d => d.capabilities(d.profile(d.defaultVersion)).lora !== undefined).map(d => `Runtime.${d.kind}()`);
    problems.add('adapters', adapters.map(a => a?.name), `${runtime.kind} serves no LoRA adapters through modelship (it renders no LoRA flags for it)`,
      `use ${engines.join(' or ')}, or serve each fine-tune as its own ModelService${runtime.understandsModels ? '' : ' (or pass your server\'s own LoRA flags in its args)'}`);
    return undefined;
  }

  const names = new Map<string, number>();
  adapters.forEach((adapter, i) => {
    const at = `adapters[${i}]`;
    // Served names go into requests (`model`), into `name=path` flags, and into the names of an
    // InferencePool's InferenceObjectives: DNS-1123 labels fit all three.
    if (checkDns1123Label(problems, `${at}.name`, adapter.name)) {
      const first = names.get(adapter.name);
      if (first !== undefined) {
        problems.add(`${at}.name`, adapter.name, `adapters[${first}] has the same name: a request for "${adapter.name}" could reach either`, 'give every adapter its own name: LoraAdapter.huggingFace(id, { name: "..." })');
      } else {
        names.set(adapter.name, i);
      }
      if (adapter.name === model.servedName) {
        problems.add(`${at}.name`, adapter.name, `the base model is served under the same name: requests for "${adapter.name}" would be ambiguous`, 'give the adapter another name, or the model another servedName');
      }
    }
    if (adapter.rank !== undefined && !(Number.isInteger(adapter.rank) && adapter.rank >= 1)) {
      problems.add(`${at}.rank`, adapter.rank, 'must be a whole number >= 1 (the `r` of the adapter\'s adapter_config.json)', 'copy r from adapter_config.json, or leave rank out');
    }
    checkSource(problems, at, adapter, support);
  });

  const maxLoras = options.maxLoras ?? adapters.length;
  if (!(Number.isInteger(maxLoras) && maxLoras >= 1)) {
    problems.add('lora.maxLoras', maxLoras, 'must be a whole number >= 1', `use maxLoras: ${adapters.length} (one slot per adapter), or leave it out`);
  } else if (adapters.length > maxLoras) {
    problems.add('lora.maxLoras', maxLoras,
      `${adapters.length} adapters are declared but one batch holds at most ${maxLoras}: requests for the others would wait while the engine swaps adapters in and out of its ${maxLoras} GPU slot${maxLoras === 1 ? '' : 's'}`,
      `raise maxLoras to ${adapters.length} (each slot costs GPU memory, shown in the plan), or serve fewer adapters per service`);
  }

  const ranks = adapters.map(a => a.rank).filter((r): r is number => typeof r === 'number' && Number.isInteger(r) && r >= 1);
  const largest = ranks.length > 0 ? Math.max(...ranks) : undefined;
  const maxLoraRank = options.maxLoraRank ?? defaultRank(largest, support);
  const choices = support.rankChoices;
  if (!(Number.isInteger(maxLoraRank) && maxLoraRank >= 1)) {
    problems.add('lora.maxLoraRank', maxLoraRank, 'must be a whole number >= 1', `use e.g. maxLoraRank: ${DEFAULT_MAX_LORA_RANK}`);
  } else if (choices && !choices.includes(maxLoraRank)) {
    const up = choices.find(c => c >= maxLoraRank);
    problems.add('lora.maxLoraRank', maxLoraRank, `${runtime.driver.displayName} accepts only ${choices.join(', ')} as its largest LoRA rank`,
      up !== undefined ? `use maxLoraRank: ${up}` : `use maxLoraRank: ${choices[choices.length - 1]} and adapters of at most that rank`);
  } else {
    adapters.forEach((a, i) => {
      if (a.rank !== undefined && a.rank > maxLoraRank) {
        const up = choices ? choices.find(c => c >= a.rank!) : a.rank;
        const effect = support.rankFlag ? 'the engine refuses to load the adapter' : 'the plan\'s LoRA buffer estimate would be too small';
        problems.add(`adapters[${i}].rank`, a.rank, `is above lora.maxLoraRank (${maxLoraRank}): ${effect}`,
          up !== undefined ? `raise lora.maxLoraRank to ${up}, or leave it out (it then covers every adapter)` : `use an adapter of rank <= ${choices![choices!.length - 1]}`);
      }
    });
  }
  if (problems.list.length > before) return undefined;

  const claims: string[] = [];
  const planned = adapters.map((adapter): PlannedAdapter => {
    if (adapter.source === LoraAdapterSourceKind.VOLUME) {
      let index = claims.indexOf(adapter.claimName!);
      if (index < 0) index = claims.push(adapter.claimName!) - 1;
      const sub = (adapter.volumePath ?? '').replace(/^\/+|\/+$/g, '');
      return { adapter, name: adapter.name, path: `${LORA_VOLUME_MOUNT}/${index}${sub ? `/${sub}` : ''}`, volumeIndex: index, downloaded: false };
    }
    return { adapter, name: adapter.name, path: `${LORA_CACHE_DIR}/${cacheKey(adapter)}`, downloaded: true };
  });
  const downloaded = planned.filter(p => p.downloaded).map(p => p.adapter);
  const spec = model.spec;
  const cacheGiB = downloaded.reduce((sum, a) => sum + (spec ? loraAdapterFileGiB(spec, a.rank ?? maxLoraRank) : UNKNOWN_ADAPTER_GIB), 0);
  const buffers = support.buffers(maxLoras, maxLoraRank);
  return {
    adapters: planned,
    claims,
    maxLoras,
    maxLoraRank,
    buffers,
    cacheGiB,
    notes: [
      `serves ${planned.length} LoRA adapter${planned.length === 1 ? '' : 's'} (${planned.map(p => p.adapter.toString()).join(', ')}); ${buffers.basis}${ranks.length < adapters.length ? `; adapters without a rank are assumed to be of rank ${maxLoraRank}` : ''}`,
      ...support.notes,
      ...(spec ? [] : [`the shape of ${model.id} is unknown, so the LoRA buffers are not in the memory plan; give the model spec to count them`]),
    ],
  };
}

/** The smallest rank the engine accepts that covers the largest adapter, else its default. */
function defaultRank(largest: number | undefined, support: LoraSupport): number {
  if (largest === undefined) return DEFAULT_MAX_LORA_RANK;
  const choices = support.rankChoices;
  if (!choices) return largest;
  return choices.find(c => c >= largest) ?? largest;
}

/**
 * Directory of a downloaded adapter under LORA_CACHE_DIR, keyed by source and revision (not by
 * served name): a canary serving another revision under the same name downloads beside it.
 */
function cacheKey(adapter: LoraAdapter): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_');
  if (adapter.source === LoraAdapterSourceKind.HUGGING_FACE) {
    return `hf/${adapter.id.split('/').map(safe).join('--')}/${adapter.revision ? safe(adapter.revision) : '_default'}`;
  }
  return `s3/${adapter.id.replace(/^s3:\/\//, '').replace(/\/+$/, '').split('/').map(safe).join('/')}`;
}

function checkSource(problems: Problems, at: string, adapter: LoraAdapter, support: LoraSupport): void {
  switch (adapter.source) {
    case LoraAdapterSourceKind.HUGGING_FACE:
      if (!/^[A-Za-z0-9][\w.-]*\/[\w.-]+$/.test(adapter.id)) {
        problems.add(`${at}.id`, adapter.id, 'not a Hugging Face repository id (owner/name)', 'use e.g. LoraAdapter.huggingFace("algoprog/mimics-query-lora")');
      }
      if (adapter.revision !== undefined && !/^[\w./-]+$/.test(adapter.revision)) {
        problems.add(`${at}.revision`, adapter.revision, 'not a git revision (a commit, branch or tag)', 'use a commit hash, e.g. revision: "3a1f0c2"');
      }
      if (!support.fetch.huggingFace) {
        problems.add(at, adapter.id, 'this engine\'s image cannot download Hugging Face adapters', 'copy the adapter to a volume and use LoraAdapter.fromVolume({ claimName, path })');
      }
      if (adapter.tokenSecret) {
        checkDns1123Subdomain(problems, `${at}.tokenSecret.name`, adapter.tokenSecret.name);
        if (adapter.tokenSecret.key !== undefined) checkConfigMapKey(problems, `${at}.tokenSecret.key`, adapter.tokenSecret.key);
      }
      return;
    case LoraAdapterSourceKind.OBJECT_STORE: {
      const scheme = /^([a-z0-9]+):\/\/[^/]+/.exec(adapter.id)?.[1];
      if (scheme === undefined) {
        problems.add(`${at}.id`, adapter.id, 'an object store adapter must be a URI with a bucket (s3://bucket/path)', 'use e.g. LoraAdapter.fromObjectStore("s3://my-bucket/adapters/support", { name: "support" })');
      } else if (!support.fetch.objectStores.some(s => s === scheme)) {
        const readable = support.fetch.objectStores.map(s => `${s}://`).join(', ');
        problems.add(`${at}.id`, adapter.id, `this engine's image cannot copy adapters from ${scheme}:// (${readable ? `it reads ${readable}` : 'it has no object store client modelship relies on'})`,
          'copy the adapter to a volume and use LoraAdapter.fromVolume({ claimName, path })' + (readable ? `, or keep it in ${readable}` : ''));
      }
      if (adapter.credentialsSecret !== undefined) checkDns1123Subdomain(problems, `${at}.credentialsSecret`, adapter.credentialsSecret);
      return;
    }
    case LoraAdapterSourceKind.VOLUME:
      checkDns1123Subdomain(problems, `${at}.claimName`, adapter.claimName);
      if (adapter.volumePath !== undefined && adapter.volumePath.split('/').includes('..')) {
        problems.add(`${at}.path`, adapter.volumePath, 'must stay inside the volume (no ".." segments)', 'give the adapter\'s directory relative to the volume root, e.g. "support"');
      } else if (adapter.volumePath !== undefined && /[=,]/.test(adapter.volumePath)) {
        // vLLM reads `name=path` only without a ',' (else JSON) and splits on every '=' (cli_args.py v0.9.2 L46-47).
        problems.add(`${at}.path`, adapter.volumePath, 'contains "=" or ",", which the engine\'s name=path flag cannot carry', 'rename the directory on the volume without "=" and ","');
      }
      return;
  }
}
