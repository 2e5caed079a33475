import { lwsBinding } from './leader-worker-set';
import { ServicePlan } from './resolve';
import * as k8s from '../imports/k8s';

/**
 * The autoscaler's target for a multi-node service: the LeaderWorkerSet's scale subresource
 * (`+kubebuilder:subresource:scale:specpath=.spec.replicas,statuspath=.status.replicas,
 * selectorpath=.status.hpaPodSelector`, kubernetes-sigs/lws `api/leaderworkerset/v1/
 * leaderworkerset_types.go` v0.10.0), which counts groups; its HPA pod selector picks the leaders.
 */
export function groupWorkloadReference(name: string): { apiVersion: string; kind: string; name: string } {
  const { LeaderWorkerSet } = lwsBinding();
  return { apiVersion: LeaderWorkerSet.GVK.apiVersion, kind: LeaderWorkerSet.GVK.kind, name };
}

/**
 * The NetworkPolicy rule that lets the pods of a service's groups reach each other on every port:
 * Ray's head (6379) and its node, object and worker ports, NCCL's socket bootstrap, SGLang's
 * `--dist-init-addr` rendezvous. Without it the policy (API and metrics ports only) would cut
 * the group apart.
 */
export function groupIngressRule(selector: Record<string, string>): k8s.NetworkPolicyIngressRule {
  return { from: [{ podSelector: { matchLabels: selector } }] };
}

/** ` (2 nodes x 8)` after a multi-node replica's GPU count, nothing otherwise. */
export function multiNodeBreakdown(plan: ServicePlan): string {
  return plan.multiNode ? ` (${plan.multiNode.nodes} nodes x ${plan.multiNode.gpusPerNode})` : '';
}
