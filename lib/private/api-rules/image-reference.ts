/**
 * Container image references, as the kubelet parses them before it pulls (an invalid one leaves the
 * pod in `InvalidImageName`; the API server itself only requires a non-empty string).
 *
 * Reimplements github.com/distribution/reference v0.6.0 regexp.go and reference.go `Parse`:
 * - name: optional domain (`domainNameComponent(\.domainNameComponent)*` or a bracketed IPv6, optional
 *   `:port`) and '/', then path components `[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*` joined by '/'
 *   (lowercase only: `ErrNameContainsUppercase`), the path at most 255 characters (`RepositoryNameTotalLengthMax`);
 * - tag: `[\w][\w.-]{0,127}`;
 * - digest: `[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][[:xdigit:]]{32,}`, and
 *   opencontainers/go-digest v1.0.0 `Parse` then requires a known algorithm with its exact encoding
 *   (sha256: 64, sha384: 96, sha512: 128 lowercase hex characters).
 * The kubelet parses with normalize.go `ParseNormalizedNamed` (docker.io/library/ added to short
 * names), whose grammar is this one plus: a bare 64-hex string is refused, and the first component is
 * a registry only when it has a '.' or ':' or is `localhost` (`splitDockerDomain`).
 */
import { ProblemSink, describeType, report } from './sink';

