import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { addCrossCheck, Problem, show } from '../errors';
import { CLUSTER_SCOPED_KINDS } from './cluster-scoped';

/**
 * Every object an app emits, by identity: API group, kind, namespace, name. Two objects with one
 * identity are one object in the cluster: `kubectl apply` keeps the last, Argo CD reports a shared
 * resource, Pulumi refuses the second URN. Whoever emits them (two constructs, a construct and a
 * name a user chose, two MonitoringStacks over one service, two DCGM exporters in one namespace),
 * the app is refused at synth, before any file is written, with both constructs' paths.
 *
 * The version is not part of the identity (`apps/v1` and `apps/v1beta2` Deployments are one object);
 * cluster-scoped kinds have no namespace. Names and namespaces are read as the objects were
 * created: a user's JSON patch that renames an object is the user's own escape hatch.
 */

const REGISTERED = Symbol.for('modelship.objectRegistry');

/** The identity of an object, as the API server keys it. */
export interface ObjectIdentity {
  readonly group: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

/** `Kind namespace/name` (or `Kind name`), for messages. */
export function describeIdentity(id: ObjectIdentity): string {
  return `${id.kind}${id.group ? `.${id.group}` : ''} ${id.namespace ? `${id.namespace}/` : ''}${id.name}`;
}

/** The identity of an ApiObject. */
export function identityOf(obj: ApiObject): ObjectIdentity {
  const group = obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[0] : '';
  let namespace = '';
  if (!CLUSTER_SCOPED_KINDS.has(obj.kind)) {
    const given: unknown = obj.metadata.namespace;
    // A namespace produced at synth (a Lazy, which modelship uses only on cluster-scoped kinds) is
    // not known here: such an object is compared by its construct path, i.e. with nothing.
    if (given === undefined) namespace = '';
    else namespace = typeof given === 'string' ? given : `(produced at synth: ${obj.node.path})`;
  }
  return { group, kind: obj.kind, namespace, name: obj.name };
}

/** The construct the user wrote that emitted an object: its ancestor right below the chart. */
function ownerOf(obj: ApiObject): IConstruct {
  let chart: IConstruct | undefined;
  try {
    chart = Chart.of(obj);
  } catch {
    chart = undefined;
  }
  let node: IConstruct = obj;
  while (node.node.scope && node.node.scope !== chart) node = node.node.scope;
  return node;
}

/**
 * Registers, once per app, the synth-time check that no two objects share an identity. Called by
 * every modelship construct (the base class); the check covers every ApiObject of the app.
 */
export function checkObjectIdentities(scope: IConstruct): void {
  const root = scope.node.root as IConstruct & { [REGISTERED]?: boolean };
  if (root[REGISTERED]) return;
  Object.defineProperty(root, REGISTERED, { value: true, enumerable: false });
  addCrossCheck(scope, () => {
    const problems: Problem[] = [];
    const seen = new Map<string, ApiObject>();
    for (const c of root.node.findAll()) {
      if (!ApiObject.isApiObject(c)) continue;
      const id = identityOf(c);
      const key = [id.group, id.kind, id.namespace, id.name].join('\u0000');
      const first = seen.get(key);
      if (!first) {
        seen.set(key, c);
        continue;
      }
      const [a, b] = [ownerOf(first), ownerOf(c)];
      const what = describeIdentity(id);
      problems.push({
        path: b.node.path,
        property: 'name',
        value: show(id.name),
        reason: `${what} is emitted twice: by ${a.node.path} (${first.node.path}) and by ${b.node.path} (${c.node.path}); the cluster holds one object per kind, namespace and name, so one would silently replace the other`,
        fix: a === b
          ? 'give the objects distinct names'
          : `rename one of them (its name or construct id): ${a.node.path} or ${b.node.path}; or keep one construct for the object (one MonitoringStack per service, one DCGM exporter per namespace)`,
      });
    }
    return problems;
  });
}
