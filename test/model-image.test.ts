/**
 * Model.fromImage: weights packaged as an OCI image, mounted as a Kubernetes image volume
 * (core/v1 VolumeSource.image, KEP-4639) or copied by an init container on older clusters.
 *
 * Schema: kubernetes-models 4.5.1 carries the Kubernetes 1.33 core/v1 schemas (it has
 * ImageVolumeSource and Lifecycle.stopSignal, added in 1.33, and not PodSpec.hostnameOverride,
 * added in 1.34; both pinned below), so test/support/schema.ts validates the image volume against
 * the 1.33 schema. Pod Security: test/support/pss.ts at 1.33 allows `image` volumes
 * (kubernetes/kubernetes#130394), at 1.28 it does not.
 */
import { Chart, Testing } from 'cdk8s';
import {
  Accelerator, CanaryRollout, GpuNodePool, ImagePolicy, Model, MODEL_IMAGE_MOUNT, ModelImageMount, ModelImagePullPolicy, ModelService, Provisioner,
  renderPlanMarkdown, Runtime,
} from '../lib';
import { expectValidationError } from './support/errors';
import { restrictedViolations } from './support/pss';
import { schemaErrors } from './support/schema';

const LLAMA = 'meta-llama/Llama-3.1-8B-Instruct';
const REF = 'registry.example.com/models/llama-3.1-8b:v1';
const DIGEST = `sha256:${'c'.repeat(64)}`;

function serve(model: Model, extra: Record<string, unknown> = {}) {
  const app = Testing.app();
  const chart = new Chart(app, 'llm', { namespace: 'llm' });
  const svc = new ModelService(chart, 'llama', { model, accelerator: Accelerator.NVIDIA_L4, ...extra });
  return { app, chart, svc };
}
const deploymentOf = (objs: any[]) => objs.find(o => o.kind === 'Deployment');

describe('the schema the image volume is checked against is Kubernetes 1.33', () => {
  const deployment = (podSpecExtra: Record<string, unknown>, containerExtra: Record<string, unknown> = {}) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'x' },
    spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'busybox:1.36', ...containerExtra }], ...podSpecExtra } } },
  });
  test('1.33 fields are known (image volume, lifecycle.stopSignal); a 1.34 field is not (hostnameOverride)', () => {
    expect(schemaErrors(deployment({ volumes: [{ name: 'm', image: { reference: REF, pullPolicy: 'IfNotPresent' } }] }))).toEqual([]);
    expect(schemaErrors(deployment({}, { lifecycle: { stopSignal: 'SIGTERM' } }))).toEqual([]);
    expect(schemaErrors(deployment({ hostnameOverride: 'x' })).join('\n')).toMatch(/unknown field "hostnameOverride"/);
  });
  test('the image volume source is checked field by field', () => {
    expect(schemaErrors(deployment({ volumes: [{ name: 'm', image: { reference: REF, pullPolicy: 'Sometimes' } }] })).join('\n')).toMatch(/pullPolicy/);
    expect(schemaErrors(deployment({ volumes: [{ name: 'm', image: { reference: REF, subPath: 'x' } }] })).join('\n')).toMatch(/unknown field "subPath"/);
  });
});

