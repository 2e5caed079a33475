import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Problems } from '../errors';
import { TrafficStrategy, TrafficStrategyKind } from './strategy';
import { buildLeaderWorkerSet, leaderSelector } from '../model-service/leader-worker-set';
import { ModelService } from '../model-service/model-service';
import { ModelServiceProps } from '../model-service/props';
import { ServicePlan } from '../model-service/resolve';

/**
 * What a canary of a multi-node service (a LeaderWorkerSet) can do. Argo Rollouts drives
 * Deployments and ReplicaSets (its `workloadRef` adopts a Deployment's pod template): it cannot
 * run LeaderWorkerSet groups, so the Argo strategy is refused for a multi-node stable or
 * candidate. Gateway API weights work: the candidate is a second LeaderWorkerSet. Promotion rolls
 * the stable in place, which a change between one node and several per replica (Deployment to
 * LeaderWorkerSet or back) cannot do.
 */
export function checkGroupCanary(problems: Problems, strategy: TrafficStrategy, stable: ServicePlan, candidate: ServicePlan | undefined): void {
  const grouped = stable.multiNode ? 'the stable' : candidate?.multiNode ? 'the candidate' : undefined;
  if (!grouped) return;
  if (strategy.kind === TrafficStrategyKind.ARGO_ROLLOUTS) {
    const plan = stable.multiNode ? stable : candidate!;
    problems.add('strategy', 'argoRollouts', `${grouped} runs ${plan.multiNode!.nodes} nodes per replica as a LeaderWorkerSet, which Argo Rollouts cannot drive (a Rollout adopts a Deployment's pod template and runs ReplicaSets)`,
      'use TrafficStrategy.gatewayWeights({ ... }): the candidate runs as a second LeaderWorkerSet behind weighted HTTPRoute backends');
    return;
  }
  if (strategy.gateway?.promote && candidate && Boolean(stable.multiNode) !== Boolean(candidate.multiNode)) {
    problems.add('strategy.promote', true, `the stable runs ${stable.multiNode ? `${stable.multiNode.nodes} nodes` : 'one node'} per replica and the candidate ${candidate.multiNode ? `${candidate.multiNode.nodes} nodes` : 'one node'}: promotion rolls the stable in place, and a Deployment cannot become a LeaderWorkerSet (or back)`,
      'fold the candidate into the ModelService\'s props instead of promote (the service then emits the other workload kind), keeping the canary at its last step until the new replicas are ready');
  }
}

/** The candidate of a gateway-weights canary whose plan spans nodes: a second LeaderWorkerSet. */
export function addCanaryLeaderWorkerSet(scope: Construct, input: {
  readonly service: ModelService;
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly plan: ServicePlan;
  readonly merged: ModelServiceProps;
  readonly selector: Record<string, string>;
  readonly replicas: number;
}): ApiObject {
  const templates = input.service.renderGroupTemplates(input.plan, input.merged, input.selector);
  return buildLeaderWorkerSet(scope, 'CanaryLeaderWorkerSet', {
    name: input.name,
    labels: input.labels,
    // The candidate surges a group at a time, like the stable (maxSurge 1, maxUnavailable 0).
    plan: { ...input.plan, maxSurge: 1 },
    replicas: () => input.replicas,
    templates: () => templates,
  });
}

/** The canary Service's selector: the candidate's leaders when its replicas span nodes. */
export function canaryServiceSelector(plan: ServicePlan | undefined, selector: Record<string, string>): Record<string, string> {
  return plan?.multiNode ? leaderSelector(selector) : selector;
}
