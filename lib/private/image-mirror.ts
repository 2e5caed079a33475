/**
 * Where an image lives, fully spelled out, and where it lives in a mirror registry.
 *
 * Normalisation follows github.com/distribution/reference normalize.go (v0.6.0,
 * `ParseNormalizedNamed` / `splitDockerDomain`), the parser the kubelet and containerd's CRI use:
 * - the first '/'-separated component is a registry only when it is `localhost`, contains '.' or ':',
 *   or has an uppercase letter; otherwise the image is on Docker Hub, `docker.io`;
 * - `index.docker.io` (the legacy Docker Hub name) is `docker.io`;
 * - on `docker.io` only, a one-component path is an official image under `library/`
 *   (`ubuntu` and `docker.io/ubuntu` are both `docker.io/library/ubuntu`).
 * The tag and the digest are kept as written (no `:latest` is added).
 *
 * The mirror layout keeps the source registry as the first path component below the mirror:
 * `<mirror>/<registry>/<path>[:tag][@digest]`, so `nvcr.io/nvidia/x` and `docker.io/nvidia/x`
 * cannot collide in the mirror. A path component cannot hold ':' or uppercase letters, so a
 * registry with a port is written with '_' (`localhost:5000` -> `localhost_5000`) and lowercased.
 * `crane copy`/`skopeo copy` to the same destination fill the mirror (docs/images.md).
 */
import { IMAGE_NAME_MAX, parseImageReference } from './api-rules/image-reference';

/** Docker Hub's canonical registry name in a normalised reference (normalize.go `defaultDomain`). */
export const DOCKER_HUB_DOMAIN = 'docker.io';
/** Docker Hub's legacy name, read as `docker.io` (normalize.go `legacyDefaultDomain`). */
export const DOCKER_HUB_LEGACY_DOMAIN = 'index.docker.io';
/** Namespace of Docker Hub's official images (normalize.go `officialRepoPrefix`). */
export const DOCKER_OFFICIAL_PREFIX = 'library/';

/** A reference with its registry spelled out. */
export interface NormalizedImage {
  /** Registry host[:port], e.g. `docker.io`, `nvcr.io`, `localhost:5000`. */
  readonly domain: string;
  /** Repository path in the registry, e.g. `library/ubuntu`, `vllm/vllm-openai`. */
  readonly path: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** The reference with its registry and path spelled out, or undefined when it is not a valid reference. */
export function normalizeImage(image: string): NormalizedImage | undefined {
  const parsed = parseImageReference(image);
  if ('reasons' in parsed) return undefined;
  let domain = parsed.domain ?? DOCKER_HUB_DOMAIN;
  if (domain === DOCKER_HUB_LEGACY_DOMAIN) domain = DOCKER_HUB_DOMAIN;
  const path = domain === DOCKER_HUB_DOMAIN && !parsed.path.includes('/') ? `${DOCKER_OFFICIAL_PREFIX}${parsed.path}` : parsed.path;
  return { domain, path, tag: parsed.tag, digest: parsed.digest };
}

/** `domain/path[:tag][@digest]`. */
export function renderImage(n: NormalizedImage): string {
  return `${n.domain}/${n.path}${n.tag !== undefined ? `:${n.tag}` : ''}${n.digest !== undefined ? `@${n.digest}` : ''}`;
}

/** A mirror: registry host[:port] and an optional path below it (`registry.corp:5000/ml-mirror`). */
export interface RegistryMirrorTarget {
  readonly domain: string;
  /** Path below the registry, without leading or trailing '/', possibly empty. */
  readonly path: string;
}

/**
 * Parses a mirror location `host[:port][/path]`, or returns why it is not one. The host must read as
 * a registry under normalize.go's rule (a '.', a ':' or `localhost`), or every mirrored image would
 * silently resolve to Docker Hub.
 */
export function parseRegistryMirror(value: string): RegistryMirrorTarget | { readonly reasons: string[] } {
  if (value.includes('://')) return { reasons: ['a mirror is a registry host and path, not a URL (no scheme)'] };
  if (/[:@]/.test(value.split('/').slice(1).join('/'))) return { reasons: ['a mirror has no tag or digest'] };
  const trimmed = value.replace(/\/+$/, '');
  const [domain, ...rest] = trimmed.split('/');
  if (!(domain === 'localhost' || /[.:]/.test(domain))) {
    return { reasons: [`"${domain}" would be read as a Docker Hub namespace, not a registry: a registry host has a '.', a port (':') or is localhost`] };
  }
  // The mirror plus a probe path must be a valid image name: checks host, port and path grammar at once.
  const probe = parseImageReference(`${trimmed}/docker.io/x`);
  if ('reasons' in probe || probe.domain !== domain) {
    return { reasons: ['is not a registry host[:port] followed by lowercase path components ([a-z0-9] separated by ".", "_", "__" or "-")'] };
  }
  return { domain, path: rest.join('/') };
}

/** The reference of `image` in `mirror` (digest and tag kept); an image already in the mirror is unchanged. */
export function mirrorImage(image: string, mirror: RegistryMirrorTarget): string {
  const n = normalizeImage(image);
  if (!n) return image;
  const prefix = mirror.path ? `${mirror.path}/` : '';
  if (n.domain === mirror.domain && n.path.startsWith(prefix)) return image;
  return renderImage({ ...n, domain: mirror.domain, path: `${prefix}${mirrorComponent(n.domain)}/${n.path}` });
}

/** The path component a source registry becomes in the mirror: lowercase, ':' (a port) as '_'. */
export function mirrorComponent(domain: string): string {
  return domain.toLowerCase().replace(/:/g, '_');
}

/** Why a mirrored reference would be refused by the kubelet (the path grows by the mirror path and the source registry). */
export function mirroredImageProblem(mirrored: string): string | undefined {
  const parsed = parseImageReference(mirrored);
  if (!('reasons' in parsed)) return undefined;
  return `${parsed.reasons.join('; ')} (distribution/reference allows ${IMAGE_NAME_MAX} characters of repository path)`;
}
