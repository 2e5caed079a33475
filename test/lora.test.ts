import { spawnSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Testing } from 'cdk8s';
import {
  Accelerator, LoraAdapter, Model, ModelService, ModelServiceProps, planMemory, Precision, Runtime,
} from '../lib';
import { expectValidationError } from './support/errors';
import { expectRestricted } from './support/pss';
import { expectSchemaValid } from './support/schema';
import { loraBufferItem, loraDimsPerLayer } from '../lib/planning/lora-memory';

const LLAMA_8B = 'meta-llama/Llama-3.1-8B-Instruct';
const GIB = 1024 ** 3;

const THREE = (): LoraAdapter[] => [
  LoraAdapter.huggingFace('acme/support-lora', { revision: '3a1f0c2', rank: 16, name: 'support' }),
  LoraAdapter.fromObjectStore('s3://acme-adapters/sql/v2/', { name: 'sql', rank: 8, credentialsSecret: 's3-creds' }),
  LoraAdapter.fromVolume({ claimName: 'adapters', path: 'legal', name: 'legal' }),
];

function service(props: Partial<ModelServiceProps> = {}): { svc: ModelService; objs: any[] } {
  const chart = Testing.chart();
  const svc = new ModelService(chart, 'llama', { model: Model.huggingFace(LLAMA_8B), accelerator: Accelerator.NVIDIA_L4, ...props });
  return { svc, objs: Testing.synth(chart) };
}

function podSpec(objs: any[]): any {
  return objs.find(o => o.kind === 'Deployment').spec.template.spec;
}

function after(args: string[], flag: string, n = 1): string[] {
  const i = args.indexOf(flag);
  expect(i).toBeGreaterThanOrEqual(0);
  return args.slice(i + 1, i + 1 + n);
}

