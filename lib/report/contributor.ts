import { IConstruct } from 'constructs';

/** One labelled figure of a contributor, shown in its PLAN.md section. */
export interface PlanDetail {
  /** What the figure is, e.g. `alert rules`. */
  readonly label: string;
  /** The figure, e.g. `12`. */
  readonly value: string;
}

/**
 * What a construct that is neither a pool, a service nor a canary (monitoring, gateways, ...)
 * adds to the plan: a node in the topology and a section in PLAN.md.
 */
export interface PlanContribution {
  /** Kind of the contributor, shown as its section heading and in the diagram, e.g. `monitoring`. */
  readonly kind: string;
  /** Name of the contributor, e.g. `llm-monitoring`. */
  readonly name: string;
  /**
   * One line under the name in the diagram, e.g. `3 ServiceMonitors, 12 alert rules`.
   * @default - none
   */
  readonly summary?: string;
  /**
   * Constructs it watches or acts on (ModelServices, GpuNodePools, canaries): each becomes a
   * dotted edge from the contributor in the diagram. Constructs outside the plan are ignored.
   * @default - none
   */
  readonly targets?: readonly IConstruct[];
  /**
   * Figures listed in the contributor's PLAN.md section.
   * @default - none
   */
  readonly details?: readonly PlanDetail[];
}

/**
 * A construct that describes itself for the plan. The plan finds every construct in the app
 * with a `describeForPlan()` method (duck-typed, so a construct need not import this module),
 * e.g. a MonitoringStack:
 *
 * ```ts
 * public describeForPlan(): PlanContribution {
 *   return { kind: 'monitoring', name: this.node.id, targets: [...this.services, ...this.nodePools] };
 * }
 * ```
 */
export interface IPlanContributor extends IConstruct {
  /** What the construct adds to the plan; called once per plan, at synth. */
  describeForPlan(): PlanContribution;
}

/** Whether a construct describes itself for the plan (has a `describeForPlan()` method). */
export function isPlanContributor(c: IConstruct): c is IPlanContributor {
  return typeof (c as Partial<IPlanContributor>).describeForPlan === 'function';
}
