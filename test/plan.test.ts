import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Chart, Duration, Testing } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import {
  Accelerator, buildFleetPlan, CanaryRollout, GpuNodePool, Model, ModelService, PlanContribution, PlanReport, Precision, Provisioner,
  renderPlanMarkdown, renderPlanText, Runtime, SurgePolicy, TrafficStrategy, PLAN_FILE_NAME,
} from '../lib';
import { mermaidBlock, parseFlowchart } from './support/mermaid-flowchart';
import { expectSchemaValid } from './support/schema';
import { MermaidIds, mermaidLabel, renderTopology } from '../lib/report/mermaid';

const root = join(__dirname, '..');
const flagshipDir = join(root, 'examples', 'flagship');

/** Runs the flagship the way `cdk8s synth` does (its cdk8s.yaml `app` command) into a temp outdir. */
function synthFlagship(env: Record<string, string> = {}): { outdir: string; files: string[]; stdout: string } {
  const outdir = mkdtempSync(join(tmpdir(), 'modelship-plan-'));
  const config = readFileSync(join(flagshipDir, 'cdk8s.yaml'), 'utf8');
  const app = /^app:\s*(.+)$/m.exec(config)![1].trim();
  const run = spawnSync(app, { cwd: flagshipDir, shell: true, encoding: 'utf8', env: { ...process.env, MODELSHIP_PLAN: '', ...env, CDK8S_OUTDIR: outdir } });
  if (run.status !== 0) throw new Error(`flagship failed:\n${run.stdout}\n${run.stderr}`);
  return { outdir, files: readdirSync(outdir).sort(), stdout: run.stdout };
}

const h100Props = {
  accelerator: Accelerator.NVIDIA_H100_80GB,
  provisioner: Provisioner.karpenter({ instanceTypes: ['p5.48xlarge'], clusterName: 'c', nodeRole: 'r' }),
  maxGpus: 32,
};

/** A pool, a 70B service with a canary, an unpooled service and a monitoring contributor. */
function canaryFleet(app: App) {
  const chart = new Chart(app, 'fleet', { namespace: 'llm' });
  const pool = new GpuNodePool(chart, 'h100', h100Props);
  const llama = new ModelService(chart, 'llama-70b', {
    model: Model.huggingFace('meta-llama/Llama-3.1-70B-Instruct'),
    runtime: Runtime.vllm({ version: '0.9.2', maxModelLen: 8192 }),
    precision: Precision.FP8,
    nodePool: pool,
    autoscaling: { minReplicas: 2, maxReplicas: 4 },
    route: { gatewayName: 'gw', gatewayNamespace: 'gateway' },
  });
  const canary = new CanaryRollout(chart, 'llama-canary', {
    service: llama,
    candidate: { runtime: Runtime.vllm({ version: '0.10.0', maxModelLen: 8192 }) },
    steps: [5, 25, 50],
    pause: Duration.minutes(15),
    strategy: TrafficStrategy.argoRollouts({ httpRoute: 'llama-70b', httpRouteNamespace: 'llm' }),
    surge: SurgePolicy.scaleDownStable(),
  });
  const small = new ModelService(chart, 'qwen', {
    model: Model.huggingFace('Qwen/Qwen2.5-7B-Instruct'),
    runtime: Runtime.vllm({ version: '0.9.2', maxModelLen: 4096 }),
    accelerator: Accelerator.NVIDIA_L4,
  });
  const monitoring = new FakeMonitoring(chart, 'monitoring', [llama, small, pool]);
  return { chart, pool, llama, canary, small, monitoring };
}

/** Stands in for MonitoringStack: anything with describeForPlan() joins the plan. */
class FakeMonitoring extends Construct {
  constructor(scope: Construct, id: string, private readonly targets: IConstruct[]) { super(scope, id); }
  public describeForPlan(): PlanContribution {
    return { kind: 'monitoring', name: 'llm-monitoring', summary: '2 ServiceMonitors, 9 alert "rules" #1', targets: this.targets, details: [{ label: 'alert rules', value: '9' }] };
  }
}

