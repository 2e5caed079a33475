/**
 * The app-wide image policy: every image of every example goes through it (the walk below finds
 * every container, init container, ephemeral container and image volume of every object, CRDs
 * included, so an image site that does not call resolveImage fails here), the mirror mapping
 * follows distribution/reference's normalisation (checked against an independent port,
 * @swimlane/docker-reference), requireDigests names each unpinned image, and bad input is a
 * ValidationError with a fix.
 */
import { join } from 'path';
import { parseFamiliarName, parseQualifiedName } from '@swimlane/docker-reference';
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import type * as Lib from '../lib';
import {
  Accelerator, DevicePlugin, Dcgm, GpuNodePool, ImagePolicy, Model, ModelService, MonitoringStack, Provisioner, renderPlanMarkdown, Runtime, ValidationError,
} from '../lib';
import { expectValidationError } from './support/errors';
import { CDK8S_EXAMPLES } from './support/examples';
import { libLinesMatching } from './support/lib-lines';

const MIRROR = 'registry.corp.example:5000/ml-mirror';
const DIGEST = `sha256:${'a'.repeat(64)}`;
const DIGEST_B = `sha256:${'b'.repeat(64)}`;

// ---------------------------------------------------------------------------------------------
// An independent walk over rendered objects: every pod spec, wherever a kind nests it.

interface FoundImage {
  readonly object: string;
  readonly where: string;
  readonly image: string;
}
interface FoundPodSpec {
  readonly object: string;
  readonly where: string;
  readonly spec: any;
}

/** Every pod spec in an object: any object holding a `containers` array (Deployment, DaemonSet, LWS, Rollout...). */
function podSpecs(obj: any): FoundPodSpec[] {
  const out: FoundPodSpec[] = [];
  const id = `${obj.kind}/${obj.metadata?.name}`;
  const visit = (node: any, where: string) => {
    if (Array.isArray(node)) { node.forEach((n, i) => visit(n, `${where}[${i}]`)); return; }
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node.containers)) out.push({ object: id, where, spec: node });
    for (const [k, v] of Object.entries(node)) visit(v, where ? `${where}.${k}` : k);
  };
  visit(obj, '');
  return out;
}

/** Every image a pod spec pulls: containers, init containers, ephemeral containers, image volumes. */
function imagesOf(objects: any[]): FoundImage[] {
  return objects.flatMap(o => podSpecs(o).flatMap(({ object, where, spec }) => [
    ...['containers', 'initContainers', 'ephemeralContainers'].flatMap(field => (spec[field] ?? []).map((c: any) => ({ object, where: `${where}.${field}[${c.name}]`, image: c.image }))),
    ...(spec.volumes ?? []).filter((v: any) => v.image !== undefined).map((v: any) => ({ object, where: `${where}.volumes[${v.name}].image`, image: v.image.reference })),
  ]));
}

/** Images not pulled from the mirror (what an image site that bypasses resolveImage leaves behind). */
function notMirrored(objects: any[]): string[] {
  return imagesOf(objects).filter(i => !i.image.startsWith(`${MIRROR}/`)).map(i => `${i.object} ${i.where}: ${i.image}`);
}

/** Pod specs whose imagePullSecrets are not exactly `names` (a pod spec that bypasses podImagePullSecrets). */
function withoutPullSecrets(objects: any[], names: string[]): string[] {
  return objects.flatMap(podSpecs).filter(p => JSON.stringify(p.spec.imagePullSecrets) !== JSON.stringify(names.map(name => ({ name }))))
    .map(p => `${p.object} ${p.where}`);
}

/** Loads an example's exported `app` in a fresh module registry, with the lib instance it uses. */
function loadExample(name: string): { app: App; lib: typeof Lib } {
  let loaded: { app: App; lib: typeof Lib } | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const lib = require('modelship') as typeof Lib;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(join(__dirname, '..', 'examples', name, 'main'));
    // The isolated registry has its own copy of cdk8s: recognise an App by its shape.
    if (!(mod.app && typeof mod.app.synth === 'function' && Array.isArray(mod.app.charts))) throw new Error(`examples/${name}/main.ts must export its App as \`app\` (and synth only when run), so this test can put it under an image policy`);
    loaded = { app: mod.app, lib };
  });
  return loaded!;
}