describe('LoRA adapters: planner', () => {
  // Llama-3.1-8B: hidden 4096, 32 heads of 128, 8 KV heads, intermediate 14336, vocab 128256, 32 layers.
  // Per layer and unit of rank, A (in) + B (out) of each projection, one GPU:
  //   qkv: A 3 x 4096 = 12,288 + B (32 + 2 x 8) x 128 = 6,144 -> 18,432
  //   o: A 4096 + B 4096 -> 8,192; gate_up: A 2 x 4096 + B 2 x 14336 -> 36,864; down: A 14336 + B 4096 -> 18,432
  //   = 81,920. Embeddings (vLLM): (128256 + 256) + 4096 + 4096 + 128256 (already a multiple of 256) = 264,960.
  test.each([
    [1, 81920],
    // TP 2 splits B of qkv/gate_up and A of o/down: 12288 + 2048 + 1024 + 2048 + 4096 + 8192 + 14336 + 7168 + 4096.
    [2, 55296],
  ])('per-layer LoRA dimensions of Llama-3.1-8B at TP %i: %i', (tp, dims) => {
    const spec = Model.huggingFace(LLAMA_8B).spec!;
    expect(loraDimsPerLayer(spec, tp)).toBe(dims);
  });

  test('vLLM: 3 slots x rank 16, embeddings included, reduce the KV cache by exactly the buffers', () => {
    const adapters = [1, 2, 3].map(i => LoraAdapter.fromVolume({ claimName: 'adapters', path: `a${i}`, name: `a${i}`, rank: 16 }));
    const h100 = { accelerator: Accelerator.NVIDIA_H100_80GB };
    const base = service(h100).svc.plan;
    const lora = service({ ...h100, adapters }).svc.plan;
    expect([base.gpusPerReplica, lora.gpusPerReplica]).toEqual([1, 1]);
    // 3 x 16 x (32 x 81,920 + 264,960) + 3 x 2 x 256 x 4,096 = 138,547,200 + 6,291,456 = 144,838,656 elements x 2 B.
    const bytes = 289_677_312;
    const item = lora.memory!.budget.inside[lora.memory!.budget.inside.length - 1];
    expect(item.label).toBe('LoRA buffers ((3 adapters x rank 16 x (32 layers x 81,920 + embeddings 264,960) + 3 x 2 x 256 x 4,096) x 2 B)');
    expect(item.gib).toBeCloseTo(bytes / GIB, 12);
    expect(base.memory!.kvCacheGiBPerGpu - lora.memory!.kvCacheGiBPerGpu).toBeCloseTo(bytes / GIB, 9);
    expect(lora.memory!.requiredGiB - base.memory!.requiredGiB).toBeCloseTo(bytes / GIB, 9);
    // The arithmetic and the plan's why show it.
    expect(lora.why).toContain('- LoRA buffers ((3 adapters x rank 16');
    expect(lora.why).toContain('x 2 B) 0.3 GiB = KV cache');
    expect(base.why).not.toContain('LoRA');
    expect(lora.notes.join('\n')).toContain('vLLM preallocates LoRA buffers for --max-loras 3 x --max-lora-rank 16');
  });

  test('SGLang: one slot more for the base model, no embedding buffers', () => {
    const adapters = [1, 2, 3].map(i => LoraAdapter.fromVolume({ claimName: 'adapters', path: `a${i}`, name: `a${i}`, rank: 16 }));
    const plan = service({ adapters, runtime: Runtime.sglang(), accelerator: Accelerator.NVIDIA_H100_80GB }).svc.plan;
    expect(plan.gpusPerReplica).toBe(1);
    // 4 x 16 x 32 x 81,920 x 2 B = 335,544,320 B = 0.3125 GiB.
    const item = plan.memory!.budget.inside.find(i => i.label.startsWith('LoRA'))!;
    expect(item.label).toBe('LoRA buffers ((4 adapters x rank 16 x (32 layers x 81,920)) x 2 B)');
    expect(item.gib).toBe(0.3125);
    expect(plan.notes.join('\n')).toContain('--disable-radix-cache');
  });

  test('planMemory: an empty extra account changes nothing; an item is subtracted from the KV cache and shown', () => {
    const input = { model: Model.huggingFace(LLAMA_8B).spec!, precision: Precision.BF16, gpuMemoryGiB: 22, maxGpusPerNode: 8, maxModelLen: 8192 };
    const plain = planMemory(input);
    expect(planMemory({ ...input, extraInside: () => [] })).toEqual(plain);
    const withItem = planMemory({ ...input, extraInside: () => [{ label: 'LoRA buffers (test)', gib: 1.5 }] });
    expect(withItem.chosen!.gpus).toBe(plain.chosen!.gpus);
    expect(plain.chosen!.kvCacheGiBPerGpu - withItem.chosen!.kvCacheGiBPerGpu).toBeCloseTo(1.5, 12);
    expect(withItem.why).toContain('- LoRA buffers (test) 1.5 GiB = KV cache');
  });

  test('TP 2 on each GPU: the split dimensions', () => {
    const spec = Model.huggingFace(LLAMA_8B).spec!;
    const item = loraBufferItem(spec, 2, { slots: 1, rank: 8, embeddings: false, basis: '' });
    // 1 x 8 x 32 x 55,296 x 2 B = 28,311,552 B.
    expect(item.gib * GIB).toBeCloseTo(28_311_552, 3);
  });

  test('the model cache grows by the downloaded adapters (rank x layers x dims x 4 B each)', () => {
    const base = service().svc.plan;
    const { svc } = service({ adapters: THREE() });
    // support (rank 16): 16 x 32 x 81,920 x 4 B = 167,772,160 B; sql (rank 8): 83,886,080 B; legal is on a volume: 0.
    const adapters = (167_772_160 + 83_886_080) / GIB;
    expect(svc.plan.cacheSizeGiB).toBe(Math.ceil((base.downloadGiB! + adapters) * 1.1 + 10));
  });

  test('buffers too large to fit: refused, and the fix names the LoRA limits', () => {
    const adapters = [LoraAdapter.fromVolume({ claimName: 'ad', name: 'a' })];
    // 64 x 512 x 2,886,400 x 2 B = 176 GiB of buffers on each GPU: nothing fits.
    const [p] = expectValidationError(() => service({ adapters, lora: { maxLoras: 64, maxLoraRank: 512 } })).problems;
    expect(p.property).toBe('model');
    expect(p.reason).toContain('LoRA buffers ((64 adapters x rank 512');
    expect(p.fix).toContain('the LoRA buffers of lora.maxLoras 64 x maxLoraRank 512 count too');
  });

  test('a base model of unknown shape: no buffers in the plan, and a note that says so', () => {
    const { svc } = service({ model: Model.fromVolume({ claimName: 'weights' }), gpusPerReplica: 1, adapters: [LoraAdapter.huggingFace('acme/a', { name: 'a' })] });
    expect(svc.plan.memory).toBeUndefined();
    expect(svc.plan.notes.join('\n')).toContain('the shape of weights is unknown, so the LoRA buffers are not in the memory plan');
    // One GiB assumed per downloaded adapter in the cache: ceil((100 + 1) x 1.1 + 10).
    expect(svc.plan.cacheSizeGiB).toBe(122);
  });

  test('plans without adapters carry no LoRA field', () => {
    const { svc, objs } = service();
    expect(svc.plan.lora).toBeUndefined();
    expect(svc.adapterNames).toEqual([]);
    expect(podSpec(objs).initContainers).toBeUndefined();
    expect(podSpec(objs).containers[0].args.join(' ')).not.toContain('lora');
  });
});

