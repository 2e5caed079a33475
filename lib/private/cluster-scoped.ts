/**
 * Kinds that live outside namespaces. cdk8s stamps the chart's namespace on every object,
 * these included; the API server ignores it, and so do object identities (the object registry,
 * the Pulumi adapter's names).
 */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'CustomResourceDefinition', 'StorageClass', 'PriorityClass',
  'RuntimeClass', 'IngressClass', 'ClusterRole', 'ClusterRoleBinding', 'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration', 'APIService', 'NodePool', 'EC2NodeClass', 'ClusterAnalysisTemplate',
  'ClusterTriggerAuthentication', 'GatewayClass',
]);