const objectsOf = (app: App) => app.charts.flatMap(c => c.toJson());

describe('every image of every example goes through the image policy', () => {
  test.each(CDK8S_EXAMPLES)('%s: under a mirror every image, init container and image volume is pulled from the mirror, every pod carries the pull secrets', name => {
    const { app, lib } = loadExample(name);
    // Declared after the constructs: the policy still applies (resolved at synth).
    new lib.ImagePolicy(app, 'images', { registryMirror: MIRROR, imagePullSecrets: ['mirror-credentials', 'team-registry'] });
    const objects = objectsOf(app);
    expect(imagesOf(objects).length).toBeGreaterThan(0);
    expect(notMirrored(objects)).toEqual([]);
    expect(withoutPullSecrets(objects, ['mirror-credentials', 'team-registry'])).toEqual([]);
    const pods = objects.flatMap(podSpecs);
    // Every volumeMount names a volume of its pod (an image volume dropped on the way would not).
    const dangling = pods.flatMap(p => [...(p.spec.containers ?? []), ...(p.spec.initContainers ?? [])]
      .flatMap((c: any) => (c.volumeMounts ?? []).filter((m: any) => !(p.spec.volumes ?? []).some((v: any) => v.name === m.name)).map((m: any) => `${p.object} ${c.name} ${m.name}`)));
    expect(dangling).toEqual([]);
  });

  test.each(CDK8S_EXAMPLES)('%s: under requireDigests each image the pods pull is named in the ValidationError, with its construct path, property and a fix', name => {
    const plain = loadExample(name);
    const pulled = new Set(imagesOf(objectsOf(plain.app)).map(i => i.image));
    expect(pulled.size).toBeGreaterThan(0);

    const { app, lib } = loadExample(name);
    new lib.ImagePolicy(app, 'images', { requireDigests: true });
    let error: unknown;
    try { objectsOf(app); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(lib.ValidationError);
    const problems = (error as Lib.ValidationError).problems.filter(p => /requireDigests/.test(p.reason));
    // Every image in the output is named. The policy may name more: a canary's stable template is
    // rendered but replaced in the Deployment by the candidate's, and its image still runs in the
    // cluster (the stable ReplicaSet), so it must be pinned too.
    const named = new Set(problems.map(p => JSON.parse(p.value)));
    expect([...pulled].filter(i => !named.has(i))).toEqual([]);
    for (const p of problems) {
      expect(p.path).toMatch(/\S/);
      expect(p.property).toMatch(/image|model/);
      expect(p.fix).toContain('@sha256:<64 hex>');
      expect(p.fix).toMatch(/crane digest /);
    }
  });
});

test('the walk finds an image site that bypasses the policy (a construct a later change forgets to route)', () => {
  const app = Testing.app();
  const chart = new Chart(app, 'c', { namespace: 'llm' });
  new ImagePolicy(app, 'images', { registryMirror: MIRROR, imagePullSecrets: ['creds'] });
  // A LeaderWorkerSet-shaped object nests its pod specs deeper than a Deployment: the walk still finds them.
  new ApiObject(chart, 'forgotten', {
    apiVersion: 'leaderworkerset.x-k8s.io/v1',
    kind: 'LeaderWorkerSet',
    metadata: { name: 'forgotten' },
    spec: {
      leaderWorkerTemplate: {
        workerTemplate: {
          spec: {
            initContainers: [{ name: 'init', image: 'busybox:1.36' }],
            containers: [{ name: 'worker', image: 'vllm/vllm-openai:v0.10.0' }],
            volumes: [{ name: 'weights', image: { reference: 'registry.example.com/models/x:v1' } }],
          },
        },
      },
    },
  });
  const objects = chart.toJson();
  expect(notMirrored(objects)).toEqual([
    'LeaderWorkerSet/forgotten spec.leaderWorkerTemplate.workerTemplate.spec.containers[worker]: vllm/vllm-openai:v0.10.0',
    'LeaderWorkerSet/forgotten spec.leaderWorkerTemplate.workerTemplate.spec.initContainers[init]: busybox:1.36',
    'LeaderWorkerSet/forgotten spec.leaderWorkerTemplate.workerTemplate.spec.volumes[weights].image: registry.example.com/models/x:v1',
  ]);
  expect(withoutPullSecrets(objects, ['creds'])).toEqual(['LeaderWorkerSet/forgotten spec.leaderWorkerTemplate.workerTemplate.spec']);
});

// ---------------------------------------------------------------------------------------------
// The mirror mapping: distribution/reference normalize.go, checked against an independent port.

/** The mirror reference built from @swimlane/docker-reference's normalisation and the documented layout. */
function independentMirror(image: string): string {
  const ref = parseFamiliarName(image, parseQualifiedName);
  const registry = String(ref.domain).toLowerCase().replace(/:/g, '_');
  return `${MIRROR}/${registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

const MAPPING: Array<[string, string]> = [
  // Docker Hub: the implicit registry, and library/ for one-component names.
  ['vllm/vllm-openai:v0.9.2', `${MIRROR}/docker.io/vllm/vllm-openai:v0.9.2`],
  ['docker.io/vllm/vllm-openai:v0.10.0', `${MIRROR}/docker.io/vllm/vllm-openai:v0.10.0`],
  ['index.docker.io/vllm/vllm-openai:v0.9.2', `${MIRROR}/docker.io/vllm/vllm-openai:v0.9.2`],
  ['lmsysorg/sglang:v0.4.9-cu126', `${MIRROR}/docker.io/lmsysorg/sglang:v0.4.9-cu126`],
  ['ubuntu', `${MIRROR}/docker.io/library/ubuntu`],
  ['ubuntu:24.04', `${MIRROR}/docker.io/library/ubuntu:24.04`],
  ['docker.io/ubuntu:24.04', `${MIRROR}/docker.io/library/ubuntu:24.04`],
  // Other registries keep their name as the first component.
  ['nvcr.io/nvidia/tritonserver:25.06-py3', `${MIRROR}/nvcr.io/nvidia/tritonserver:25.06-py3`],
  ['nvcr.io/nvidia/k8s/dcgm-exporter:4.5.3-4.8.2-ubuntu22.04', `${MIRROR}/nvcr.io/nvidia/k8s/dcgm-exporter:4.5.3-4.8.2-ubuntu22.04`],
  ['ghcr.io/huggingface/text-generation-inference:3.3.4', `${MIRROR}/ghcr.io/huggingface/text-generation-inference:3.3.4`],
  ['registry.example.com/models/llama-3.1-8b:v1', `${MIRROR}/registry.example.com/models/llama-3.1-8b:v1`],
  // A port becomes '_' (a path component has no ':').
  ['localhost:5000/models/llama:v1', `${MIRROR}/localhost_5000/models/llama:v1`],
  ['localhost/models/llama:v1', `${MIRROR}/localhost/models/llama:v1`],
  // Digests are kept, with or without a tag.
  [`vllm/vllm-openai@${DIGEST}`, `${MIRROR}/docker.io/vllm/vllm-openai@${DIGEST}`],
  [`vllm/vllm-openai:v0.9.2@${DIGEST}`, `${MIRROR}/docker.io/vllm/vllm-openai:v0.9.2@${DIGEST}`],
];

describe('the mirror mapping', () => {
  test.each(MAPPING)('%s -> %s (and the independent normalisation agrees)', (image, expected) => {
    const chart = new Chart(Testing.app(), 'c');
    const policy = new ImagePolicy(chart, 'images', { registryMirror: MIRROR });
    expect(policy.pullReference(image)).toBe(expected);
    expect(independentMirror(image)).toBe(expected);
  });

  test('an image already in the mirror is kept', () => {
    const policy = new ImagePolicy(Testing.app(), 'images', { registryMirror: MIRROR });
    const mirrored = `${MIRROR}/docker.io/vllm/vllm-openai:v0.9.2`;
    expect(policy.pullReference(mirrored)).toBe(mirrored);
  });

  test('a mirror without a path puts the source registry first', () => {
    const policy = new ImagePolicy(Testing.app(), 'images', { registryMirror: 'mirror.internal' });
    expect(policy.pullReference('vllm/vllm-openai:v0.9.2')).toBe('mirror.internal/docker.io/vllm/vllm-openai:v0.9.2');
  });

  test('a mirrored path over 255 characters is refused at synth, naming the image', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c', { namespace: 'llm' });
    new ImagePolicy(app, 'images', { registryMirror: `mirror.internal/${'a'.repeat(230)}` });
    new ModelService(chart, 'llama', { model: Model.huggingFace('meta-llama/Llama-3.1-8B-Instruct'), accelerator: Accelerator.NVIDIA_L4 });
    const e = expectValidationError(() => chart.toJson());
    const p = e.problems.find(x => x.property === 'runtime.image')!;
    expect(p.reason).toMatch(/255/);
    expect(p.fix).toMatch(/shorter/);
  });
});

// ---------------------------------------------------------------------------------------------
// requireDigests, pull secrets, PLAN.md

function fleet(scope: Construct, images: { server?: string; plugin?: string; dcgm?: string } = {}) {
  const pool = new GpuNodePool(scope, 'h100', {
    accelerator: Accelerator.NVIDIA_H100_80GB,
    provisioner: Provisioner.existing(),
    maxGpus: 16,
    devicePlugin: DevicePlugin.nvidia(images.plugin ? { image: images.plugin } : {}),
  });
  const svc = new ModelService(scope, 'llama', {
    model: Model.huggingFace('meta-llama/Llama-3.1-8B-Instruct'),
    nodePool: pool,
    runtime: Runtime.vllm(images.server ? { version: '0.9.2', image: images.server } : { version: '0.9.2' }),
  });
  new MonitoringStack(scope, 'monitoring', { services: [svc], nodePools: [pool], dcgm: Dcgm.exporter(images.dcgm ? { image: images.dcgm } : {}) });
  return { pool, svc };
}

describe('requireDigests', () => {
  test('refuses each unpinned image by name, with the construct path and property that set it', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'llm', { namespace: 'llm' });
    new ImagePolicy(app, 'images', { requireDigests: true });
    fleet(chart);
    const e = expectValidationError(() => chart.toJson());
    const named = e.problems.filter(p => /requireDigests/.test(p.reason)).map(p => [p.path, p.property, JSON.parse(p.value)]);
    expect(named).toEqual([
      ['llm/h100', 'devicePlugin.image', 'nvcr.io/nvidia/k8s-device-plugin:v0.20.0'],
      ['llm/llama', 'runtime.image', 'vllm/vllm-openai:v0.9.2'],
      ['llm/monitoring/DcgmExporter', 'image', 'nvcr.io/nvidia/k8s/dcgm-exporter:4.5.3-4.8.2-ubuntu22.04'],
    ]);
  });

  test('accepts an app whose every image is pinned, and keeps the digest under a mirror', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'llm', { namespace: 'llm' });
    fleet(chart, {
      server: `vllm/vllm-openai:v0.9.2@${DIGEST}`,
      plugin: `nvcr.io/nvidia/k8s-device-plugin:v0.20.0@${DIGEST_B}`,
      dcgm: `nvcr.io/nvidia/k8s/dcgm-exporter:4.5.3-4.8.2-ubuntu22.04@${DIGEST}`,
    });
    new ImagePolicy(app, 'images', { requireDigests: true, registryMirror: MIRROR });
    const images = imagesOf(chart.toJson()).map(i => i.image);
    expect(images.sort()).toEqual([
      `${MIRROR}/docker.io/vllm/vllm-openai:v0.9.2@${DIGEST}`,
      `${MIRROR}/nvcr.io/nvidia/k8s-device-plugin:v0.20.0@${DIGEST_B}`,
      `${MIRROR}/nvcr.io/nvidia/k8s/dcgm-exporter:4.5.3-4.8.2-ubuntu22.04@${DIGEST}`,
    ]);
  });

  test('a sha512 digest pins too', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'llm', { namespace: 'llm' });
    new ModelService(chart, 'llama', {
      model: Model.huggingFace('meta-llama/Llama-3.1-8B-Instruct'),
      accelerator: Accelerator.NVIDIA_L4,
      runtime: Runtime.vllm({ version: '0.9.2', image: `vllm/vllm-openai:v0.9.2@sha512:${'e'.repeat(128)}` }),
    });
    new ImagePolicy(app, 'images', { requireDigests: true });
    expect(() => chart.toJson()).not.toThrow();
  });

  test('without a policy nothing changes: images as written, no imagePullSecrets', () => {
    const chart = new Chart(Testing.app(), 'llm', { namespace: 'llm' });
    fleet(chart);
    const objects = chart.toJson();
    expect(imagesOf(objects).map(i => i.image).sort()).toEqual([
      'nvcr.io/nvidia/k8s-device-plugin:v0.20.0', 'nvcr.io/nvidia/k8s/dcgm-exporter:4.5.3-4.8.2-ubuntu22.04', 'vllm/vllm-openai:v0.9.2',
    ]);
    expect(objects.flatMap(podSpecs).some(p => 'imagePullSecrets' in p.spec)).toBe(false);
  });

  test('ImagePolicy.of finds the app\'s policy from any scope', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'llm', { namespace: 'llm' });
    expect(ImagePolicy.of(chart)).toBeUndefined();
    const policy = new ImagePolicy(chart, 'images', { imagePullSecrets: ['creds'] });
    expect(ImagePolicy.of(app)).toBe(policy);
  });
});

describe('PLAN.md lists every image', () => {
  test('image, pinning, where used; pulled-as under a mirror; the policy', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'llm', { namespace: 'llm' });
    fleet(chart, { server: `vllm/vllm-openai:v0.9.2@${DIGEST}` });
    new ImagePolicy(app, 'images', { registryMirror: MIRROR, imagePullSecrets: ['creds'] });
    const md = renderPlanMarkdown(app);
    const section = md.slice(md.indexOf('## Images'));
    expect(section).toContain(`Image policy images: digests not required; pulled from the mirror ${MIRROR}; pull secrets creds.`);
    expect(section).toContain('| image | pulled as | pinned by | used by |');
    expect(section).toContain(`| vllm/vllm-openai:v0.9.2@${DIGEST} | ${MIRROR}/docker.io/vllm/vllm-openai:v0.9.2@${DIGEST} | digest ${DIGEST} | llm/llama (runtime.image) |`);
    expect(section).toContain('| nvcr.io/nvidia/k8s-device-plugin:v0.20.0 | registry.corp.example:5000/ml-mirror/nvcr.io/nvidia/k8s-device-plugin:v0.20.0 | tag v0.20.0 (not a digest) | llm/h100 (devicePlugin.image) |');
  });
});

// ---------------------------------------------------------------------------------------------
// Bad input

describe('bad input is a ValidationError with a fix', () => {
  test.each([
    ['a URL', 'https://registry.corp.example/mirror', /not a URL/],
    ['a Docker Hub namespace, not a host', 'mirror/path', /Docker Hub namespace/],
    ['an uppercase path', 'registry.corp.example/ML', /lowercase path components/],
    ['a tag', 'registry.corp.example/mirror:v1', /no tag or digest/],
    ['an empty string', '', /Docker Hub namespace/],
    ['a space', 'registry corp/x', /not a registry host|Docker Hub namespace/],
  ])('registryMirror %s', (_t, value, reason) => {
    const e = expectValidationError(() => new ImagePolicy(Testing.app(), 'images', { registryMirror: value }));
    expect(e.problems[0].property).toBe('registryMirror');
    expect(e.problems[0].reason).toMatch(reason);
    expect(e.problems[0].fix).toMatch(/host\[:port\]\[\/path\]/);
  });

  test.each([
    ['uppercase', ['Registry-Creds'], 'imagePullSecrets[0]', /DNS-1123 subdomain/],
    ['underscore', ['registry_creds'], 'imagePullSecrets[0]', /DNS-1123 subdomain/],
    ['empty', [''], 'imagePullSecrets[0]', /must not be empty/],
    ['too long', ['a'.repeat(254)], 'imagePullSecrets[0]', /over the 253/],
    ['duplicate', ['creds', 'other', 'creds'], 'imagePullSecrets[2]', /listed twice/],
  ])('imagePullSecrets %s', (_t, value, property, reason) => {
    const e = expectValidationError(() => new ImagePolicy(Testing.app(), 'images', { imagePullSecrets: value }));
    expect(e.problems.map(p => p.property)).toContain(property);
    expect(e.problems.find(p => p.property === property)!.reason).toMatch(reason);
  });

  test.each([
    ['requireDigests a string', { requireDigests: 'yes' }, 'requireDigests'],
    ['registryMirror a number', { registryMirror: 5000 }, 'registryMirror'],
    ['imagePullSecrets a string', { imagePullSecrets: 'creds' }, 'imagePullSecrets'],
    ['imagePullSecrets of numbers', { imagePullSecrets: [1] }, 'imagePullSecrets[0]'],
    ['props a string', 'strict', 'props'],
  ])('JavaScript callers: %s', (_t, props, property) => {
    const e = expectValidationError(() => new ImagePolicy(Testing.app(), 'images', props as never));
    expect(e.problems[0].property).toBe(property);
    expect(e.problems[0].fix).toMatch(/\S/);
  });

  test('a second policy in one app', () => {
    const app = Testing.app();
    new ImagePolicy(app, 'images');
    const chart = new Chart(app, 'c');
    const e = expectValidationError(() => new ImagePolicy(chart, 'more', { requireDigests: true }));
    expect(e.problems[0].reason).toMatch(/already has an image policy \(images\)/);
  });

  test('a scope that is not a construct', () => {
    expect(() => new ImagePolicy({} as never, 'images')).toThrow(ValidationError);
  });
});

// ---------------------------------------------------------------------------------------------
// A static net for image sites no example renders (a construct added later, before it has an example).

test('every image a construct writes into an object goes through resolveImage, every pod spec through podImagePullSecrets', () => {
  // `image: ...` / `reference: ...` object keys in lib/, except the engines' profile data (the
  // runtime's image, routed in the pod template), prop-shape guards and the plan's own records.
  const unroutedImages = libLinesMatching(/^\s*image:\s*(?=\S)(?!resolveImage\(|is\.|required\(|\{)/, ['imports', 'engines', 'report']);
  // Image volumes: `image: { reference: ... }`.
  const unroutedVolumes = libLinesMatching(/\bimage:\s*\{\s*reference:\s*(?=\S)(?!resolveImage\()|^\s*reference:\s*(?=\S)(?!resolveImage\()/, ['imports', 'engines', 'report']);
  expect([...unroutedImages, ...unroutedVolumes]).toEqual([]);
  // A file that renders a pod spec (a `containers:` key) sets its imagePullSecrets through the policy.
  const files = [...new Set(libLinesMatching(/^\s*containers:\s*\[/, ['imports']).map(l => l.split(':')[0]))];
  expect(files.length).toBeGreaterThanOrEqual(3);
  const withoutSecrets = files.filter(f => libLinesMatching(/podImagePullSecrets\(/, ['imports']).every(l => !l.startsWith(`${f}:`)));
  expect(withoutSecrets).toEqual([]);
});