describe('Model.fromImage as an image volume (the default)', () => {
  test('the pod mounts the image read-only and vLLM serves the mounted path; the Deployment validates against the 1.33 schema', () => {
    const { chart } = serve(Model.fromImage(REF, { catalogId: LLAMA, path: '/llama' }));
    const objs = chart.toJson();
    const d = deploymentOf(objs);
    const spec = d.spec.template.spec;
    expect(spec.volumes).toContainEqual({ name: 'model', image: { reference: REF, pullPolicy: 'IfNotPresent' } });
    expect(spec.containers[0].volumeMounts).toContainEqual({ name: 'model', mountPath: MODEL_IMAGE_MOUNT, readOnly: true });
    const args: string[] = spec.containers[0].args;
    expect(args.slice(args.indexOf('--model'), args.indexOf('--model') + 4)).toEqual(['--model', '/model-image/llama', '--served-model-name', 'llama-3.1-8b']);
    expect(spec.initContainers).toBeUndefined();
    for (const o of objs) expect(schemaErrors(o)).toEqual([]);
  });

  test('Pod Security "restricted": allowed from 1.33 (image volumes admitted), refused by the 1.28 rules', () => {
    const spec = deploymentOf(serve(Model.fromImage(REF, { catalogId: LLAMA })).chart.toJson()).spec.template.spec;
    expect(restrictedViolations(spec, 33)).toEqual([]);
    expect(restrictedViolations(spec, 28)).toEqual(['volume model has type image']);
  });

  test.each([
    ['SGLang', Runtime.sglang(), '--model-path'],
    ['TGI', Runtime.tgi({ version: '3.0.0' }), '--model-id'],
  ])('%s serves the mounted path through its own model flag', (_t, runtime, flag) => {
    const args: string[] = deploymentOf(serve(Model.fromImage(REF, { catalogId: LLAMA }), { runtime }).chart.toJson()).spec.template.spec.containers[0].args;
    expect(args[args.indexOf(flag) + 1]).toBe(MODEL_IMAGE_MOUNT);
  });

  test('planned like any other source: the same download bytes and startup budget as the Hugging Face model, and a note', () => {
    const image = serve(Model.fromImage(REF, { catalogId: LLAMA })).svc.plan;
    const hf = serve(Model.huggingFace(LLAMA)).svc.plan;
    expect(image.downloadGiB).toBe(hf.downloadGiB);
    expect(image.startupBudgetSeconds).toBe(hf.startupBudgetSeconds);
    expect(image.gpusPerReplica).toBe(hf.gpusPerReplica);
    expect(image.notes.join('\n')).toMatch(/weights come from the image registry\.example\.com\/models\/llama-3\.1-8b:v1, mounted read-only at \/model-image .* the kubelet pulls \d+\.\d GiB/);
  });

  test('pull policy', () => {
    const spec = deploymentOf(serve(Model.fromImage(REF, { catalogId: LLAMA, mount: ModelImageMount.imageVolume({ pullPolicy: ModelImagePullPolicy.ALWAYS }) })).chart.toJson()).spec.template.spec;
    expect(spec.volumes.find((v: any) => v.name === 'model').image.pullPolicy).toBe('Always');
  });

  test('the image policy covers the model image: mirrored, named by requireDigests, listed in PLAN.md', () => {
    const mirrored = serve(Model.fromImage(REF, { catalogId: LLAMA }));
    new ImagePolicy(mirrored.app, 'images', { registryMirror: 'mirror.internal/m' });
    const vol = deploymentOf(mirrored.chart.toJson()).spec.template.spec.volumes.find((v: any) => v.name === 'model');
    expect(vol.image.reference).toBe('mirror.internal/m/registry.example.com/models/llama-3.1-8b:v1');
    expect(renderPlanMarkdown(mirrored.app)).toContain('| registry.example.com/models/llama-3.1-8b:v1 | mirror.internal/m/registry.example.com/models/llama-3.1-8b:v1 | tag v1 (not a digest) | llm/llama (model, imageVolume) |');

    const strict = serve(Model.fromImage(REF, { catalogId: LLAMA }), { runtime: Runtime.vllm({ version: '0.9.2', image: `vllm/vllm-openai:v0.9.2@${DIGEST}` }) });
    new ImagePolicy(strict.app, 'images', { requireDigests: true });
    const e = expectValidationError(() => strict.chart.toJson());
    expect(e.problems.map(p => [p.path, p.property, p.value])).toEqual([['llm/llama', 'model', JSON.stringify(REF)]]);

    const pinned = serve(Model.fromImage(`${REF}@${DIGEST}`, { catalogId: LLAMA }), { runtime: Runtime.vllm({ version: '0.9.2', image: `vllm/vllm-openai:v0.9.2@${DIGEST}` }) });
    new ImagePolicy(pinned.app, 'images', { requireDigests: true });
    expect(() => pinned.chart.toJson()).not.toThrow();
  });

  test('a canary that changes only the model image is a change (not "the same pod")', () => {
    const chart = new Chart(Testing.app(), 'llm', { namespace: 'llm' });
    const pool = new GpuNodePool(chart, 'l4', { accelerator: Accelerator.NVIDIA_L4, provisioner: Provisioner.existing(), maxGpus: 8 });
    const svc = new ModelService(chart, 'llama', { model: Model.fromImage(REF, { catalogId: LLAMA }), nodePool: pool, replicas: 2, route: { gatewayName: 'gw' } });
    new CanaryRollout(chart, 'canary', { service: svc, candidate: { model: Model.fromImage('registry.example.com/models/llama-3.1-8b:v2', { catalogId: LLAMA }) } });
    const refs = chart.toJson().flatMap((o: any) => o.spec?.template?.spec?.volumes ?? []).filter((v: any) => v.image).map((v: any) => v.image.reference);
    expect(refs).toContain('registry.example.com/models/llama-3.1-8b:v2');
  });
});

