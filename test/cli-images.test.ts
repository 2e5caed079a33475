import { readFileSync, rmSync } from 'fs';
import { join } from 'path';
import Ajv2020 from 'ajv/dist/2020';
import { CDK8S_EXAMPLES } from './support/examples';
import { captured, readObjects, synthExampleDir, tempDir, writeObjects } from './support/synth-dirs';
import { ExitCode } from '../lib/cli/command';
import { main } from '../lib/cli/main';
import { PLAN_JSON, READABLE_SCHEMA_VERSIONS } from '../lib/cli/plan-file';
import { PLAN_JSON_FILE_NAME, PLAN_JSON_SCHEMA_VERSION } from '../lib/report/plan-json';

// `modelship images` and `modelship plan`, and plan.json (schema, determinism) on real synth outputs.

const root = join(__dirname, '..');
const dirs: string[] = [];
const outputs = new Map<string, string>();
beforeAll(() => {
  for (const name of CDK8S_EXAMPLES) {
    const dir = synthExampleDir(name);
    dirs.push(dir);
    outputs.set(name, dir);
  }
});
afterAll(() => dirs.forEach(d => rmSync(d, { recursive: true, force: true })));

function run(...argv: string[]): { code: ExitCode; out: string; err: string } {
  const c = captured(root);
  const code = main(argv, c);
  return { code, out: c.stdout.join('\n'), err: c.stderr.join('\n') };
}

/** Images by the kinds' documented paths, written out per kind: the expectation, independent of the command's shape-based search. */
function imagesByKnownPaths(objects: any[]): string[] {
  const out = new Set<string>();
  for (const o of objects) {
    const specs: any[] = [];
    if (['Deployment', 'DaemonSet', 'StatefulSet', 'Job', 'Rollout', 'ReplicaSet'].includes(o.kind)) specs.push(o.spec.template?.spec);
    if (o.kind === 'CronJob') specs.push(o.spec.jobTemplate.spec.template.spec);
    if (o.kind === 'Pod') specs.push(o.spec);
    if (o.kind === 'LeaderWorkerSet') specs.push(o.spec.leaderWorkerTemplate.leaderTemplate?.spec, o.spec.leaderWorkerTemplate.workerTemplate.spec);
    for (const s of specs.filter(Boolean)) {
      for (const c of [...(s.initContainers ?? []), ...(s.containers ?? [])]) out.add(c.image);
      for (const v of s.volumes ?? []) if (v.image) out.add(v.image.reference);
    }
  }
  return [...out].sort();
}

describe.each(CDK8S_EXAMPLES)('example %s', name => {
  test('images: every image of every workload, once each, sorted', () => {
    const dir = outputs.get(name)!;
    const r = run('images', dir);
    expect(r.code).toBe(ExitCode.OK);
    const expected = imagesByKnownPaths(readObjects(dir).map(o => o.object));
    expect(expected.length).toBeGreaterThan(0);
    expect(r.out.split('\n')).toEqual(expected);
  });

  test('plan.json follows schemas/plan.schema.json, and `modelship plan --format json` prints it as is', () => {
    const dir = outputs.get(name)!;
    const schema = JSON.parse(readFileSync(join(root, 'schemas', 'plan.schema.json'), 'utf8'));
    const validate = new Ajv2020({ allErrors: true }).compile(schema);
    const text = readFileSync(join(dir, 'plan.json'), 'utf8');
    const plan = JSON.parse(text);
    validate(plan);
    expect(validate.errors ?? []).toEqual([]);
    // The schema refuses what it should (the control): an unknown key, a service without images.
    expect(validate({ ...plan, extra: 1 })).toBe(false);
    if (plan.services.length > 0) expect(validate({ ...plan, services: [{ ...plan.services[0], images: undefined }] })).toBe(false);
    expect(text).toBe(`${JSON.stringify(plan, null, 2)}\n`);
    expect(plan.fleet.images).toEqual(imagesByKnownPaths(readObjects(dir).map(o => o.object)));
    const r = run('plan', dir, '--format', 'json');
    expect(r.code).toBe(ExitCode.OK);
    expect(JSON.parse(r.out)).toEqual(plan);
  });
});

test('the CLI reads the plan.json this modelship writes (name and schema version; it loads no cdk8s to know them)', () => {
  expect(PLAN_JSON).toBe(PLAN_JSON_FILE_NAME);
  expect(READABLE_SCHEMA_VERSIONS).toContain(PLAN_JSON_SCHEMA_VERSION);
  const schema = JSON.parse(readFileSync(join(root, 'schemas', 'plan.schema.json'), 'utf8'));
  expect(schema.properties.schemaVersion).toEqual({ const: PLAN_JSON_SCHEMA_VERSION });
});

test('plan.json is byte-identical for the same input', () => {
  const again = synthExampleDir('flagship');
  dirs.push(again);
  expect(readFileSync(join(again, 'plan.json'), 'utf8')).toBe(readFileSync(join(outputs.get('flagship')!, 'plan.json'), 'utf8'));
});

