import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { KubeObjectBody } from './objects';

type CoreClass = new (name: string, args: any, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/**
 * The provider's own classes for the core (`v1`) group. `apiextensions.CustomResource` would
 * register them as `kubernetes:v1:Service` instead of `kubernetes:core/v1:Service`, and the typed
 * classes also mark Secret data as secret in the Pulumi state.
 */
const CORE_V1: Readonly<Record<string, CoreClass>> = {
  Binding: k8s.core.v1.Binding,
  ConfigMap: k8s.core.v1.ConfigMap,
  Endpoints: k8s.core.v1.Endpoints,
  Event: k8s.core.v1.Event,
  LimitRange: k8s.core.v1.LimitRange,
  Namespace: k8s.core.v1.Namespace,
  Node: k8s.core.v1.Node,
  PersistentVolume: k8s.core.v1.PersistentVolume,
  PersistentVolumeClaim: k8s.core.v1.PersistentVolumeClaim,
  Pod: k8s.core.v1.Pod,
  PodTemplate: k8s.core.v1.PodTemplate,
  ReplicationController: k8s.core.v1.ReplicationController,
  ResourceQuota: k8s.core.v1.ResourceQuota,
  Secret: k8s.core.v1.Secret,
  Service: k8s.core.v1.Service,
  ServiceAccount: k8s.core.v1.ServiceAccount,
};

/**
 * Registers one Kubernetes object with its whole body. Objects of a named API group (`apps/v1`,
 * `keda.sh/v1alpha1`, ...) go through `apiextensions.CustomResource`, which passes every field
 * through and registers `kubernetes:<apiVersion>:<Kind>`, the same token as the typed classes.
 */
export function kubernetesObject(name: string, body: KubeObjectBody, opts: pulumi.CustomResourceOptions): pulumi.CustomResource {
  if (!body.apiVersion.includes('/')) {
    const cls = CORE_V1[body.kind];
    if (!cls) throw new Error(`modelship/pulumi: no Pulumi class for core kind ${body.kind} (${body.apiVersion})`);
    return new cls(name, body, opts);
  }
  return new k8s.apiextensions.CustomResource(name, body as unknown as k8s.apiextensions.CustomResourceArgs, opts);
}
