/**
 * A snapshot serializer for Kubernetes objects that ignores what changes without a change of
 * intent, so a snapshot breaks only when the fleet does:
 * - values of checksum annotations (keys `checksum/...`, or ending in `checksum`, `-hash`,
 *   `/hash`): they change with any input they digest, which the snapshot shows anyway;
 * - generated 10-hex-digit name suffixes (`-873ca37efe`): modelship's content hashes (e.g. the
 *   engine metric groups of a MonitoringStack, lib/monitoring-stack/engine-groups.ts) and cdk8s'
 *   `Names` hashes (`-c8` + 8 hex), wherever they appear (names, labels, PromQL);
 *   they become `-<hash>`.
 * Image digests (`@sha256:...`) are kept: a new digest is a new image.
 * Keys are sorted, so the key order of an object does not matter either.
 */

const HASH_SUFFIX = /-[0-9a-f]{10}(?![0-9A-Za-z])/g;
const CHECKSUM_KEY = /(^checksum\/|checksum$|[-/]hash$)/i;

const isRecord = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isObject = (v: unknown): boolean => isRecord(v) && typeof v.apiVersion === 'string' && typeof v.kind === 'string';

function stable(value: unknown, annotations = false): unknown {
  if (typeof value === 'string') return value.replace(HASH_SUFFIX, '-<hash>');
  if (Array.isArray(value)) return value.map(v => stable(v));
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = value[key];
    out[stable(key) as string] = annotations && CHECKSUM_KEY.test(key) ? '<checksum>' : stable(v, key === 'annotations');
  }
  return out;
}

/** A copy of Kubernetes objects (or one object) with what {@link modelshipSnapshotSerializer} ignores masked and keys sorted. */
export function stableObjects<T>(objects: T): T {
  return stable(objects) as T;
}

const printed = new WeakSet<object>();

/**
 * The serializer: `expect.addSnapshotSerializer(modelshipSnapshotSerializer)` (jest), or
 * `snapshotSerializers` in the jest config via a module exporting it. Applies to a Kubernetes
 * object (`apiVersion` and `kind`) or an array of them.
 */
export const modelshipSnapshotSerializer = {
  test(value: unknown): boolean {
    if (typeof value !== 'object' || value === null || printed.has(value)) return false;
    return isObject(value) || (Array.isArray(value) && value.length > 0 && value.every(isObject));
  },
  serialize(value: unknown, config: unknown, indentation: string, depth: number, refs: unknown, printer: (v: unknown, ...rest: any[]) => string): string {
    const copy = stable(value) as object;
    const mark = (v: unknown): void => {
      if (typeof v === 'object' && v !== null) {
        printed.add(v);
        Object.values(v).forEach(mark);
      }
    };
    mark(copy);
    return printer(copy, config, indentation, depth, refs);
  },
};