describe('flagship PLAN.md (cdk8s synth)', () => {
  let result: ReturnType<typeof synthFlagship>;
  let plan: string;
  beforeAll(() => {
    result = synthFlagship();
    plan = readFileSync(join(result.outdir, 'PLAN.md'), 'utf8');
  });
  afterAll(() => rmSync(result.outdir, { recursive: true, force: true }));

  test('is written next to the manifests', () => {
    expect(result.files).toEqual(['PLAN.md', 'llm-prod.k8s.yaml', 'plan.json']);
  });

  test('has a table per pool and per service, with cost and memory fit', () => {
    expect(plan).toContain('| pool | accelerator | provisioner | maxGpus | GPUs at min | GPUs at max | GPUs at peak | $/hour at min | $/hour at max | $/GPU-hour |');
    expect(plan).toContain('| h100 | NVIDIA H100 80GB | karpenter | 16 | 4 | 12 | 14 | $27.52 | $82.56 | $6.88 |');
    expect(plan).toContain('| service | pool | model | precision | runtime | accelerator | GPUs/replica | replicas | GPUs at min | GPUs at max | $/hour at min | $/hour at max | startup budget | KV cache tokens/replica | max concurrency |');
    expect(plan).toContain('| llm/llama-70b | h100 | meta-llama/Llama-3.1-70B-Instruct | fp8 | vllm 0.9.2 | NVIDIA H100 80GB | 2 | 2-6 | 4 | 12 | $27.52 | $82.56 | 840s | 233,280 | 28.48x @ 8,192 |');
    expect(plan).toMatch(/- llm\/llama-70b: 2 x NVIDIA H100 80GB; smallest fit: per GPU: 79.1 GiB CUDA total x 0.9 \(vLLM default\) = 71.2 GiB - weights 33.9 GiB .* = KV cache 35.6 GiB = 233,280 tokens/);
  });

  test('Mermaid\'s own parser accepts the topology, and rejects a broken one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelship-mermaid-'));
    try {
      const good = join(dir, 'plan.mmd');
      const broken = join(dir, 'broken.mmd');
      writeFileSync(good, mermaidBlock(plan));
      // The same diagram with one node's closing bracket lost: the parser must notice.
      writeFileSync(broken, mermaidBlock(plan).replace(/"\)\]/, '"]'));
      const run = spawnSync(process.execPath, [join(root, 'test', 'support', 'mermaid-parse.mjs'), good, broken], { encoding: 'utf8' });
      expect(run.stderr).not.toMatch(/Error/);
      const results = run.stdout.trim().split('\n').map(l => JSON.parse(l));
      expect(results[0]).toEqual({ file: good, ok: true, type: 'flowchart-v2' });
      expect(results[1].ok).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('has a Mermaid topology that parses: pools -> services, monitoring watching both', () => {
    const chart = parseFlowchart(mermaidBlock(plan));
    expect(chart.direction).toBe('LR');
    expect([...chart.nodes.keys()]).toEqual(['pool_llm_prod_h100', 'pool_llm_prod_l4', 'svc_llm_prod_llama_8b', 'svc_llm_prod_llama_70b', 'mon_llm_prod_monitoring']);
    expect(chart.edges).toEqual([
      { from: 'pool_llm_prod_l4', to: 'svc_llm_prod_llama_8b', dotted: false },
      { from: 'pool_llm_prod_h100', to: 'svc_llm_prod_llama_70b', dotted: false },
      { from: 'mon_llm_prod_monitoring', to: 'svc_llm_prod_llama_8b', dotted: true },
      { from: 'mon_llm_prod_monitoring', to: 'svc_llm_prod_llama_70b', dotted: true },
      { from: 'mon_llm_prod_monitoring', to: 'pool_llm_prod_h100', dotted: true },
      { from: 'mon_llm_prod_monitoring', to: 'pool_llm_prod_l4', dotted: true },
    ]);
  });

  test('the console shows the pools, services and fleet total', () => {
    expect(result.stdout).toMatch(/^pool\s+accelerator/m);
    expect(result.stdout).toContain('fleet: 5-16 GPUs, $28.32-$85.76 per hour');
  });

  test('MODELSHIP_PLAN=off writes the manifests and no plan', () => {
    const off = synthFlagship({ MODELSHIP_PLAN: 'off' });
    try {
      expect(off.files).toEqual(['llm-prod.k8s.yaml']);
    } finally {
      rmSync(off.outdir, { recursive: true, force: true });
    }
  });
});

describe('plan writer', () => {
  let outdir: string;
  beforeEach(() => { outdir = mkdtempSync(join(tmpdir(), 'modelship-plan-writer-')); });
  afterEach(() => rmSync(outdir, { recursive: true, force: true }));
  const env = process.env.MODELSHIP_PLAN;
  beforeEach(() => { delete process.env.MODELSHIP_PLAN; });
  afterAll(() => { if (env === undefined) delete process.env.MODELSHIP_PLAN; else process.env.MODELSHIP_PLAN = env; });

  test('app.synth() writes PLAN.md after the manifests; the same text as renderPlanMarkdown', () => {
    const app = new App({ outdir });
    canaryFleet(app);
    app.synth();
    expect(readdirSync(outdir).sort()).toEqual([PLAN_FILE_NAME, 'fleet.k8s.yaml', 'plan.json']);
    expect(readFileSync(join(outdir, PLAN_FILE_NAME), 'utf8')).toBe(renderPlanMarkdown(app));
  });

  test('chart.toJson() and app.synthYaml() write nothing', () => {
    const app = new App({ outdir });
    const { chart } = canaryFleet(app);
    const objects = chart.toJson();
    app.synthYaml();
    expectSchemaValid(objects);
    expect(readdirSync(outdir)).toEqual([]);
  });

  test('Testing.synth of a chart writes nothing', () => {
    const chart = Testing.chart();
    new GpuNodePool(chart, 'h100', h100Props);
    Testing.synth(chart);
    const dir = (chart.node.root as App).outdir;
    expect(existsSync(join(dir, PLAN_FILE_NAME))).toBe(false);
  });

  test('PlanReport.disable(app) opts one app out', () => {
    const app = new App({ outdir });
    canaryFleet(app);
    PlanReport.disable(app);
    expect(PlanReport.isEnabled(app)).toBe(false);
    app.synth();
    expect(readdirSync(outdir)).toEqual(['fleet.k8s.yaml']);
  });

  test.each(['off', 'OFF', 'false', '0', 'no'])('MODELSHIP_PLAN=%s opts out', value => {
    process.env.MODELSHIP_PLAN = value;
    const app = new App({ outdir });
    canaryFleet(app);
    app.synth();
    expect(readdirSync(outdir)).toEqual(['fleet.k8s.yaml']);
  });

  test('wraps synth once per app, on the instance, never cdk8s\'s prototype', () => {
    const protoSynth = App.prototype.synth;
    const app = new App({ outdir });
    const chart = new Chart(app, 'c');
    new GpuNodePool(chart, 'a', h100Props);
    const wrapped = app.synth;
    new GpuNodePool(chart, 'b', h100Props);
    expect(app.synth).toBe(wrapped);
    expect(Object.prototype.hasOwnProperty.call(app, 'synth')).toBe(true);
    expect(App.prototype.synth).toBe(protoSynth);
    expect(new App({ outdir }).synth).toBe(protoSynth);
  });

  test('a synth that fails validation writes no plan', () => {
    const app = new App({ outdir });
    const chart = new Chart(app, 'c');
    const pool = new GpuNodePool(chart, 'h100', { ...h100Props, maxGpus: 2 });
    new ModelService(chart, 'llama-70b', {
      model: Model.huggingFace('meta-llama/Llama-3.1-70B-Instruct'),
      runtime: Runtime.vllm({ version: '0.9.2', maxModelLen: 8192 }),
      precision: Precision.FP8,
      nodePool: pool,
      autoscaling: { minReplicas: 1, maxReplicas: 4 },
    });
    expect(() => app.synth()).toThrow(/maxGpus \(2\)/);
    expect(existsSync(join(outdir, PLAN_FILE_NAME))).toBe(false);
  });
});

describe('plan content', () => {
  test('services cost what their pool\'s costSummary() says; unpooled services at list price', () => {
    const { pool, llama, small } = canaryFleet(Testing.app());
    const plan = buildFleetPlan(pool.node.root);
    const summary = pool.costSummary();
    const llamaEntry = plan.services.find(s => s.service === llama)!;
    expect(llamaEntry.cost).toEqual(summary.services.find(s => s.name === 'llama-70b'));
    expect(llamaEntry.pool).toBe('h100');
    const smallEntry = plan.services.find(s => s.service === small)!;
    expect(smallEntry.pool).toBeUndefined();
    expect(smallEntry.cost.usdPerHourAtMin).toBeCloseTo(small.gpusAtMin * Accelerator.NVIDIA_L4.spec.onDemandUsdPerGpuHour, 2);
    expect(plan.pools.map(p => [p.name, p.cost.provisioner])).toEqual([['h100', 'karpenter'], ['(no pool)', 'none']]);
    expect(plan.total.usdPerHourAtMax).toBeCloseTo(plan.pools.reduce((a, p) => a + p.cost.usdPerHourAtMax, 0), 2);
  });

  test('canaries show the worst moment of their GPU budget', () => {
    const { canary } = canaryFleet(Testing.app());
    const md = renderPlanMarkdown(canary.node.root);
    const worst = canary.budget!.worst;
    expect(md).toContain('## Canaries');
    expect(md).toContain(`| llama-70b-canary | llama-70b | vllm 0.10.0, meta-llama/Llama-3.1-70B-Instruct, 2 GPUs/replica | argo-traffic-routed | 5% 25% 50% | ${worst.phase}: ${worst.detail} | ${worst.gpus} | ${canary.budget!.baselineGpus} | ${canary.budget!.extraGpus} |`);
    const flow = parseFlowchart(mermaidBlock(md));
    expect(flow.nodes.get('canary_fleet_llama_canary')!.label).toContain(`worst moment ${worst.gpus} GPUs`);
    expect(flow.edges).toContainEqual({ from: 'svc_fleet_llama_70b', to: 'canary_fleet_llama_canary', dotted: false });
  });

  test('plan contributors (monitoring) get a node, dotted edges to their targets and a section', () => {
    const { monitoring } = canaryFleet(Testing.app());
    const md = renderPlanMarkdown(monitoring.node.root);
    const flow = parseFlowchart(mermaidBlock(md));
    const mon = flow.nodes.get('mon_fleet_monitoring')!;
    expect(mon.shape).toBe('([])');
    expect(mon.label).toBe('monitoring llm-monitoring<br/>2 ServiceMonitors, 9 alert #quot;rules#quot; #35;1');
    expect(flow.edges.filter(e => e.dotted)).toEqual([
      { from: 'mon_fleet_monitoring', to: 'svc_fleet_llama_70b', dotted: true },
      { from: 'mon_fleet_monitoring', to: 'svc_fleet_qwen', dotted: true },
      { from: 'mon_fleet_monitoring', to: 'pool_fleet_h100', dotted: true },
    ]);
    expect(md).toContain('## monitoring: llm-monitoring\n\n2 ServiceMonitors, 9 alert "rules" #1\n\n- alert rules: 9');
  });

  test('is deterministic', () => {
    const a = Testing.app();
    canaryFleet(a);
    const b = Testing.app();
    canaryFleet(b);
    expect(renderPlanMarkdown(a)).toBe(renderPlanMarkdown(b));
    expect(renderPlanText(a)).toBe(renderPlanText(b));
  });

  test('an app with no modelship constructs has an empty, valid plan', () => {
    const app = Testing.app();
    new Chart(app, 'empty');
    const md = renderPlanMarkdown(app);
    expect(md).toContain('No pools.');
    expect(parseFlowchart(mermaidBlock(md)).nodes.size).toBe(0);
  });
});

describe('mermaid ids and labels', () => {
  test.each([
    ['end', 'svc_c_end'],
    ['a.b', 'svc_c_a_b'],
    ['Ünïcode-名前', 'svc_c_n_code'],
    ['trailing-', 'svc_c_trailing'],
  ])('construct id %j -> %s', (id, expected) => {
    const chart = new Chart(Testing.app(), 'c');
    expect(new MermaidIds().idOf('svc', new Construct(chart, id))).toBe(expected);
  });

  test('ids that sanitize alike stay unique and stable', () => {
    const chart = new Chart(Testing.app(), 'c');
    const ids = new MermaidIds();
    const a = new Construct(chart, 'a-b');
    const b = new Construct(chart, 'a_b');
    const c = new Construct(chart, 'a.b');
    expect([ids.idOf('svc', a), ids.idOf('svc', b), ids.idOf('svc', c), ids.idOf('svc', a)]).toEqual(['svc_c_a_b', 'svc_c_a_b_2', 'svc_c_a_b_3', 'svc_c_a_b']);
  });

  test.each([
    [['a "quoted" label'], '"a #quot;quoted#quot; label"'],
    [['#1 <b>bold</b>'], '"#35;1 #lt;b#gt;bold#lt;/b#gt;"'],
    [['one', 'two'], '"one<br/>two"'],
    [['multi\nline `code`'], '"multi line #96;code#96;"'],
  ])('label %j -> %s', (lines, expected) => {
    expect(mermaidLabel(lines)).toBe(expected);
  });

  test('hostile names still give a topology that parses', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'end', { namespace: 'llm' });
    const pool = new GpuNodePool(chart, 'graph', h100Props);
    new ModelService(chart, 'subgraph', {
      model: Model.huggingFace('meta-llama/Llama-3.1-8B-Instruct'), runtime: Runtime.vllm({ version: '0.9.2', maxModelLen: 4096 }), nodePool: pool,
    });
    new FakeMonitoring(chart, 'class', [pool]);
    const flow = parseFlowchart(renderTopology(buildFleetPlan(app)));
    expect([...flow.nodes.keys()]).toEqual(['pool_end_graph', 'svc_end_subgraph', 'mon_end_class']);
  });
});
