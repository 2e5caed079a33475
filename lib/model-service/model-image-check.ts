import { mutableImageReason } from './image-reference';
import { Model, ModelSourceKind } from './model';
import { ModelImageMount, ModelImageMountKind, MODEL_IMAGE_MOUNT } from './model-image';
import { Problems } from '../errors';
import { checkImageReference } from '../private/api-rules';

/**
 * The rules of a model packaged as an OCI image (`Model.fromImage`): a reference the kubelet can
 * pull, pinned (no `latest`), a shape to plan from (download bytes and startup budget), a mount
 * made by `ModelImageMount`, and a weights directory a copy can take.
 */
export function checkImageModel(problems: Problems, model: Model, allowMutableImageTag: boolean): void {
  if (model.source !== ModelSourceKind.IMAGE) return;
  if (!checkImageReference(problems, 'model', model.id)) return;
  const mutable = mutableImageReason(model.id);
  if (mutable && !allowMutableImageTag) {
    problems.add('model', model.id, `${mutable}: every pod restart may mount other weights`,
      'pin a tag or digest, e.g. "registry.example.com/models/llama-3.1-8b:v1", or set allowMutableImageTag: true');
  }
  if (!model.spec) {
    if (model.catalogId !== undefined) {
      problems.add('model.catalogId', model.catalogId, 'not a model of the built-in catalog (MODEL_CATALOG)',
        'give the Hugging Face id of a catalog model, or the shape as spec: { parametersBillions, layers, attentionHeads, kvHeads, headDim }');
    } else {
      problems.add('model', model.id, 'an image model needs its shape: without it modelship cannot plan GPUs, the bytes a cold start moves or the startup budget',
        'give Model.fromImage(ref, { catalogId: "<Hugging Face id>" }) for a catalog model, or { spec: { parametersBillions, layers, attentionHeads, kvHeads, headDim } }');
    }
  }
  const mount = model.imageMount;
  if (!(mount instanceof ModelImageMount)) {
    problems.add('model.mount', mount, 'must be a ModelImageMount (a plain object has none of its behaviour)',
      'create it with ModelImageMount.imageVolume() or ModelImageMount.copyInitContainer()');
    return;
  }
  const path = model.imagePath;
  if (typeof path !== 'string') {
    problems.add('model.path', path, 'must be a string', 'give the directory of the weights inside the image, e.g. "/models/llama-3.1-8b"');
    return;
  }
  if (path.split('/').includes('..') || /[\s"'`$\\]/.test(path)) {
    problems.add('model.path', path, 'must be a plain directory inside the image (no "..", whitespace, quotes, "$" or "\\")', 'give a path like "/models/llama-3.1-8b"');
  }
  if (mount.kind === ModelImageMountKind.COPY_INIT_CONTAINER && path.replace(/\/+/g, '') === '') {
    problems.add('model.path', path, 'a copy of the image root would copy the image\'s whole filesystem (shell, libraries) into the cache',
      'give the directory of the weights inside the image, e.g. path: "/models"');
  }
}

/** What PLAN.md says about an image model. */
export function imageModelNotes(model: Model, downloadGiB: number | undefined): string[] {
  if (model.source !== ModelSourceKind.IMAGE) return [];
  const size = downloadGiB !== undefined ? `${downloadGiB.toFixed(1)} GiB` : 'its weights';
  return model.imageMount?.kind === ModelImageMountKind.COPY_INIT_CONTAINER
    ? [`weights come from the image ${model.id}: the kubelet pulls ${size} and an init container copies them into the model cache before the server starts (counted in the startup budget's per-GiB time; the copy runs before the startup probe)`]
    : [`weights come from the image ${model.id}, mounted read-only at ${MODEL_IMAGE_MOUNT} (image volume: Kubernetes 1.33+ with the ImageVolume feature gate, on by default from 1.35): the kubelet pulls ${size} before the server starts`];
}
