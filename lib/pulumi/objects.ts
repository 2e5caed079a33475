/**
 * Identity of a synthesized Kubernetes object, as the Pulumi adapter names it.
 * Pure: no Pulumi imports, so the planner is testable (and usable) without Pulumi.
 */
import { CLUSTER_SCOPED_KINDS } from '../private/cluster-scoped';

/** A Kubernetes object as cdk8s synthesizes it (`chart.toJson()`). */
export interface KubeObjectBody {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

/** What the adapter registered for one synthesized object: enough to find it with kubectl. */
export interface KubeObjectRef {
  /** `<Kind>/<namespace>/<name>`, or `<Kind>/<name>` for cluster-scoped objects. Keys `aliases` and `objects`. */
  readonly key: string;
  /** Pulumi type token, e.g. `kubernetes:apps/v1:Deployment`. */
  readonly type: string;
  /** Pulumi logical name, e.g. `llm/llama-70b`. */
  readonly logicalName: string;
  readonly apiVersion: string;
  readonly kind: string;
  /** Namespace, absent for cluster-scoped objects. */
  readonly namespace?: string;
  readonly name: string;
  /** Path of the top-level construct that emitted the object (relative to the chart), if any. */
  readonly construct?: string;
}

/** Kinds that live outside namespaces (lib/private/cluster-scoped.ts, shared with the object registry). */
export { CLUSTER_SCOPED_KINDS };

/** The namespace an object lives in, or undefined when it is cluster-scoped. */
export function namespaceOf(body: Pick<KubeObjectBody, 'kind' | 'metadata'>): string | undefined {
  return CLUSTER_SCOPED_KINDS.has(body.kind) ? undefined : body.metadata.namespace || undefined;
}

/**
 * The key of an object: unique in a cluster for a given kind, and readable
 * (`Deployment/llm/llama-70b`). Used for `aliases`, `objectOptions` and outputs.
 */
export function objectKey(body: KubeObjectBody): string {
  const ns = namespaceOf(body);
  return ns ? `${body.kind}/${ns}/${body.metadata.name}` : `${body.kind}/${body.metadata.name}`;
}

/**
 * The Pulumi Kubernetes type token of an object: `kubernetes:<group>/<version>:<Kind>`,
 * with the core group spelled `core` as the provider's own classes do (`kubernetes:core/v1:Service`).
 */
export function typeToken(body: Pick<KubeObjectBody, 'apiVersion' | 'kind'>): string {
  const groupVersion = body.apiVersion.includes('/') ? body.apiVersion : `core/${body.apiVersion}`;
  return `kubernetes:${groupVersion}:${body.kind}`;
}

/**
 * The Pulumi logical name: `<namespace>/<name>` (what `pulumi.yaml.ConfigFile` uses), or `<name>`
 * for cluster-scoped objects, behind an optional prefix. The URN also carries the type token, so a
 * Deployment and a Service may share a name. It is derived from `metadata`, never from cdk8s
 * construct-path hashes, so refactoring construct ids does not replace anything.
 */
export function logicalName(body: KubeObjectBody, prefix = ''): string {
  const ns = namespaceOf(body);
  return prefix + (ns ? `${ns}/${body.metadata.name}` : body.metadata.name);
}
