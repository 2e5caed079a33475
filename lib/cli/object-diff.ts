/**
 * What a change does to the objects of a synth output: added, removed and changed objects, and
 * for a changed object the field paths that differ (a summary, not a text diff). Objects match
 * by API group, kind, namespace and name (the identity the API server keys them by; a version
 * bump of the same kind is a change of `apiVersion`, not a removal).
 */
import { compareStrings } from '../report/object-images';

/** One object of a synth output. */
export interface DiffObject {
  readonly file: string;
  readonly object: any;
}

/** An object that exists on both sides with different content. */
export interface ChangedObject {
  readonly id: string;
  /** Paths that differ, e.g. `spec.replicas`, `spec.template.spec.containers[server].image`. */
  readonly paths: string[];
}

/** The object-level difference of two synth outputs. */
export interface ObjectDiff {
  readonly added: string[];
  readonly removed: string[];
  readonly changed: ChangedObject[];
  readonly unchanged: number;
}

/** `Kind namespace/name` (`Kind name` when cluster-scoped). */
export function objectId(obj: any): string {
  const ns = obj?.metadata?.namespace;
  return `${obj?.kind ?? '?'} ${ns ? `${ns}/` : ''}${obj?.metadata?.name ?? '?'}`;
}

function identityKey(obj: any): string {
  const apiVersion = String(obj?.apiVersion ?? '');
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  return `${group}|${objectId(obj)}`;
}

const isRecord = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Arrays whose items all have a distinct string `name` (containers, env, ports, volumes) match by name. */
function byName(list: unknown[]): Map<string, unknown> | undefined {
  if (list.length === 0) return undefined;
  const m = new Map<string, unknown>();
  for (const item of list) {
    if (!isRecord(item) || typeof item.name !== 'string' || m.has(item.name)) return undefined;
    m.set(item.name, item);
  }
  return m;
}

function segment(path: string, key: string): string {
  return /^[A-Za-z_$][\w$-]*$/.test(key) ? (path === '' ? key : `${path}.${key}`) : `${path}[${JSON.stringify(key)}]`;
}

/** Leaf paths where two JSON values differ. */
export function changedPaths(a: unknown, b: unknown, path = ''): string[] {
  if (Array.isArray(a) && Array.isArray(b)) {
    const na = byName(a);
    const nb = byName(b);
    if (na && nb) {
      const names = [...new Set([...na.keys(), ...nb.keys()])].sort(compareStrings);
      return names.flatMap(n => changedPaths(na.get(n), nb.get(n), `${path}[${n}]`));
    }
    const out: string[] = [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) out.push(...changedPaths(a[i], b[i], `${path}[${i}]`));
    return out;
  }
  if (isRecord(a) && isRecord(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort(compareStrings);
    return keys.flatMap(k => changedPaths(a[k], b[k], segment(path, k)));
  }
  if (a === undefined && b === undefined) return [];
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [path === '' ? '(root)' : path];
}

/** Added, removed and changed objects between two synth outputs. */
export function diffObjects(base: readonly DiffObject[], head: readonly DiffObject[]): ObjectDiff {
  const index = (list: readonly DiffObject[]) => new Map(list.map(o => [identityKey(o.object), o.object]));
  const b = index(base);
  const h = index(head);
  const added: string[] = [];
  const removed: string[] = [];
  const changed: ChangedObject[] = [];
  let unchanged = 0;
  for (const [key, obj] of h) {
    if (!b.has(key)) {added.push(objectId(obj));} else {
      const paths = changedPaths(b.get(key), obj);
      if (paths.length > 0) changed.push({ id: objectId(obj), paths });
      else unchanged++;
    }
  }
  for (const [key, obj] of b) if (!h.has(key)) removed.push(objectId(obj));
  return {
    added: added.sort(compareStrings),
    removed: removed.sort(compareStrings),
    changed: changed.sort((x, y) => compareStrings(x.id, y.id)),
    unchanged,
  };
}