describe('Model.fromImage copied by an init container (clusters without image volumes)', () => {
  test('an init container runs the model image, copies the weights into the cache once, and the server reads the copy', () => {
    const { chart } = serve(Model.fromImage(REF, { catalogId: LLAMA, path: '/models/llama', mount: ModelImageMount.copyInitContainer() }));
    const objs = chart.toJson();
    const spec = deploymentOf(objs).spec.template.spec;
    expect(spec.volumes.some((v: any) => v.image)).toBe(false);
    expect(spec.initContainers).toHaveLength(1);
    const init = spec.initContainers[0];
    expect(init.image).toBe(REF);
    expect(init.command.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(init.volumeMounts).toEqual([{ name: 'model-cache', mountPath: '/model-cache' }]);
    const args: string[] = spec.containers[0].args;
    const target = args[args.indexOf('--model') + 1];
    expect(target).toMatch(/^\/model-cache\/model-images\/[0-9a-f]{16}$/);
    // The script copies /models/llama into a staging directory and renames it when complete.
    expect(init.command[2]).toContain('cp -R "/models/llama/." ');
    expect(init.command[2]).toContain(`mv "${target}.partial" "${target}"`);
    expect(init.command[2]).toContain(`if [ -f "${target}/.modelship-copy-complete" ]; then exit 0; fi`);
    // No image volume: "restricted" holds even under the 1.28 rules.
    expect(restrictedViolations(spec, 28)).toEqual([]);
    for (const o of objs) expect(schemaErrors(o)).toEqual([]);
  });

  test('another reference is another directory', () => {
    const target = (ref: string) => {
      const args: string[] = deploymentOf(serve(Model.fromImage(ref, { catalogId: LLAMA, path: '/models', mount: ModelImageMount.copyInitContainer() })).chart.toJson()).spec.template.spec.containers[0].args;
      return args[args.indexOf('--model') + 1];
    };
    expect(target(REF)).not.toBe(target('registry.example.com/models/llama-3.1-8b:v2'));
  });
});

describe('bad image models are ValidationErrors with fixes', () => {
  test.each([
    ['no shape', () => Model.fromImage(REF), 'model', /needs its shape/],
    ['an unknown catalog id', () => Model.fromImage(REF, { catalogId: 'acme/unknown-model' }), 'model.catalogId', /not a model of the built-in catalog/],
    ['latest', () => Model.fromImage('registry.example.com/models/llama:latest', { catalogId: LLAMA }), 'model', /tagged `latest`/],
    ['no tag', () => Model.fromImage('registry.example.com/models/llama', { catalogId: LLAMA }), 'model', /no tag/],
    ['a short digest', () => Model.fromImage('registry.example.com/models/llama@sha256:abc123', { catalogId: LLAMA }), 'model', /64 lowercase hex|is not an image reference/],
    ['an uppercase digest', () => Model.fromImage(`registry.example.com/models/llama@sha256:${'A'.repeat(64)}`, { catalogId: LLAMA }), 'model', /64 lowercase hex/],
    ['an unknown digest algorithm', () => Model.fromImage(`registry.example.com/models/llama@md5:${'a'.repeat(32)}`, { catalogId: LLAMA }), 'model', /not one of sha256/],
    ['an uppercase repository', () => Model.fromImage('registry.example.com/Models/Llama:v1', { catalogId: LLAMA }), 'model', /lowercase/],
    ['a copy of the image root', () => Model.fromImage(REF, { catalogId: LLAMA, mount: ModelImageMount.copyInitContainer() }), 'model.path', /whole filesystem/],
    ['a path with ..', () => Model.fromImage(REF, { catalogId: LLAMA, path: '/models/../etc' }), 'model.path', /plain directory/],
    ['a path with a quote', () => Model.fromImage(REF, { catalogId: LLAMA, path: '/models/"x' }), 'model.path', /plain directory/],
    ['a plain-object mount', () => Model.fromImage(REF, { catalogId: LLAMA, mount: { kind: 'imageVolume' } as never }), 'model.mount', /ModelImageMount/],
    ['a number as path', () => Model.fromImage(REF, { catalogId: LLAMA, path: 3 as never }), 'model.path', /must be a string/],
  ])('%s', (_t, model, property, reason) => {
    const e = expectValidationError(() => serve(model()));
    const p = e.problems.find(x => x.property === property);
    expect(p).toBeDefined();
    expect(p!.reason).toMatch(reason);
    expect(p!.fix).toMatch(/\S/);
  });

  test('options of the wrong type', () => {
    expect(() => Model.fromImage(REF, 'llama' as never)).toThrow(/options of Model.fromImage must be an object/);
    expect(() => ModelImageMount.copyInitContainer(7 as never)).toThrow(/options of ModelImageMount.copyInitContainer must be an object/);
  });
});
