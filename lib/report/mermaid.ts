import { IConstruct } from 'constructs';
import { FleetPlan } from './fleet-plan';
import { multiNodeBreakdown } from '../model-service/multi-node-service';

/**
 * Mermaid flowchart of the topology. The output keeps to a small subset of the flowchart
 * grammar so it renders in every Mermaid version GitHub and GitLab ship:
 * - `graph LR`;
 * - node statements `ID<open>"label"<close>` with the shapes `[ ]` (service), `[( )]` (pool),
 *   `{{ }}` (canary) and `([ ])` (monitoring and other contributors);
 * - edges `ID --> ID` and `ID -.-> ID`.
 * Ids are `[A-Za-z0-9_]` with a kind prefix (never a Mermaid keyword such as `end`); labels are
 * quoted, with `"`, `#`, `<`, `>` and backticks written as Mermaid entity codes.
 */

/** Mermaid node shapes modelship emits: [open, close]. */
export const MERMAID_SHAPES = {
  service: ['[', ']'],
  pool: ['[(', ')]'],
  canary: ['{{', '}}'],
  contributor: ['([', '])'],
} as const;

/** Kind of a topology node, which decides its shape. */
export type TopologyNodeKind = keyof typeof MERMAID_SHAPES;

/** Escapes text for a quoted Mermaid label; `lines` are joined with `<br/>`. */
export function mermaidLabel(lines: readonly string[]): string {
  const esc = (s: string) => s
    .replace(/#/g, '#35;')
    .replace(/"/g, '#quot;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/`/g, '#96;')
    .replace(/[\r\n]+/g, ' ');
  return `"${lines.map(esc).join('<br/>')}"`;
}

/** Hands out Mermaid ids: `<prefix>_<construct path>`, restricted to `[A-Za-z0-9_]` and unique. */
export class MermaidIds {
  private readonly byConstruct = new Map<IConstruct, string>();
  private readonly taken = new Set<string>();

  /** The id of a construct, the same on every call. */
  public idOf(kind: string, c: IConstruct): string {
    const known = this.byConstruct.get(c);
    if (known) return known;
    const base = `${kind}_${c.node.path}`.replace(/[^A-Za-z0-9]+/g, '_').replace(/_+$/, '');
    let id = base;
    for (let n = 2; this.taken.has(id); n++) id = `${base}_${n}`;
    this.taken.add(id);
    this.byConstruct.set(c, id);
    return id;
  }

  /** The id of a construct, if it was given one. */
  public find(c: IConstruct): string | undefined {
    return this.byConstruct.get(c);
  }
}

function nodeLine(id: string, kind: TopologyNodeKind, lines: readonly string[]): string {
  const [open, close] = MERMAID_SHAPES[kind];
  return `  ${id}${open}${mermaidLabel(lines)}${close}`;
}

function range(min: number, max: number): string {
  return min === max ? String(min) : `${min}-${max}`;
}

/** The topology as a Mermaid `graph LR`: pools -> services -> canaries, contributors -.-> targets. */
export function renderTopology(plan: FleetPlan): string {
  const ids = new MermaidIds();
  const nodes: string[] = [];
  const edges: string[] = [];

  for (const p of plan.pools) {
    if (!p.construct) continue;
    const ceiling = p.cost.maxGpus !== undefined ? `max ${p.cost.maxGpus} GPUs` : 'no GPU ceiling';
    nodes.push(nodeLine(ids.idOf('pool', p.construct), 'pool', [`pool ${p.name}`, `${p.accelerator} · ${p.cost.provisioner}`, ceiling]));
  }
  for (const s of plan.services) {
    const svc = s.service;
    const plan_ = svc.plan;
    const id = ids.idOf('svc', svc);
    nodes.push(nodeLine(id, 'service', [
      `${svc.namespace}/${svc.name}`,
      `${plan_.model} · ${plan_.precision} · ${plan_.runtime}`,
      `${range(plan_.minReplicas, plan_.maxReplicas)} x ${plan_.gpusPerReplica} ${plan_.accelerator.displayName}${multiNodeBreakdown(plan_)}`,
    ]));
    const poolId = svc.nodePool ? ids.find(svc.nodePool) : undefined;
    if (poolId) edges.push(`  ${poolId} --> ${id}`);
  }
  for (const c of plan.canaries) {
    const canary = c.canary;
    const id = ids.idOf('canary', canary);
    const candidate = canary.candidatePlan ? `${canary.candidatePlan.runtime} · ${canary.candidatePlan.model}` : 'no candidate (at rest)';
    const worst = c.worst ? `worst moment ${c.worst.gpus} GPUs (${c.worst.phase})` : 'holds no GPUs';
    nodes.push(nodeLine(id, 'canary', [`canary ${canary.canaryName}`, candidate, worst]));
    const svcId = ids.find(canary.service);
    if (svcId) edges.push(`  ${svcId} --> ${id}`);
  }
  for (const k of plan.contributors) {
    const id = ids.idOf(k.contribution.kind === 'monitoring' ? 'mon' : 'ext', k.construct);
    const lines = [`${k.contribution.kind} ${k.contribution.name}`];
    if (k.contribution.summary) lines.push(k.contribution.summary);
    nodes.push(nodeLine(id, 'contributor', lines));
    for (const t of k.contribution.targets ?? []) {
      const target = ids.find(t);
      if (target) edges.push(`  ${id} -.-> ${target}`);
    }
  }
  return ['graph LR', ...nodes, ...edges].join('\n');
}
