import { IConstruct } from 'constructs';
import { effectiveImage, imagePolicySettings, imageSites, ImageUse } from '../private/image-policy';

/** Where one image is used: the construct and the property that set it. */
export interface ImageUsage {
  /** Construct path, e.g. `llm-prod/llama-8b`. */
  readonly path: string;
  /** Property that set the image, e.g. `runtime.image`. */
  readonly property: string;
  /** `container`, `initContainer` or `imageVolume`. */
  readonly use: string;
}

/** One image of the plan. */
export interface ImagePlanEntry {
  /** The reference as written. */
  readonly image: string;
  /** The reference the kubelet pulls (differs under an ImagePolicy `registryMirror`). */
  readonly pulledAs: string;
  /** The digest (`sha256:...`) when pinned by one. */
  readonly digest?: string;
  /** The tag, when the reference has one. */
  readonly tag?: string;
  /** Every construct and property that uses it, in render order. */
  readonly usedBy: readonly ImageUsage[];
}

/** Every image the pods under a scope pull (the whole app for the App), once each, in the order the constructs rendered them. */
export function buildImagePlan(scope: IConstruct): ImagePlanEntry[] {
  const byImage = new Map<string, { image: string; usedBy: ImageUsage[] }>();
  // Images of constructs under the scope (the whole app when the scope is the App).
  const prefix = scope.node.path;
  const under = (path: string) => prefix === '' || path === prefix || path.startsWith(`${prefix}/`);
  for (const site of imageSites(scope).filter(s => under(s.path))) {
    const entry = byImage.get(site.image) ?? { image: site.image, usedBy: [] };
    const use: ImageUse = site.use;
    if (!entry.usedBy.some(u => u.path === site.path && u.property === site.property && u.use === use)) {
      entry.usedBy.push({ path: site.path, property: site.property, use });
    }
    byImage.set(site.image, entry);
  }
  return [...byImage.values()].map(e => {
    const at = e.image.indexOf('@');
    const name = at >= 0 ? e.image.slice(0, at) : e.image;
    const last = name.slice(name.lastIndexOf('/') + 1);
    const colon = last.indexOf(':');
    return {
      image: e.image,
      pulledAs: effectiveImage(scope, e.image),
      ...(at >= 0 ? { digest: e.image.slice(at + 1) } : {}),
      ...(colon >= 0 ? { tag: last.slice(colon + 1) } : {}),
      usedBy: e.usedBy,
    };
  });
}

/** The PLAN.md section listing images (empty when the app renders none). */
export function renderImagesSection(scope: IConstruct, entries: readonly ImagePlanEntry[]): string[] {
  if (entries.length === 0) return [];
  const settings = imagePolicySettings(scope);
  const mirror = settings?.registryMirror;
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
  const pin = (e: ImagePlanEntry) => (e.digest ? `digest ${e.digest}` : e.tag ? `tag ${e.tag} (not a digest)` : 'nothing (latest)');
  const used = (e: ImagePlanEntry) => e.usedBy.map(u => `${u.path} (${u.property}${u.use === 'container' ? '' : `, ${u.use}`})`).join('; ');
  const head = mirror ? ['image', 'pulled as', 'pinned by', 'used by'] : ['image', 'pinned by', 'used by'];
  const rows = entries.map(e => (mirror ? [e.image, e.pulledAs, pin(e), used(e)] : [e.image, pin(e), used(e)]));
  const policy = settings
    ? `Image policy ${settings.declaredAt}: ${[
      settings.requireDigests ? 'every image pinned by digest' : 'digests not required',
      mirror ? `pulled from the mirror ${mirror.text}` : 'pulled from their own registries',
      settings.imagePullSecrets.length > 0 ? `pull secrets ${settings.imagePullSecrets.join(', ')}` : 'no pull secrets',
    ].join('; ')}.`
    : 'No ImagePolicy: images are pulled from their own registries, pinned as written.';
  return [
    '## Images', '',
    policy, '',
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map(r => `| ${r.map(cell).join(' | ')} |`),
    '',
  ];
}
