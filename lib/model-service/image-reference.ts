/** The tag of an image reference, or undefined when it has none (`repo` or `host:5000/repo`). */
export function imageTag(image: string): string | undefined {
  if (image.includes('@')) return undefined;
  const lastSegment = image.split('/').pop() ?? image;
  const colon = lastSegment.indexOf(':');
  return colon >= 0 ? lastSegment.slice(colon + 1) : undefined;
}

/** Whether the reference is pinned by digest (the algorithms opencontainers/go-digest v1.0.0 knows). */
export function hasDigest(image: string): boolean {
  return /@(sha256:[a-f0-9]{64}|sha384:[a-f0-9]{96}|sha512:[a-f0-9]{128})$/.test(image);
}

/**
 * Why an image reference may change under a running fleet (`latest` or no tag), or undefined
 * when it is pinned by a tag or a digest.
 */
export function mutableImageReason(image: string): string | undefined {
  if (hasDigest(image)) return undefined;
  const tag = imageTag(image);
  if (tag === undefined || tag === '') return 'the image has no tag, so it means `latest`';
  if (tag === 'latest') return 'the image is tagged `latest`';
  return undefined;
}
