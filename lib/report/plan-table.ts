import { IConstruct } from 'constructs';
import { ModelService } from '../model-service/model-service';

/** One row of the plan: what was decided for one service and why. */
export interface ServicePlanRow {
  readonly service: string;
  readonly model: string;
  readonly precision: string;
  readonly runtime: string;
  readonly accelerator: string;
  readonly gpusPerReplica: number;
  /** Nodes one replica spans (a LeaderWorkerSet group), when more than one. */
  readonly nodesPerReplica?: number;
  readonly replicas: string;
  readonly startupBudgetSeconds: number;
  readonly why: string;
}

/** Every ModelService under a scope, in construct-tree order. */
export function findModelServices(scope: IConstruct): ModelService[] {
  return scope.node.findAll().filter((c): c is ModelService => c instanceof ModelService);
}

/** The plan rows of every ModelService under a scope. */
export function servicePlanRows(scope: IConstruct): ServicePlanRow[] {
  return findModelServices(scope).map(svc => {
    const p = svc.plan;
    return {
      service: `${svc.namespace}/${svc.name}`,
      model: p.model.toString(),
      precision: p.precision,
      runtime: p.runtime.toString(),
      accelerator: p.accelerator.displayName,
      gpusPerReplica: p.gpusPerReplica,
      ...(p.multiNode ? { nodesPerReplica: p.multiNode.nodes } : {}),
      replicas: p.minReplicas === p.maxReplicas ? String(p.minReplicas) : `${p.minReplicas}-${p.maxReplicas}`,
      startupBudgetSeconds: p.startupBudgetSeconds,
      why: p.why,
    };
  });
}

/** Renders rows as an aligned text table. */
export function renderTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(headers), line(widths.map(w => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/**
 * The plan of every model service under a scope, as a text table (what `npm run synth` prints),
 * followed by the memory-fit arithmetic behind each GPU count.
 */
export function renderServicePlan(scope: IConstruct): string {
  const rows = servicePlanRows(scope);
  const table = renderTable(
    ['service', 'model', 'precision', 'runtime', 'accelerator', 'GPUs/replica', 'replicas', 'startup budget'],
    rows.map(r => [r.service, r.model, r.precision, r.runtime, r.accelerator,
      r.nodesPerReplica ? `${r.gpusPerReplica} (${r.nodesPerReplica} nodes x ${r.gpusPerReplica / r.nodesPerReplica})` : String(r.gpusPerReplica), r.replicas, `${r.startupBudgetSeconds}s`]),
  );
  const why = rows.map(r => `  ${r.service}: ${r.why}`).join('\n');
  return `${table}\n\nwhy:\n${why}\n`;
}
