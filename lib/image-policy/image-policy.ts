import { Construct, IConstruct } from 'constructs';
import { Problems, ValidationError } from '../errors';
import { checkDns1123Subdomain } from '../private/api-rules';
import { mirrorImage, parseRegistryMirror } from '../private/image-mirror';
import { imagePolicySettings, installImagePolicy } from '../private/image-policy';
import { guardProps, is } from '../private/prop-guards';

/** Props of {@link ImagePolicy}. */
export interface ImagePolicyProps {
  /**
   * Refuse to synthesize while any image of the app (engine servers, init containers, model
   * images, node agents such as the device plugin and the DCGM exporter, and every other image a
   * modelship construct renders) is not pinned by digest (`...@sha256:<64 hex>`). Each unpinned
   * image is one problem of the ValidationError, named with the construct path and property that
   * set it.
   * @default false
   */
  readonly requireDigests?: boolean;
  /**
   * Registry (and optional path) every image is pulled from instead of its own, for air-gapped
   * clusters: `registry.corp.example:5000/ml-mirror`. An image becomes
   * `<mirror>/<source registry>/<repository>[:tag][@digest]` after Docker's normalisation
   * (`vllm/vllm-openai:v0.9.2` is `docker.io/vllm/vllm-openai:v0.9.2`, `ubuntu` is
   * `docker.io/library/ubuntu`); an image already in the mirror is kept. See docs/images.md.
   * @default - none: images are pulled from where they are published
   */
  readonly registryMirror?: string;
  /**
   * Secrets (type `kubernetes.io/dockerconfigjson`) with the registry credentials, set as
   * `imagePullSecrets` on every pod modelship renders. Referenced by name, never read: each must
   * exist in every namespace those pods run in (the model namespaces, `kube-system` for the device
   * plugin, `gpu-system` for the DCGM exporter).
   * @default - none
   */
  readonly imagePullSecrets?: string[];
}

const FIELDS = {
  requireDigests: is.boolean(),
  registryMirror: is.string('registry.corp.example:5000/ml-mirror'),
  imagePullSecrets: is.array(is.string('registry-credentials'), '["registry-credentials"]'),
};

/**
 * Where the images of an app come from and how they are pinned: one per cdk8s App, wherever in
 * the tree it is declared (the App or any Chart), before or after the constructs it governs.
 *
 * ```ts
 * new ImagePolicy(app, 'images', {
 *   requireDigests: true,
 *   registryMirror: 'registry.corp.example:5000/ml-mirror',
 *   imagePullSecrets: ['mirror-credentials'],
 * });
 * ```
 */
export class ImagePolicy extends Construct {
  /** The image policy of the scope's App, if one was declared. */
  public static of(scope: IConstruct): ImagePolicy | undefined {
    const settings = imagePolicySettings(scope);
    if (!settings) return undefined;
    const found = scope.node.root.node.findAll().find(c => c instanceof ImagePolicy && c.node.path === settings.declaredAt);
    return found as ImagePolicy | undefined;
  }

  /** Whether every image must be pinned by digest. */
  public readonly requireDigests: boolean;
  /** The mirror registry (and path), if any. */
  public readonly registryMirror?: string;
  /** Names of the pull secrets every pod references. */
  public readonly imagePullSecrets: readonly string[];

  constructor(scope: Construct, id: string, props: ImagePolicyProps = {}) {
    if (!(scope instanceof Construct)) {
      throw new ValidationError([{ path: String(id), property: 'scope', value: String(scope), reason: 'an ImagePolicy needs a construct scope (the cdk8s App or a Chart)', fix: 'pass the app: new ImagePolicy(app, "images", {...})' }]);
    }
    super(scope, id);
    const problems = new Problems(this.node.path);
    if (!guardProps(problems, props, FIELDS, '{ registryMirror: "registry.corp.example:5000/ml-mirror" }')) problems.throwIfAny();
    const mirrorText = props.registryMirror;
    let target;
    if (mirrorText !== undefined) {
      const parsed = parseRegistryMirror(mirrorText);
      if ('reasons' in parsed) {
        problems.add('registryMirror', mirrorText, parsed.reasons.join('; '),
          'give the mirror as host[:port][/path], lowercase path, no scheme: e.g. "registry.corp.example:5000/ml-mirror"');
      } else {
        target = parsed;
      }
    }
    const secrets = props.imagePullSecrets ?? [];
    const seen = new Set<string>();
    secrets.forEach((name, i) => {
      // Secret names are DNS-1123 subdomains (the API server validates metadata.name of a Secret so).
      checkDns1123Subdomain(problems, `imagePullSecrets[${i}]`, name);
      if (seen.has(name)) {
        problems.add(`imagePullSecrets[${i}]`, name, `"${name}" is listed twice: the pod spec would carry a duplicate imagePullSecrets entry`, 'list each secret once');
      }
      seen.add(name);
    });
    problems.throwIfAny();
    const earlier = installImagePolicy(this, {
      declaredAt: this.node.path,
      requireDigests: props.requireDigests ?? false,
      registryMirror: target && mirrorText !== undefined ? { text: mirrorText, target } : undefined,
      imagePullSecrets: [...secrets],
    });
    if (earlier !== undefined) {
      throw new ValidationError([{
        path: this.node.path,
        property: 'scope',
        value: JSON.stringify(this.node.path),
        reason: `the app already has an image policy (${earlier}); one policy governs every image of an app`,
        fix: `put every setting in the one ImagePolicy at ${earlier}`,
      }]);
    }
    this.requireDigests = props.requireDigests ?? false;
    this.registryMirror = mirrorText;
    this.imagePullSecrets = [...secrets];
  }

  /** The reference `image` is pulled as under this policy (mirrored, tag and digest kept). */
  public pullReference(image: string): string {
    const target = this.registryMirror !== undefined ? parseRegistryMirror(this.registryMirror) : undefined;
    return target && !('reasons' in target) ? mirrorImage(image, target) : image;
  }
}
