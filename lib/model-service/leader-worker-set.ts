import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { ServicePlan } from './resolve';
import * as k8s from '../imports/k8s';
import type * as Lws from '../imports/leaderworkersets-leaderworkerset.x-k8s.io';
import { lazyModule } from '../private/lazy-module';

// The LWS binding is 1.9 MB of TypeScript: loaded when a multi-node service builds its LeaderWorkerSet.
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const lwsBinding = lazyModule(() => require('../imports/leaderworkersets-leaderworkerset.x-k8s.io') as typeof Lws);

// Labels and annotations of LeaderWorkerSet v0.10.0: kubernetes-sigs/lws
// `api/leaderworkerset/v1/leaderworkerset_types.go` (SetNameLabelKey, WorkerIndexLabelKey,
// GroupIndexLabelKey, ExclusiveKeyAnnotationKey) and
// `site/content/en/docs/reference/labels-annotations-and-environment-variables.md`.

/** Pod label LWS sets to the pod's index in its group: `0` on the leader. */
export const LWS_WORKER_INDEX_LABEL = 'leaderworkerset.sigs.k8s.io/worker-index';
/** Pod label LWS sets to the group's index (leaders and workers: `pkg/webhooks/pod_webhook.go`). */
export const LWS_GROUP_INDEX_LABEL = 'leaderworkerset.sigs.k8s.io/group-index';
/** Pod label LWS sets to the LeaderWorkerSet's name. */
export const LWS_NAME_LABEL = 'leaderworkerset.sigs.k8s.io/name';
/** LeaderWorkerSet annotation: every pod of a group in one domain of this topology key, one group per domain. */
export const LWS_EXCLUSIVE_TOPOLOGY_ANNOTATION = 'leaderworkerset.sigs.k8s.io/exclusive-topology';
/** The domain a group must not leave: its nodes exchange activations on every forward pass. */
export const GROUP_TOPOLOGY_KEY = 'topology.kubernetes.io/zone';

/** The Service's selector for a multi-node service: the leaders only (they serve the API). */
export function leaderSelector(selector: Record<string, string>): Record<string, string> {
  return { ...selector, [LWS_WORKER_INDEX_LABEL]: '0' };
}

/** The two pod templates of a group, rendered by the one pod builder (`buildPodTemplate` with a role). */
export interface GroupTemplates {
  readonly leader: k8s.PodTemplateSpec;
  readonly worker: k8s.PodTemplateSpec;
}

/** What a LeaderWorkerSet of model server groups needs. */
export interface LeaderWorkerSetInput {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly plan: ServicePlan;
  /** Groups (replicas), produced at synth; undefined when an autoscaler owns the count. */
  readonly replicas: () => number | undefined;
  /** The leader and worker templates, produced at synth (a canary may serve others). */
  readonly templates: () => GroupTemplates;
}

/**
 * A LeaderWorkerSet (leaderworkerset.x-k8s.io/v1, LWS v0.10.0) of model server groups: one group
 * per replica, `size` = nodes per replica, the leader serving the API.
 *
 * - `startupPolicy: LeaderCreated` (the default), not `LeaderReady`: with LeaderReady the worker
 *   StatefulSet is created only once the leader pod is Ready (`pkg/controllers/pod_controller.go`
 *   v0.10.0, L143), but the leader's probes pass only after the whole group loaded the model (the
 *   vLLM leader waits for every Ray node before it serves; SGLang rank 0 for every rank), so the
 *   workers would never start.
 * - `restartPolicy: RecreateGroupOnPodRestart`: a lost pod restarts its whole group (NCCL and Ray
 *   cannot take a replacement rank into a running job).
 * - Rolling updates replace whole groups: `maxSurge` groups beyond the replicas (the plan's
 *   maxSurge, counted in groups; `maxUnavailable: 1` when maxSurge is 0).
 * - `exclusive-topology: topology.kubernetes.io/zone`: the LWS webhook gives every pod of a group
 *   a required pod affinity to its group in one zone and a required anti-affinity to every other
 *   group (`pkg/webhooks/pod_webhook.go` SetExclusiveAffinities, v0.10.0): one group per zone
 *   in the namespace (see the plan's warning).
 *
 * The pod templates come from the shared k8s builder as JSON: the binding's own pod types would
 * need a second pod builder, and its `toJson` reads quantities as objects.
 */
export function buildLeaderWorkerSet(scope: Construct, id: string, input: LeaderWorkerSetInput): ApiObject {
  const { plan } = input;
  const mn = plan.multiNode!;
  const { LeaderWorkerSet, LeaderWorkerSetSpecLeaderWorkerTemplateRestartPolicy, LeaderWorkerSetSpecRolloutStrategyType, LeaderWorkerSetSpecStartupPolicy } = lwsBinding();
  return new ApiObject(scope, id, {
    ...LeaderWorkerSet.GVK,
    metadata: {
      name: input.name,
      labels: input.labels,
      annotations: { [LWS_EXCLUSIVE_TOPOLOGY_ANNOTATION]: GROUP_TOPOLOGY_KEY },
    },
    spec: {
      replicas: Lazy.any({ produce: input.replicas }),
      startupPolicy: LeaderWorkerSetSpecStartupPolicy.LEADER_CREATED,
      rolloutStrategy: {
        type: LeaderWorkerSetSpecRolloutStrategyType.ROLLING_UPDATE,
        rollingUpdateConfiguration: { maxSurge: plan.maxSurge, maxUnavailable: plan.maxSurge === 0 ? 1 : 0 },
      },
      leaderWorkerTemplate: {
        size: mn.nodes,
        restartPolicy: LeaderWorkerSetSpecLeaderWorkerTemplateRestartPolicy.RECREATE_GROUP_ON_POD_RESTART,
        leaderTemplate: Lazy.any({ produce: () => templateJson(input.templates().leader) }),
        workerTemplate: Lazy.any({ produce: () => templateJson(input.templates().worker) }),
      },
    },
  });
}

/**
 * A pod template as JSON for the binding. `toJson_PodTemplateSpec` copies arrays, which turns the
 * image policy's pull-secret list (resolved at synth) into a plain empty one: the original list is
 * put back so cdk8s resolves it like a Deployment's.
 */
function templateJson(template: k8s.PodTemplateSpec): any {
  const json = k8s.toJson_PodTemplateSpec(template);
  if (json?.spec && template.spec?.imagePullSecrets !== undefined) json.spec.imagePullSecrets = template.spec.imagePullSecrets;
  return json;
}