const ALNUM = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_NAME = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*`;
const IPV6 = '\\[(?:[a-fA-F0-9:]+)\\]';
const DOMAIN_AND_PORT = `(?:${DOMAIN_NAME}|${IPV6})(?::[0-9]+)?`;
const REMOTE_NAME = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const NAME = `(?:${DOMAIN_AND_PORT}/)?${REMOTE_NAME}`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const ANCHORED_TAG = new RegExp(`^${TAG}$`);
const ANCHORED_DOMAIN = new RegExp(`^${DOMAIN_AND_PORT}$`);
/** Longest repository name distribution/reference accepts. */
export const IMAGE_NAME_MAX = 255;
const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

/** The parts of an image reference. */
export interface ImageReference {
  /** Registry host and port, when the reference names one (`ghcr.io`, `localhost:5000`). */
  readonly domain?: string;
  /** Repository path (`vllm/vllm-openai`). */
  readonly path: string;
  /** Tag, when given. */
  readonly tag?: string;
  /** Digest, when given (`sha256:<64 hex>`). */
  readonly digest?: string;
}

/** Parses an image reference, or returns the reasons it is invalid. */
export function parseImageReference(value: string): ImageReference | { readonly reasons: string[] } {
  if (value === '') return { reasons: ['an image reference must not be empty'] };
  // normalize.go ParseNormalizedNamed: a bare 64-hex string is an image ID, not a name.
  if (/^[a-f0-9]{64}$/.test(value)) return { reasons: ['a 64-character hex string is an image ID, not a repository name'] };
  const m = REFERENCE.exec(value);
  if (!m) return { reasons: [explainInvalid(value)] };
  const [, name, tag, digest] = m;
  const reasons: string[] = [];
  // normalize.go splitDockerDomain: the first component is a registry only when it has a '.' or a
  // ':', is 'localhost', or has an uppercase letter; otherwise the name is on docker.io.
  const slash = name.indexOf('/');
  const first = slash >= 0 ? name.slice(0, slash) : '';
  const isDomain = slash >= 0 && (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase())
    // reference.go Parse then reads an invalid host ("a_b.com") as the first path component.
    && ANCHORED_DOMAIN.test(first);
  // v0.6.0 reference.go Parse measures the path of the normalized name (registry left out, `library/` in).
  const path = isDomain ? name.slice(slash + 1) : `${slash >= 0 ? '' : 'library/'}${name}`;
  if (path.length > IMAGE_NAME_MAX) {
    reasons.push(`the repository path "${path}" is ${path.length} characters, over the ${IMAGE_NAME_MAX} distribution/reference accepts`);
  }
  if (digest !== undefined) {
    const [algorithm, hex] = digest.split(':');
    const want = DIGEST_HEX_LENGTH[algorithm];
    if (want === undefined) reasons.push(`digest algorithm "${algorithm}" is not one of sha256, sha384, sha512`);
    else if (hex.length !== want || !/^[a-f0-9]+$/.test(hex)) reasons.push(`a ${algorithm} digest is ${want} lowercase hex characters`);
  }
  if (reasons.length > 0) return { reasons };
  const domain = isDomain ? first : undefined;
  return {
    ...(domain !== undefined ? { domain } : {}),
    path: isDomain ? name.slice(slash + 1) : name,
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

function explainInvalid(value: string): string {
  if (/\s/.test(value)) return 'an image reference must not contain whitespace';
  if (REFERENCE.test(lowercaseRepository(value))) return 'the repository part of an image reference must be lowercase';
  const lastSlash = value.lastIndexOf('/');
  const last = value.slice(lastSlash + 1).split('@')[0];
  if ((last.match(/:/g) ?? []).length > 1) return 'an image reference has at most one ":tag" after the repository';
  const colon = last.indexOf(':');
  if (colon >= 0 && !ANCHORED_TAG.test(last.slice(colon + 1))) {
    return "the tag must be 1-128 letters, digits, '_', '.' and '-', not starting with '.' or '-'";
  }
  return 'is not an image reference ([registry[:port]/]repository[:tag][@digest], repository lowercase)';
}

/** The repository part lowercased (the tag and digest kept): what a user who typed `VLLM/Server:v1` meant. */
function lowercaseRepository(value: string): string {
  const at = value.indexOf('@');
  const beforeDigest = at >= 0 ? value.slice(0, at) : value;
  const digest = at >= 0 ? value.slice(at) : '';
  const lastSlash = beforeDigest.lastIndexOf('/');
  const colon = beforeDigest.indexOf(':', lastSlash + 1);
  const repo = colon >= 0 ? beforeDigest.slice(0, colon) : beforeDigest;
  const tag = colon >= 0 ? beforeDigest.slice(colon) : '';
  // The registry host may keep its case; the path after it may not.
  const slash = repo.indexOf('/');
  const host = slash >= 0 && /[.:]|^localhost$/.test(repo.slice(0, slash)) ? repo.slice(0, slash + 1) : '';
  return host + repo.slice(host.length).toLowerCase() + tag + digest;
}

/** Checks an image reference the kubelet can pull. */
export function checkImageReference(sink: ProblemSink, property: string, value: unknown): boolean {
  if (typeof value !== 'string') {
    return report(sink, property, value, [`an image reference must be a string, got ${describeType(value)}`], 'give an image like "vllm/vllm-openai:v0.9.2"');
  }
  const parsed = parseImageReference(value);
  if (!('reasons' in parsed)) return true;
  const suggestion = suggestImageReference(value);
  return report(sink, property, value, parsed.reasons, suggestion
    ? `use "${suggestion}"`
    : 'write [registry[:port]/]repository[:tag][@sha256:<64 hex>], e.g. "vllm/vllm-openai:v0.9.2"');
}

/** Checks an image tag on its own (e.g. a tag built from a version). */
export function checkImageTag(sink: ProblemSink, property: string, value: unknown): boolean {
  if (typeof value !== 'string') return report(sink, property, value, [`an image tag must be a string, got ${describeType(value)}`], 'give a tag like "v0.9.2"');
  if (ANCHORED_TAG.test(value)) return true;
  const suggestion = value.replace(/[^\w.-]+/g, '-').replace(/^[.-]+/, '').slice(0, 128);
  return report(sink, property, value, ["an image tag must be 1-128 letters, digits, '_', '.' and '-', not starting with '.' or '-'"],
    suggestion ? `use a tag like "${suggestion}"` : 'use a tag like "v1"');
}

/** A valid reference close to `value` (whitespace removed, repository lowercased), or undefined. */
export function suggestImageReference(value: string): string | undefined {
  const candidate = lowercaseRepository(value.replace(/\s+/g, '-'));
  return candidate !== value && !('reasons' in parseImageReference(candidate)) ? candidate : undefined;
}
