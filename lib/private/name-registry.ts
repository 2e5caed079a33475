import { IConstruct } from 'constructs';

/**
 * Names taken in each app, per kind of construct. Two constructs that share a name would emit
 * objects with the same kind, namespace and name, and `kubectl apply` silently keeps the last.
 */
const TAKEN = new WeakMap<IConstruct, Map<string, IConstruct>>();

function registry(scope: IConstruct): Map<string, IConstruct> {
  const root = scope.node.root;
  let names = TAKEN.get(root);
  if (!names) {
    names = new Map();
    TAKEN.set(root, names);
  }
  return names;
}

/** The construct that already holds `name` for `kind` in this app, if any. */
export function nameHolder(scope: IConstruct, kind: string, name: string): IConstruct | undefined {
  return registry(scope).get(`${kind}\u0000${name}`);
}

/** Records that `owner` holds `name` for `kind` in its app (call once its input is valid). */
export function takeName(owner: IConstruct, kind: string, name: string): void {
  registry(owner).set(`${kind}\u0000${name}`, owner);
}