describe('LoRA adapters: the pod', () => {
  const { svc, objs } = service({ adapters: THREE(), model: Model.huggingFace(LLAMA_8B, { tokenSecret: 'hf-token' }), runtime: Runtime.vllm({ extraArgs: ['--enable-prefix-caching'] }) });
  const spec = podSpec(objs);
  const server = spec.containers[0];

  test('adapterNames in declaration order', () => {
    expect(svc.adapterNames).toEqual(['support', 'sql', 'legal']);
  });

  test('vLLM flags: enable, limits, name=path per adapter, before the user\'s extra arguments', () => {
    const args: string[] = server.args;
    expect(args).toContain('--enable-lora');
    expect(after(args, '--max-loras')).toEqual(['3']);
    expect(after(args, '--max-lora-rank')).toEqual(['16']);
    expect(after(args, '--lora-modules', 3)).toEqual([
      'support=/model-cache/lora/hf/acme--support-lora/3a1f0c2',
      'sql=/model-cache/lora/s3/acme-adapters/sql/v2',
      'legal=/lora-volumes/0/legal',
    ]);
    expect(args[args.length - 1]).toBe('--enable-prefix-caching');
    expect(args.indexOf('--lora-modules')).toBeLessThan(args.indexOf('--enable-prefix-caching'));
  });

  test('downloads run before the server, in the server image, one init container per downloaded adapter', () => {
    const init = spec.initContainers;
    expect(init.map((c: any) => c.name)).toEqual(['fetch-lora-0', 'fetch-lora-1']);
    for (const c of init) {
      expect(c.image).toBe(server.image);
      expect(c.command).toEqual(['python3', '-c']);
      expect(c.volumeMounts.map((m: any) => m.mountPath).sort()).toEqual(['/model-cache', '/tmp']);
    }
    const [hf, s3] = init;
    expect(hf.args.slice(1)).toEqual(['acme/support-lora', '3a1f0c2', '/model-cache/lora/hf/acme--support-lora/3a1f0c2']);
    expect(hf.args[0]).toContain('snapshot_download(repo_id=sys.argv[1], revision=sys.argv[2] or None, local_dir=sys.argv[3])');
    // The model's token serves an adapter without its own, by reference.
    expect(hf.env.find((e: any) => e.name === 'HF_TOKEN')).toEqual({ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf-token', key: 'token' } } });
    expect(hf.env.find((e: any) => e.name === 'HF_HOME').value).toBe('/model-cache/huggingface');
    expect(s3.args.slice(1)).toEqual(['acme-adapters', 'sql/v2', '/model-cache/lora/s3/acme-adapters/sql/v2']);
    expect(s3.args[0]).toContain('boto3');
    expect(s3.envFrom).toEqual([{ secretRef: { name: 's3-creds' } }]);
    expect(s3.env.find((e: any) => e.name === 'HF_TOKEN')).toBeUndefined();
  });

  test('volume adapters: the claim mounted read-only in the server only', () => {
    expect(spec.volumes).toContainEqual({ name: 'lora-volume-0', persistentVolumeClaim: { claimName: 'adapters', readOnly: true } });
    expect(server.volumeMounts).toContainEqual({ name: 'lora-volume-0', mountPath: '/lora-volumes/0', readOnly: true });
  });

  test('schema-valid and Pod Security restricted (init containers included)', () => {
    expectSchemaValid(objs);
    expectRestricted(objs);
  });

  test('two adapters on one claim share one volume', () => {
    const two = service({ adapters: [LoraAdapter.fromVolume({ claimName: 'ad', path: 'x', name: 'x' }), LoraAdapter.fromVolume({ claimName: 'ad', name: 'y' })] }).objs;
    const s = podSpec(two);
    expect(s.volumes.filter((v: any) => v.name.startsWith('lora-volume'))).toHaveLength(1);
    expect(after(s.containers[0].args, '--lora-modules', 2)).toEqual(['x=/lora-volumes/0/x', 'y=/lora-volumes/0']);
  });

  test('SGLang flags: --lora-paths, --max-loras-per-batch adapters + 1, radix cache off', () => {
    const { objs: sg } = service({ runtime: Runtime.sglang(), adapters: [LoraAdapter.huggingFace('acme/support-lora', { name: 'support' }), LoraAdapter.fromVolume({ claimName: 'ad', name: 'legal' })] });
    const args: string[] = podSpec(sg).containers[0].args;
    expect(after(args, '--lora-paths', 2)).toEqual(['support=/model-cache/lora/hf/acme--support-lora/_default', 'legal=/lora-volumes/0']);
    expect(after(args, '--max-loras-per-batch')).toEqual(['3']);
    expect(args).toContain('--disable-radix-cache');
    expect(args).not.toContain('--enable-lora');
    expect(args).not.toContain('--max-lora-rank');
    expectSchemaValid(sg);
    expectRestricted(sg);
  });

  test('the default served name: the last segment, lowercased, other characters as "-"', () => {
    expect(LoraAdapter.huggingFace('Acme/Support_Bot.v2').name).toBe('support-bot-v2');
    expect(LoraAdapter.fromObjectStore('s3://b/adapters/sql/').name).toBe('sql');
    expect(LoraAdapter.fromVolume({ claimName: 'adapters' }).name).toBe('adapters');
  });
});

describe('LoRA adapters: bad input', () => {
  const one = () => [LoraAdapter.huggingFace('acme/support-lora', { name: 'support' })];
  const volLoraAt = (name: string, path: string) => LoraAdapter.fromVolume({ claimName: 'ad', path, name });
  const problems = (props: Partial<ModelServiceProps>) => expectValidationError(() => service(props)).problems;

  test.each([
    ['TGI', Runtime.tgi()],
    ['Triton', Runtime.triton()],
    ['a custom container', Runtime.custom({ image: 'registry.example.com/server:v1' })],
  ])('adapters on %s: refused, with the engines that serve them', (_name, runtime) => {
    const [p] = problems({ runtime, adapters: one(), ...(runtime.kind === 'triton' || runtime.kind === 'custom' ? { model: Model.fromVolume({ claimName: 'repo' }), gpusPerReplica: 1 } : {}) })
      .filter(x => x.property === 'adapters');
    expect(p.reason).toMatch(/serves no LoRA adapters/);
    expect(p.fix).toMatch(/Runtime\.vllm\(\) or Runtime\.sglang\(\)/);
    expect(p.path).toBe('test/llama');
  });

  test('more adapters than maxLoras: refused with the count to raise it to', () => {
    const adapters = ['a', 'b', 'c'].map(n => LoraAdapter.fromVolume({ claimName: 'ad', path: n, name: n }));
    const [p] = problems({ adapters, lora: { maxLoras: 2 } });
    expect(p.property).toBe('lora.maxLoras');
    expect(p.value).toBe('2');
    expect(p.reason).toMatch(/3 adapters are declared but one batch holds at most 2/);
    expect(p.fix).toMatch(/raise maxLoras to 3/);
  });

  test('duplicate names, and a name equal to the base model\'s served name', () => {
    const ps = problems({
      model: Model.huggingFace(LLAMA_8B, { servedName: 'llama' }),
      adapters: [LoraAdapter.huggingFace('acme/a', { name: 'support' }), LoraAdapter.huggingFace('acme/b', { name: 'support' }), LoraAdapter.fromVolume({ claimName: 'ad', name: 'llama' })],
    });
    expect(ps.map(p => `${p.property}: ${p.reason}`)).toEqual([
      'adapters[1].name: adapters[0] has the same name: a request for "support" could reach either',
      'adapters[2].name: the base model is served under the same name: requests for "llama" would be ambiguous',
    ]);
    for (const p of ps) expect(p.fix).toBeTruthy();
  });

  test('a rank above maxLoraRank, and a maxLoraRank vLLM does not accept', () => {
    const [rank] = problems({ adapters: [LoraAdapter.fromVolume({ claimName: 'ad', name: 'a', rank: 64 })], lora: { maxLoraRank: 32 } });
    expect(rank.property).toBe('adapters[0].rank');
    expect(rank.fix).toMatch(/raise lora.maxLoraRank to 64/);
    const [choice] = problems({ adapters: [LoraAdapter.fromVolume({ claimName: 'ad', name: 'a' })], lora: { maxLoraRank: 24 } });
    expect(choice.property).toBe('lora.maxLoraRank');
    expect(choice.reason).toMatch(/8, 16, 32, 64, 128, 256, 320, 512/);
    expect(choice.fix).toBe('use maxLoraRank: 32');
  });

  test('the default maxLoraRank covers the largest adapter (rank 40 -> 64)', () => {
    const { svc } = service({ adapters: [LoraAdapter.fromVolume({ claimName: 'ad', name: 'a', rank: 40 })] });
    expect(svc.plan.lora!.maxLoraRank).toBe(64);
  });

  test('names that are not DNS-1123 labels (they name InferenceObjectives and go into name=path flags)', () => {
    const ps = problems({ adapters: [LoraAdapter.huggingFace('acme/a', { name: 'Support_Bot' }), LoraAdapter.huggingFace('acme/b', { name: 'a=b' })] });
    expect(ps.map(p => p.property)).toEqual(['adapters[0].name', 'adapters[1].name']);
    expect(ps[0].fix).toMatch(/support-bot/);
  });

  test('sources the engine image cannot fetch: gs:// on vLLM, s3:// on SGLang', () => {
    const [gs] = problems({ adapters: [LoraAdapter.fromObjectStore('gs://b/a', { name: 'a' })] });
    expect(gs.property).toBe('adapters[0].id');
    expect(gs.fix).toMatch(/LoraAdapter.fromVolume/);
    const [s3] = problems({ runtime: Runtime.sglang(), adapters: [LoraAdapter.fromObjectStore('s3://b/a', { name: 'a' })] });
    expect(s3.property).toBe('adapters[0].id');
  });

  test('a volume path the name=path flag cannot carry', () => {
    const ps = problems({ adapters: [volLoraAt('a', 'x=y'), volLoraAt('b', 'x,y'), volLoraAt('c', '../x')] });
    expect(ps.map(p => p.property)).toEqual(['adapters[0].path', 'adapters[1].path', 'adapters[2].path']);
  });

  test('lora limits without adapters', () => {
    const [p] = problems({ lora: { maxLoras: 2 } });
    expect(p.property).toBe('lora');
  });

  test('JavaScript callers: wrong types are ValidationErrors naming the property', () => {
    const js = (props: any) => problems(props).map(p => p.property);
    expect(js({ adapters: 'acme/a' })).toEqual(['adapters']);
    expect(js({ adapters: [{ id: 'acme/a', name: 'a' }] })).toEqual(['adapters[0]']);
    expect(js({ adapters: one(), lora: { maxLoras: '3' } })).toEqual(['lora.maxLoras']);
    expect(js({ adapters: [LoraAdapter.huggingFace('acme/a', { name: 'a', rank: '16' as any })] })).toEqual(['adapters[0].rank']);
    expect(js({ adapters: [LoraAdapter.fromVolume({} as any)] })).toEqual(['adapters[0].id']);
    expect(() => LoraAdapter.huggingFace('acme/a', 'main' as any)).toThrow(/options of LoraAdapter.huggingFace must be an object/);
  });
});

/**
 * The init containers' download scripts, run by a real Python against stand-ins of
 * `huggingface_hub.snapshot_download` and `boto3` that record what they are asked (the images'
 * libraries are not here): the arguments reach the libraries as the flags expect them, and an empty
 * S3 prefix fails the pod. Needs python3; skips loudly without it, fails under CI.
 */
describe('LoRA adapters: the download scripts under Python', () => {
  const python = spawnSync('python3', ['--version']).status === 0;
  if (!python) {
    if (process.env.CI) throw new Error('python3 is required under CI for the LoRA download script tests');
    // eslint-disable-next-line no-console
    console.warn('!!! python3 not found: SKIPPING the LoRA download script tests');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'lora-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'stubs', 'huggingface_hub'), { recursive: true });
  mkdirSync(join(dir, 'stubs', 'boto3'), { recursive: true });
  writeFileSync(join(dir, 'stubs', 'huggingface_hub', '__init__.py'), [
    'import json, os',
    'def snapshot_download(**kw):',
    "    open(os.environ['RECORD'], 'w').write(json.dumps(kw))",
  ].join('\n'));
  writeFileSync(join(dir, 'stubs', 'boto3', '__init__.py'), [
    'import json, os',
    'class _Pages:',
    '    def paginate(self, Bucket, Prefix):',
    "        keys = json.loads(os.environ['KEYS'])",
    "        yield {'Contents': [{'Key': k} for k in keys[:2] if k.startswith(Prefix)]}",
    "        yield {'Contents': [{'Key': k} for k in keys[2:] if k.startswith(Prefix)]}",
    'class _Client:',
    '    def get_paginator(self, name):',
    "        assert name == 'list_objects_v2'",
    '        return _Pages()',
    '    def download_file(self, bucket, key, path):',
    "        open(path, 'w').write(bucket + ':' + key)",
    'def client(name):',
    "    assert name == 's3'",
    '    return _Client()',
  ].join('\n'));

  const { objs } = service({
    adapters: [
      LoraAdapter.huggingFace('acme/support-lora', { name: 'support', revision: '3a1f0c2' }),
      LoraAdapter.huggingFace('acme/legal-lora', { name: 'legal' }),
      LoraAdapter.fromObjectStore('s3://acme-adapters/sql/v2/', { name: 'sql' }),
    ],
  });
  const init = podSpec(objs).initContainers;
  const run = (c: any, env: Record<string, string>, dest: string) => spawnSync(c.command[0], [...c.command.slice(1), ...c.args.slice(0, -1), dest], {
    env: { PATH: process.env.PATH, PYTHONPATH: join(dir, 'stubs'), ...env }, encoding: 'utf8',
  });

  test('Hugging Face: repository, revision (none: the default branch) and directory', () => {
    const record = join(dir, 'hf.json');
    const pinned = run(init[0], { RECORD: record }, join(dir, 'support'));
    expect(pinned.stderr).toBe('');
    expect(JSON.parse(readFileSync(record, 'utf8'))).toEqual({ repo_id: 'acme/support-lora', revision: '3a1f0c2', local_dir: join(dir, 'support') });
    expect(run(init[1], { RECORD: record }, join(dir, 'legal')).status).toBe(0);
    expect(JSON.parse(readFileSync(record, 'utf8'))).toEqual({ repo_id: 'acme/legal-lora', revision: null, local_dir: join(dir, 'legal') });
  });

  test('S3: every object under the prefix, by its relative path; "directories" skipped', () => {
    const keys = ['sql/v2/adapter_config.json', 'sql/v2/', 'sql/v2/sub/adapter_model.safetensors', 'sql/v20/other', 'other/x'];
    const dest = join(dir, 'sql');
    const r = run(init[2], { KEYS: JSON.stringify(keys) }, dest);
    expect(r.stderr).toBe('');
    expect(readFileSync(join(dest, 'adapter_config.json'), 'utf8')).toBe('acme-adapters:sql/v2/adapter_config.json');
    expect(readFileSync(join(dest, 'sub', 'adapter_model.safetensors'), 'utf8')).toBe('acme-adapters:sql/v2/sub/adapter_model.safetensors');
    expect(existsSync(join(dest, 'other'))).toBe(false);
  });

  test('S3: an empty prefix fails the init container (the server would start without the adapter)', () => {
    const r = run(init[2], { KEYS: JSON.stringify(['other/x']) }, join(dir, 'none'));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('no objects under s3://acme-adapters/sql/v2/');
  });
});
