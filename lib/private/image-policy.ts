/**
 * The app-wide image policy as every construct sees it: one call per image a construct renders
 * (`resolveImage`) and one per pod spec (`podImagePullSecrets`). Both return values that cdk8s
 * resolves at synth (an object with `resolve()`, cdk8s's implicit token), so an `ImagePolicy`
 * declared after the constructs still applies, and the image as written stays what the constructs
 * compare and snapshot before synth (`toJSON`).
 *
 * Keep the returned values as they are in the structs you build (spreading a template is fine);
 * a JSON round trip (`JSON.parse(JSON.stringify(template))`) would freeze the image as written and
 * bypass the mirror.
 *
 * Every image is recorded with the construct path and property that set it; at synth, before any
 * file is written, a cross-check refuses unpinned images under `requireDigests` and mirrored
 * references the kubelet would refuse. PLAN.md's image list reads the same record.
 */
import { IConstruct } from 'constructs';
import { addCrossCheck, Problem } from '../errors';
import { mirroredImageProblem, mirrorImage, normalizeImage, RegistryMirrorTarget } from './image-mirror';

/** What an installed policy asks for. */
export interface ImagePolicySettings {
  /** Construct path of the ImagePolicy, for messages. */
  readonly declaredAt: string;
  readonly requireDigests: boolean;
  /** The mirror as written, and parsed. */
  readonly registryMirror?: { readonly text: string; readonly target: RegistryMirrorTarget };
  readonly imagePullSecrets: readonly string[];
}

/** How an image is used in a pod. */
export type ImageUse = 'container' | 'initContainer' | 'imageVolume';

/** Where an image is set: the construct, its property, the image as written, and its use. */
export interface ImageSite {
  /** Construct path, e.g. `llm-prod/llama-8b`. */
  readonly path: string;
  /** Property that set it, e.g. `runtime.image`, `devicePlugin.image`, `model` (an image model). */
  readonly property: string;
  /** The reference as written (before any mirror). */
  readonly image: string;
  readonly use: ImageUse;
}

/** Options of `resolveImage`. */
export interface ResolveImageOptions {
  /** Property of the construct that set the image (named in messages and PLAN.md). */
  readonly property: string;
  /** @default 'container' */
  readonly use?: ImageUse;
}

interface AppImageState {
  settings?: ImagePolicySettings;
  readonly sites: ImageSite[];
  readonly siteKeys: Set<string>;
}

const STATE = Symbol.for('modelship.imagePolicy.state');

function stateOf(scope: IConstruct): AppImageState {
  const root = scope.node.root as IConstruct & { [STATE]?: AppImageState };
  let state = root[STATE];
  if (!state) {
    state = { sites: [], siteKeys: new Set() };
    Object.defineProperty(root, STATE, { value: state, enumerable: false });
    const s = state;
    addCrossCheck(root, () => imagePolicyProblems(s));
  }
  return state;
}

/** The policy installed in the scope's App, if any. */
export function imagePolicySettings(scope: IConstruct): ImagePolicySettings | undefined {
  return stateOf(scope).settings;
}

/** Installs the App's policy; returns the path of a policy already installed instead, if there is one. */
export function installImagePolicy(scope: IConstruct, settings: ImagePolicySettings): string | undefined {
  const state = stateOf(scope);
  if (state.settings) return state.settings.declaredAt;
  state.settings = settings;
  return undefined;
}

/** The reference an image is pulled as under the App's policy (mirrored, digest and tag kept). */
export function effectiveImage(scope: IConstruct, image: string): string {
  const mirror = stateOf(scope).settings?.registryMirror;
  return mirror ? mirrorImage(image, mirror.target) : image;
}

/** A value cdk8s resolves at synth (ImplicitTokenResolver: any object with `resolve()`). */
class PolicyImage {
  constructor(public readonly written: string, state: AppImageState) {
    Object.defineProperty(this, 'state', { value: state, enumerable: false });
  }
  public resolve(): string {
    const mirror = (this as unknown as { state: AppImageState }).state.settings?.registryMirror;
    return mirror ? mirrorImage(this.written, mirror.target) : this.written;
  }
  /** Before synth (comparisons, snapshots of templates) the image reads as written. */
  public toJSON(): string {
    return this.written;
  }
}

