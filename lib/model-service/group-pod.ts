import { GroupRole } from '../engines';
import { ServicePlan } from './resolve';
import { RuntimeArgsContext } from './runtime';

/** What the pod builder changes for one pod of a multi-node replica (a LeaderWorkerSet group). */
export interface GroupPod {
  readonly role: GroupRole;
  readonly command: string[];
  readonly args?: string[];
  /** GPUs of this pod: one node's. */
  readonly gpus: number;
  /** The pool fabric's extended resources (e.g. `vpc.amazonaws.com/efa`), requested and limited. */
  readonly resources: Record<string, number>;
  /** The fabric's NCCL environment, before the user's. */
  readonly env: Record<string, string>;
  /**
   * Whether the pod serves the API (the leader): probes, ports and scraping. Workers have none,
   * as in the LWS and vLLM examples (kubernetes-sigs/lws `docs/examples/vllm/GPU/lws.yaml`,
   * `docs/examples/sglang/lws.yaml`, v0.10.0): a vLLM worker runs only a Ray node, an SGLang
   * worker no HTTP server of its own. A dead worker process exits its container, and the group's
   * `RecreateGroupOnPodRestart` restarts the whole group; a hung one fails the leader's liveness
   * probe, which restarts the group the same way.
   */
  readonly serves: boolean;
}

/**
 * The leader or worker pod of a multi-node plan: the engine driver's command for the role (the
 * driver owns every flag), one node's GPUs, and the pool's interconnect.
 */
export function groupPod(role: GroupRole, plan: ServicePlan, ctx: RuntimeArgsContext): GroupPod {
  const mn = plan.multiNode!;
  const runtime = plan.runtime;
  // resolveMultiNode refused runtimes without a multi-node command before any pod is built.
  const rendered = runtime.driver.multiNodeCommand!(role, {
    ...ctx,
    tensorParallelSize: mn.tensorParallelSize,
    profile: runtime.profile,
    memoryUtilization: runtime.memoryUtilizationGiven,
    extraArgs: runtime.extraArgs,
    nodes: mn.nodes,
    pipelineParallelSize: mn.pipelineParallelSize,
    groupFormSeconds: plan.startupBudgetSeconds,
  });
  return {
    role,
    command: rendered.command,
    args: rendered.args,
    gpus: mn.gpusPerNode,
    resources: { ...(mn.interconnect?.resourcesPerNode ?? {}) },
    env: { ...(mn.interconnect?.env ?? {}) },
    serves: role === 'leader',
  };
}
