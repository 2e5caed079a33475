import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The CRDs modelship emits objects of, as vendored in the repository and shipped in the package
 * (`vendor/crds/`, upstream and version of each in vendor/crds/SOURCES.md): the schemas and CEL
 * rules `modelship validate` checks custom resources against.
 */

/** One served version of one vendored CRD. */
export interface CrdSchema {
  readonly file: string;
  readonly group: string;
  readonly kind: string;
  readonly version: string;
  readonly served: boolean;
  /** `openAPIV3Schema`, or a schema that accepts anything when the CRD has none. */
  readonly schema: any;
}

/** `vendor/crds` of the package: lib/validate/ and build/validate/ are both two levels below the root. */
export const CRD_DIR = join(__dirname, '..', '..', 'vendor', 'crds');

let files: string[] | undefined;
const parsed = new Set<string>();
const byGroup = new Map<string, CrdSchema[]>();

function parseFile(file: string): void {
  if (parsed.has(file)) return;
  parsed.add(file);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const YAML: typeof import('yaml') = require('yaml');
  for (const doc of YAML.parseAllDocuments(readFileSync(join(CRD_DIR, file), 'utf8'))) {
    const crd = doc.toJS();
    if (crd?.kind !== 'CustomResourceDefinition') continue;
    const group: string = crd.spec.group;
    const list = byGroup.get(group) ?? [];
    for (const v of crd.spec.versions ?? []) {
      list.push({
        file,
        group,
        kind: crd.spec.names.kind,
        version: v.name,
        served: v.served !== false,
        schema: v.schema?.openAPIV3Schema ?? { 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true },
      });
    }
    byGroup.set(group, list);
  }
}

/**
 * The vendored CRD versions of an API group. Files are named `<group>_<plural>.yaml` (the
 * controller-gen convention), so only the group's own files are parsed: YAML parsing is most of
 * the start-up time.
 */
export function crdsOfGroup(group: string): CrdSchema[] {
  if (group === '') return [];
  files ??= existsSync(CRD_DIR) ? readdirSync(CRD_DIR).filter(f => /\.ya?ml$/.test(f)).sort() : [];
  for (const f of files) if (f.startsWith(`${group}_`)) parseFile(f);
  return byGroup.get(group) ?? [];
}

/** Splits `group/version` (`v1` is the core group). */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** The vendored CRD version an object is an instance of, if any. */
export function crdOf(obj: any): CrdSchema | undefined {
  if (typeof obj?.apiVersion !== 'string' || typeof obj?.kind !== 'string') return undefined;
  const { group, version } = splitApiVersion(obj.apiVersion);
  return crdsOfGroup(group).find(c => c.kind === obj.kind && c.version === version);
}