/**
 * The image a construct puts in a pod, under the App's image policy: mirrored at synth when the
 * policy has a `registryMirror`, and checked against `requireDigests`. Every image site calls it:
 *
 * `image: resolveImage(this, image, { property: 'runtime.image' })`
 *
 * Typed as a string for the k8s structs; it is an object cdk8s resolves when it renders.
 */
export function resolveImage(scope: IConstruct, image: string, options: ResolveImageOptions): string {
  const state = stateOf(scope);
  const site: ImageSite = { path: scope.node.path, property: options.property, image, use: options.use ?? 'container' };
  const key = `${site.path}\u0000${site.property}\u0000${site.image}\u0000${site.use}`;
  if (!state.siteKeys.has(key)) {
    state.siteKeys.add(key);
    state.sites.push(site);
  }
  return new PolicyImage(image, state) as unknown as string;
}

/**
 * A pod spec's `imagePullSecrets` under the App's policy (undefined without pull secrets). An array
 * (empty until synth) so code that maps a pod spec before synth (cdk8s-plus's `toJson_PodSpec`)
 * still can; such copies are plain arrays (`Symbol.species`), only this one resolves.
 */
class PolicyPullSecrets extends Array<{ name: string }> {
  public static get [Symbol.species](): ArrayConstructor { return Array; }
  public static create(state: AppImageState): PolicyPullSecrets {
    const list = new PolicyPullSecrets();
    Object.defineProperty(list, 'state', { value: state, enumerable: false });
    return list;
  }
  public resolve(): Array<{ name: string }> | undefined {
    const names = (this as unknown as { state: AppImageState }).state.settings?.imagePullSecrets ?? [];
    return names.length > 0 ? names.map(name => ({ name })) : undefined;
  }
  public toJSON(): Array<{ name: string }> | undefined {
    return this.resolve();
  }
}

/**
 * The `imagePullSecrets` of a pod spec under the App's image policy; every pod spec sets it:
 *
 * `imagePullSecrets: podImagePullSecrets(this)`
 */
export function podImagePullSecrets(scope: IConstruct): Array<{ name: string }> {
  return PolicyPullSecrets.create(stateOf(scope));
}

/** Every image site recorded in the scope's App, in the order the constructs rendered them. */
export function imageSites(scope: IConstruct): readonly ImageSite[] {
  return stateOf(scope).sites;
}

/** A digest-pinning fix for one image. */
function pinFix(site: ImageSite): string {
  const n = normalizeImage(site.image);
  const name = n ? `${n.domain}/${n.path}${n.tag !== undefined ? `:${n.tag}` : ''}` : site.image;
  return `pin ${site.property} by digest: "${site.image}@sha256:<64 hex>" (keep the tag for readers; the digest is what is pulled). `
    + `Read the digest with \`crane digest ${name}\` or \`docker buildx imagetools inspect ${name}\``;
}

function imagePolicyProblems(state: AppImageState): Problem[] {
  const settings = state.settings;
  if (!settings) return [];
  const problems: Problem[] = [];
  for (const site of state.sites) {
    // Any digest go-digest accepts pins the bytes (sha256, sha384, sha512); the reference itself was
    // checked by the construct that set it.
    if (settings.requireDigests && normalizeImage(site.image)?.digest === undefined) {
      problems.push({
        path: site.path,
        property: site.property,
        value: JSON.stringify(site.image),
        reason: `the image policy ${settings.declaredAt} requires every image to be pinned by digest (requireDigests), and ${site.image} is not: a tag can be moved to other bytes under a running fleet`,
        fix: pinFix(site),
      });
    }
    const mirror = settings.registryMirror;
    if (mirror) {
      const mirrored = mirrorImage(site.image, mirror.target);
      const why = mirroredImageProblem(mirrored);
      if (why) {
        problems.push({
          path: site.path,
          property: site.property,
          value: JSON.stringify(site.image),
          reason: `in the mirror ${mirror.text} the image becomes ${mirrored}, which the kubelet refuses: ${why}`,
          fix: 'use a shorter mirror path, or a shorter repository path for this image',
        });
      }
    }
  }
  return problems;
}