test('plan.json of the flagship: pools, services, the fleet, in schema order', () => {
  const plan = JSON.parse(readFileSync(join(outputs.get('flagship')!, 'plan.json'), 'utf8'));
  expect(Object.keys(plan)).toEqual(['schemaVersion', 'pools', 'services', 'canaries', 'fleet']);
  expect(plan.services.map((s: any) => [s.id, s.pool, s.gpusPerReplica, s.replicas, s.startupBudgetSeconds > 0])).toEqual([
    ['llm/llama-8b', 'l4', 1, { min: 1, max: 4 }, true],
    ['llm/llama-70b', 'h100', 2, { min: 2, max: 6 }, true],
  ]);
  expect(plan.services[1].images).toEqual(['vllm/vllm-openai:v0.9.2']);
  expect(plan.pools.map((p: any) => [p.name, p.maxGpus, p.services])).toEqual([['h100', 16, ['llm/llama-70b']], ['l4', 8, ['llm/llama-8b']]]);
  // Sums of the services (the fleet of two pools).
  expect(plan.fleet.gpus.max).toBe(plan.services.reduce((a: number, s: any) => a + s.gpus.max, 0));
});

test('plan: text and markdown show pools, services, the fleet, why and images', () => {
  const dir = outputs.get('flagship')!;
  const text = run('plan', dir);
  expect(text.code).toBe(ExitCode.OK);
  expect(text.out).toMatch(/^pool +accelerator/);
  expect(text.out).toMatch(/llm\/llama-70b +h100 +meta-llama\/Llama-3\.1-70B-Instruct +fp8 +vllm 0\.9\.2 +2 +2-6 +4-12 \(14\)/);
  expect(text.out).toMatch(/^fleet: 5-16 GPUs \(peak 19\), \$28\.32-\$85\.76 per hour$/m);
  const md = run('plan', dir, '--format', 'markdown');
  expect(md.out).toMatch(/^## Plan\n\n\| pool \| accelerator/);
  expect(md.out).toContain('- `vllm/vllm-openai:v0.9.2`');
  const none = tempDir('plan-none');
  dirs.push(none);
  const missing = run('plan', none);
  expect(missing.code).toBe(ExitCode.PROBLEMS);
  expect(missing.err).toMatch(/plan\.json not found/);
});

test('images: init containers, image volumes and digests are listed, duplicates once, with tag and digest in json', () => {
  const objects = readObjects(outputs.get('flagship')!);
  const deployment = objects.find(o => o.object.kind === 'Deployment' && o.object.metadata.name === 'llama-8b')!.object;
  const digest = `sha256:${'ab'.repeat(32)}`;
  deployment.spec.template.spec.initContainers = [{ name: 'fetch', image: `registry.internal:5000/tools/fetch@${digest}` }];
  deployment.spec.template.spec.volumes = [...(deployment.spec.template.spec.volumes ?? []), { name: 'weights', image: { reference: 'registry.internal:5000/models/llama:8b' } }];
  const dir = tempDir('images-injected');
  dirs.push(dir);
  writeObjects(dir, objects);
  const text = run('images', dir);
  expect(text.out.split('\n')).toEqual(imagesByKnownPaths(objects.map(o => o.object)));
  expect(text.out.split('\n')).toEqual(expect.arrayContaining([`registry.internal:5000/tools/fetch@${digest}`, 'registry.internal:5000/models/llama:8b']));
  const json = JSON.parse(run('images', dir, '--format', 'json').out);
  expect(json.find((i: any) => i.image.includes('fetch'))).toEqual({
    image: `registry.internal:5000/tools/fetch@${digest}`,
    repository: 'registry.internal:5000/tools/fetch',
    tag: null,
    digest,
    usedBy: ['Deployment llm/llama-8b initContainer fetch'],
  });
  expect(json.find((i: any) => i.image === 'registry.internal:5000/models/llama:8b').usedBy).toEqual(['Deployment llm/llama-8b imageVolume weights']);
  expect(json.find((i: any) => i.image === 'vllm/vllm-openai:v0.9.2')).toEqual(expect.objectContaining({ tag: 'v0.9.2', digest: null, usedBy: ['Deployment llm/llama-70b container server', 'Deployment llm/llama-8b container server'] }));
  const md = run('images', dir, '--format', 'markdown').out;
  expect(md).toContain(`| \`registry.internal:5000/tools/fetch@${digest}\` | digest | Deployment llm/llama-8b initContainer fetch |`);
});

test('every command answers --help with its usage and exit codes', () => {
  for (const command of ['validate', 'plan', 'diff', 'images']) {
    const r = run(command, '--help');
    expect(r.code).toBe(ExitCode.OK);
    expect(r.out).toMatch(new RegExp(`^Usage: modelship ${command} [\\s\\S]*--format <text\\|markdown\\|json>[\\s\\S]*Exit codes: 0 `));
  }
  expect(run('--help').out).toMatch(/^ {2}validate {2}[\s\S]*^ {2}plan {6}[\s\S]*^ {2}diff {6}[\s\S]*^ {2}images {4}/m);
});
