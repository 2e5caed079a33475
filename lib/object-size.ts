import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { addCrossCheck, Problem, show } from './errors';
import { renderForPass } from './private/synth-pass';

/**
 * The most bytes all annotations of an object may hold together: `TotalAnnotationSizeLimitB`
 * in kubernetes `staging/src/k8s.io/apimachinery/pkg/api/validation/objectmeta.go`, summed as
 * `len(key) + len(value)` over the annotations.
 */
export const MAX_ANNOTATIONS_BYTES = 256 * 1024;

/**
 * Client-side `kubectl apply` (and Argo CD, which applies the same way by default) stores the
 * whole object, as JSON, in this annotation, so the object must fit the annotation limit.
 */
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/** Size of an object once applied with client-side `kubectl apply`. */
export interface AppliedSize {
  /** Bytes of the object as JSON (UTF-8). */
  readonly jsonBytes: number;
  /** Bytes of its annotations after apply: its own, plus the last-applied one holding the JSON. */
  readonly annotationBytes: number;
}

/** How many annotation bytes an object takes once applied (see {@link AppliedSize}). */
export function appliedSize(manifest: any): AppliedSize {
  const jsonBytes = Buffer.byteLength(JSON.stringify(manifest), 'utf8');
  let own = 0;
  for (const [k, v] of Object.entries<string>(manifest?.metadata?.annotations ?? {})) {
    own += Buffer.byteLength(k, 'utf8') + Buffer.byteLength(String(v), 'utf8');
  }
  return { jsonBytes, annotationBytes: own + LAST_APPLIED_ANNOTATION.length + jsonBytes };
}

const REGISTERED = Symbol.for('modelship.objectSizeCheck');

/**
 * Refuses, at synth, every object of the app that `kubectl apply` could not store: its JSON
 * plus its annotations over {@link MAX_ANNOTATIONS_BYTES}. The API server would reject the
 * apply with "metadata.annotations: Too long"; etcd's 1.5 MiB request limit is further still.
 * Registered once per app, whoever calls it first; `fixFor` may give a better fix for the
 * objects of one construct.
 */
export function checkObjectSizes(scope: IConstruct, fixFor?: (obj: ApiObject) => string | undefined): void {
  const root = scope.node.root as IConstruct & { [REGISTERED]?: Array<(obj: ApiObject) => string | undefined> };
  const fixers = root[REGISTERED];
  if (fixers) {
    if (fixFor) fixers.push(fixFor);
    return;
  }
  const all: Array<(obj: ApiObject) => string | undefined> = fixFor ? [fixFor] : [];
  Object.defineProperty(root, REGISTERED, { value: all, enumerable: false });
  addCrossCheck(scope, () => {
    const problems: Problem[] = [];
    for (const c of root.node.findAll()) {
      if (!ApiObject.isApiObject(c)) continue;
      // Once per synthesis: cdk8s' render right after this validation takes this JSON.
      const manifest = renderForPass(c);
      const size = appliedSize(manifest);
      if (size.annotationBytes <= MAX_ANNOTATIONS_BYTES) continue;
      const name = `${manifest.kind} ${manifest.metadata?.namespace ? `${manifest.metadata.namespace}/` : ''}${manifest.metadata?.name}`;
      const fix = all.map(f => f(c)).find(x => x !== undefined)
        ?? 'split it into several smaller objects';
      problems.push({
        path: c.node.path,
        property: name,
        value: show(size.jsonBytes),
        reason: `${name} is ${size.jsonBytes} bytes as JSON; kubectl apply (client-side, also Argo CD's default) stores it in the `
          + `${LAST_APPLIED_ANNOTATION} annotation, and the API server refuses annotations over ${MAX_ANNOTATIONS_BYTES} bytes `
          + `(${size.annotationBytes} here)`,
        fix,
      });
    }
    return problems;
  });
}
