/**
 * The container images a Kubernetes object runs, read from the rendered object (after every
 * rewrite a construct or policy applied), for plan.json and `modelship images`.
 *
 * Pod specs are found by shape, not by kind, so every workload kind is covered without a list:
 * any object holding a `containers` array is a pod spec (Pod, Deployment, StatefulSet, DaemonSet,
 * Job and CronJob templates, Argo Rollout, LeaderWorkerSet leader and worker templates). From each:
 * `containers`, `initContainers`, `ephemeralContainers` (`image`) and image volumes
 * (`volumes[].image.reference`, the `image` volume source of Kubernetes 1.31+, beta in 1.33:
 * kubernetes/kubernetes pkg/apis/core/types.go `ImageVolumeSource.Reference`).
 */

/** Where an image is used in a pod spec. */
export type ImageUse = 'container' | 'initContainer' | 'ephemeralContainer' | 'imageVolume';

/** One image reference found in an object. */
export interface ImageRef {
  /** The reference as written, e.g. `vllm/vllm-openai:v0.9.2` or `repo@sha256:...`. */
  readonly image: string;
  readonly use: ImageUse;
  /** Container or volume name. */
  readonly name: string;
  /** Dotted path of the field, e.g. `spec.template.spec.containers[0].image`. */
  readonly path: string;
}

const CONTAINER_LISTS: ReadonlyArray<[string, ImageUse]> = [
  ['initContainers', 'initContainer'],
  ['containers', 'container'],
  ['ephemeralContainers', 'ephemeralContainer'],
];

function isRecord(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every image reference in one rendered object, in document order. */
export function imagesOfObject(obj: unknown): ImageRef[] {
  const out: ImageRef[] = [];
  const visit = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, `${path}[${i}]`));
      return;
    }
    if (!isRecord(value)) return;
    if (Array.isArray(value.containers)) {
      for (const [field, use] of CONTAINER_LISTS) {
        const list = value[field];
        if (!Array.isArray(list)) continue;
        list.forEach((c, i) => {
          if (isRecord(c) && typeof c.image === 'string') out.push({ image: c.image, use, name: String(c.name ?? ''), path: `${path}.${field}[${i}].image` });
        });
      }
      if (Array.isArray(value.volumes)) {
        value.volumes.forEach((v: unknown, i: number) => {
          if (isRecord(v) && isRecord(v.image) && typeof v.image.reference === 'string') {
            out.push({ image: v.image.reference, use: 'imageVolume', name: String(v.name ?? ''), path: `${path}.volumes[${i}].image.reference` });
          }
        });
      }
    }
    for (const [key, child] of Object.entries(value)) {
      if (typeof child === 'object' && child !== null) visit(child, path === '' ? key : `${path}.${key}`);
    }
  };
  visit(obj, '');
  // A pod spec nested under another pod spec's key is visited once per level; keep each path once.
  const seen = new Set<string>();
  return out.filter(r => (seen.has(r.path) ? false : (seen.add(r.path), true)));
}

/** The distinct image references of some objects, sorted (code-point order, locale-independent). */
export function distinctImages(objects: readonly unknown[]): string[] {
  const all = new Set<string>();
  for (const o of objects) for (const r of imagesOfObject(o)) all.add(r.image);
  return [...all].sort(compareStrings);
}

/** Code-point comparison: the same order on every machine and locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether a reference pins a digest (`@sha256:...`). */
export function isDigestPinned(image: string): boolean {
  return /@[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/.test(image);
}
