/**
 * A small, deterministic YAML writer for the pipeline files: mappings in insertion order, lists,
 * strings, numbers and booleans; multi-line strings as literal blocks (`|`), so shell scripts read
 * as they run. modelship's runtime dependencies have no YAML library, and `modelship init --ci`
 * must work before cdk8s (which bundles one) is installed. Tests parse every output with the
 * `yaml` package, `@actions/workflow-parser` and gitlab-ci-local, never with this file.
 */

/** A value the writer can render. `undefined` entries of a mapping are left out. */
export type YamlValue = string | number | boolean | YamlValue[] | YamlMap;
/** A mapping, rendered in the order of its keys. */
export interface YamlMap { readonly [key: string]: YamlValue | undefined }

/** A comment rendered above the first line of a document. */
export function renderYaml(doc: YamlMap, headerComment: readonly string[] = []): string {
  const lines = headerComment.map(l => (l === '' ? '#' : `# ${l}`));
  lines.push(...mapping(doc, 0));
  return `${lines.join('\n')}\n`;
}

// YAML 1.1 (GitLab's Ruby parser) and 1.2 (GitHub's) read these plain scalars as non-strings.
const RESERVED = /^(?:true|false|yes|no|on|off|y|n|null|~|[-+]?(?:\.inf|\.nan)|[-+]?[0-9][0-9_.:eExXoObB+-]*|0x[0-9a-fA-F]+|\.[0-9].*)$/i;
// Plain scalars that every YAML version reads as the same string: no indicator first, no `: ` or ` #`.
const PLAIN = /^[A-Za-z0-9_./$][A-Za-z0-9_./$@ ()*=!<>,-]*$/;

function scalar(value: string | number | boolean): string {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`yaml: only safe integers are rendered, got ${value}`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (PLAIN.test(value) && !RESERVED.test(value) && !value.endsWith(' ') && !value.includes(': ') && !value.includes(' #')) return value;
  // JSON strings are YAML double-quoted scalars.
  return JSON.stringify(value);
}

/** Keys are written plain where every YAML version reads them as that string (GitHub's `on` among them). */
function key(k: string): string {
  if (k === 'on') return k; // GitHub's own spelling; its parser (YAML 1.2) reads it as a string.
  return /^[A-Za-z_.$][A-Za-z0-9_.-]*$/.test(k) && !RESERVED.test(k) ? k : JSON.stringify(k);
}

function isBlock(value: string): boolean {
  return value.includes('\n');
}

/** A literal block: the text as is, a trailing newline kept (`|`) or stripped (`|-`). */
function block(value: string, indent: number): string[] {
  const pad = ' '.repeat(indent);
  const body = value.endsWith('\n') ? value.slice(0, -1) : value;
  if (body.split('\n').some(l => /\s$/.test(l) || l.includes('\t'))) {
    throw new Error(`yaml: a block line ends in whitespace or holds a tab: ${JSON.stringify(body)}`);
  }
  const indicator = value.endsWith('\n') ? '|' : '|-';
  return [indicator, ...body.split('\n').map(l => (l === '' ? '' : `${pad}${l}`))];
}

function mapping(map: YamlMap, indent: number): string[] {
  const pad = ' '.repeat(indent);
  const out: string[] = [];
  for (const [k, v] of Object.entries(map)) {
    if (v === undefined) continue;
    out.push(...entry(`${pad}${key(k)}:`, v, indent));
  }
  return out;
}

function entry(prefix: string, v: YamlValue, indent: number): string[] {
  if (Array.isArray(v)) {
    if (v.length === 0) return [`${prefix} []`];
    return [prefix, ...sequence(v, indent + 2)];
  }
  if (typeof v === 'object') {
    const inner = mapping(v, indent + 2);
    return inner.length === 0 ? [`${prefix} {}`] : [prefix, ...inner];
  }
  if (typeof v === 'string' && isBlock(v)) {
    const [indicator, ...rest] = block(v, indent + 2);
    return [`${prefix} ${indicator}`, ...rest];
  }
  return [`${prefix} ${scalar(v)}`];
}

function sequence(items: YamlValue[], indent: number): string[] {
  const pad = ' '.repeat(indent);
  const out: string[] = [];
  for (const item of items) {
    if (Array.isArray(item)) {
      throw new Error('yaml: nested sequences are not used by the pipelines');
    } else if (typeof item === 'object') {
      const inner = mapping(item, indent + 2);
      if (inner.length === 0) {
        out.push(`${pad}- {}`);
        continue;
      }
      out.push(`${pad}- ${inner[0].slice(indent + 2)}`, ...inner.slice(1));
    } else if (typeof item === 'string' && isBlock(item)) {
      const [indicator, ...rest] = block(item, indent + 2);
      out.push(`${pad}- ${indicator}`, ...rest);
    } else {
      out.push(`${pad}- ${scalar(item)}`);
    }
  }
  return out;
}
