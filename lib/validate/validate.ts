import { apiServerFindings, objectSizeFindings } from './api-check';
import { celFindings } from './cel-check';
import { podSecurityFindings } from './pod-security';
import { identify, ManifestCheck, ManifestObject, ManifestProblem } from './problem';
import { readManifests } from './read-manifests';
import { schemaFindings, SchemaFinding } from './schema-check';

/**
 * `modelship validate`: every object of a synth output against what a cluster would refuse or
 * warn about, offline. Checks, in order, each an independent class of problem:
 * - `schema`: the Kubernetes OpenAPI schema of core kinds, the vendored CRD schema of custom
 *   resources, strict about unknown fields;
 * - `api-server`: the API server's rules written in Go (names, labels, quantities, ...);
 * - `cel`: the CRDs' `x-kubernetes-validations` rules;
 * - `pod-security`: Pod Security "restricted" on model pods;
 * - `object-size`: what client-side `kubectl apply` can store.
 */

const CHECKS: ReadonlyArray<[ManifestCheck, (obj: any) => SchemaFinding[]]> = [
  ['schema', schemaFindings],
  ['api-server', apiServerFindings],
  ['cel', celFindings],
  ['pod-security', podSecurityFindings],
  ['object-size', objectSizeFindings],
];

/** Every problem of some objects, in object order then check order. */
export function validateObjects(objects: readonly ManifestObject[]): ManifestProblem[] {
  const out: ManifestProblem[] = [];
  const seen = new Map<string, string>();
  for (const { file, index, object } of objects) {
    const { kind, name } = identify(object);
    for (const [check, run] of CHECKS) {
      let findings: SchemaFinding[];
      try {
        findings = run(object);
      } catch (e) {
        // A checker that crashes on an object is a problem to report, not a reason to stop.
        findings = [{ path: '(root)', message: `could not be checked: ${(e as Error).message}` }];
      }
      const unique = new Set<string>();
      for (const f of findings) {
        const key = `${f.path}\u0000${f.message}`;
        if (unique.has(key)) continue;
        unique.add(key);
        out.push({ file, kind, name, path: f.path, message: f.message, check });
      }
    }
    // Two objects with one identity: the second overwrites the first on apply.
    const id = `${object?.apiVersion?.split('/')[0] ?? ''}|${kind}|${object?.metadata?.namespace ?? ''}|${object?.metadata?.name ?? ''}`;
    const first = seen.get(id);
    if (first !== undefined && name !== '?') out.push({ file, kind, name, path: 'metadata.name', message: `duplicate object: ${first} has the same kind, namespace and name (one would overwrite the other)`, check: 'api-server' });
    else seen.set(id, `${file} document ${index}`);
  }
  return out;
}

/** Result of validating a directory. */
export interface ValidationReport {
  readonly files: number;
  readonly objects: number;
  readonly problems: ManifestProblem[];
}

/** Reads every YAML file under `dir` and validates every object. */
export function validateDirectory(dir: string): ValidationReport {
  const read = readManifests(dir);
  return {
    files: new Set(read.objects.map(o => o.file)).size,
    objects: read.objects.length,
    problems: [...read.problems, ...validateObjects(read.objects)],
  };
}

/** Validates plain objects (what `Testing.synth(chart)` returns), named `<source>` in problems. */
export function validateManifests(objects: readonly unknown[], source = 'objects'): ManifestProblem[] {
  return validateObjects(objects.map((object, index) => ({ file: source, index, object })));
}
