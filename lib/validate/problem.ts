/** What `modelship validate` found wrong with one field of one object of a synth output. */

/** The check that found a problem. */
export type ManifestCheck = 'parse' | 'schema' | 'api-server' | 'cel' | 'pod-security' | 'object-size';

/** One problem of one object. */
export interface ManifestProblem {
  /** File the object came from, relative to the validated directory (or as given). */
  readonly file: string;
  /** Object kind, or `?` when the document has none. */
  readonly kind: string;
  /** `namespace/name` or `name`, or `?`. */
  readonly name: string;
  /** Dotted field path, e.g. `spec.template.spec.containers[0].image`, or `(root)`. */
  readonly path: string;
  readonly message: string;
  readonly check: ManifestCheck;
}

/** One object read from a synth output. */
export interface ManifestObject {
  readonly file: string;
  /** Index of the document in its file, from 0. */
  readonly index: number;
  readonly object: any;
}

/** `file:kind/name: path: message`, the one-line form of a problem. */
export function formatProblem(p: ManifestProblem): string {
  return `${p.file}:${p.kind}/${p.name}: ${p.path}: ${p.message}`;
}

/** Identifies an object for problem lines: kind and `namespace/name`. */
export function identify(obj: any): { kind: string; name: string } {
  const kind = typeof obj?.kind === 'string' && obj.kind !== '' ? obj.kind : '?';
  const n = obj?.metadata?.name;
  const ns = obj?.metadata?.namespace;
  const name = typeof n === 'string' && n !== '' ? (typeof ns === 'string' && ns !== '' ? `${ns}/${n}` : n) : '?';
  return { kind, name };
}

/** `/a/b~1c/0` -> `a["b/c"][0]`. */
export function pointerToPath(pointer: string): string {
  if (pointer === '') return '(root)';
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^[0-9]+$/.test(seg)) out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** Escapes a key for a JSON pointer. */
export function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Whether a value is a JSON object (not null, not an array). */
export function isRecord(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
