import { CiPlatform, pipelineTs, renderScaffoldPipeline, scaffoldPipeline } from './scaffold-pipeline';
import { MIN_NODE_VERSION, TESTED_VERSIONS, TestedPackage } from './versions';

/** What `modelship init` writes into a new infra repo. */
export interface ScaffoldOptions {
  /** The package name of the infra repo (package.json `name`). */
  readonly name: string;
  /** The npm spec of the modelship dependency (`^1.2.3`, `file:/path/to/modelship.tgz`). */
  readonly modelship: string;
  /** Also write a Pulumi program (Pulumi.yaml, index.ts and its test) deploying the same chart. */
  readonly pulumi: boolean;
  /** Also write a CI pipeline for this platform (and pipeline.ts, its source). @default - none */
  readonly ci?: CiPlatform;
}

/** One file of the scaffold, with how to reconcile it with a file the user already has. */
export interface ScaffoldFile {
  /** Path relative to the repo root, `/`-separated. */
  readonly path: string;
  readonly content: string;
  /**
   * `json-package`: add the missing dependencies, scripts and settings to an existing package.json;
   * `lines`: append the missing lines to an existing file (.gitignore);
   * `keep`: leave an existing file alone.
   */
  readonly merge: 'json-package' | 'lines' | 'keep';
}

function pick(...names: TestedPackage[]): Record<string, string> {
  return Object.fromEntries(names.map(n => [n, TESTED_VERSIONS[n]]));
}

/** The package.json of the scaffold, as an object (also the reference for merging into an existing one). */
export function scaffoldPackageJson(options: ScaffoldOptions): Record<string, any> {
  return {
    name: options.name,
    version: '0.1.0',
    private: true,
    description: 'Model fleet on Kubernetes, defined with modelship',
    engines: { node: `>=${MIN_NODE_VERSION}` },
    scripts: {
      // The CLI checks npmjs.org for a newer cdk8s-cli on every run unless told not to.
      synth: 'cdk8s synth --no-check-upgrade',
      typecheck: 'tsc --noEmit',
      test: 'tsc --noEmit && jest',
      ...(options.ci ? { pipeline: 'node --import tsx pipeline.ts' } : {}),
    },
    dependencies: {
      modelship: options.modelship,
      ...pick('cdk8s', 'cdk8s-plus-28', 'constructs'),
      ...(options.pulumi ? pick('@pulumi/pulumi', '@pulumi/kubernetes') : {}),
    },
    devDependencies: pick('cdk8s-cli', 'tsx', 'typescript', '@types/node', 'jest', 'ts-jest', '@types/jest'),
    jest: {
      preset: 'ts-jest',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/dist/'],
    },
  };
}

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    lib: ['es2022'],
    // node16 reads package.json "exports", so `modelship/pulumi` resolves; no "type": "module" means CommonJS.
    module: 'node16',
    moduleResolution: 'node16',
    strict: true,
    esModuleInterop: true,
    skipLibCheck: true,
    // Each file compiles on its own: ts-jest and tsx transpile without type-checking, `tsc --noEmit` checks once.
    isolatedModules: true,
    noEmit: true,
    types: ['node', 'jest'],
  },
  include: ['**/*.ts'],
  exclude: ['node_modules', 'dist'],
};

const CDK8S_YAML = `language: typescript
# Node loads tsx, which strips the types without type-checking (\`npm test\` type-checks): synth
# takes seconds, in one process. \`npm run synth\` also skips cdk8s-cli's upgrade check, which
# otherwise asks npmjs.org on every run.
app: node --import tsx main.ts
`;

const mainTs = (pulumi: boolean) => `import { App, Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { Accelerator, Model, ModelService, MonitoringStack, renderPlanText, Runtime } from 'modelship';

/**
 * The models this repo serves, and their monitoring. \`npx cdk8s synth\` writes them to dist/
 * (one YAML file, and PLAN.md with the GPU plan); main.test.ts checks them.
 */
export class LlmFleet extends Chart {
  public readonly qwen: ModelService;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'llm', ...props });

    // modelship plans the GPUs from the model's size and the accelerator's memory (here: one L4).
    // Put it on a pool you run with \`nodePool: new GpuNodePool(...)\` to get its labels, taints and GPU budget.
    this.qwen = new ModelService(this, 'qwen-7b', {
      model: Model.huggingFace('Qwen/Qwen2.5-7B-Instruct'),
      runtime: Runtime.vllm({ maxModelLen: 8192 }),
      accelerator: Accelerator.NVIDIA_L4,
      autoscaling: { minReplicas: 1, maxReplicas: 3 },
    });

    // The service's PodMonitor, recording and alerting rules, and a Grafana dashboard for its engine.
    new MonitoringStack(this, 'monitoring', { services: [this.qwen] });
  }
}

// Synthesize when run (cdk8s.yaml); the tests${pulumi ? ' and the Pulumi program (index.ts)' : ''} import LlmFleet instead.
if (require.main === module) {
  const app = new App();
  new LlmFleet(app, 'llm');
  app.synth();
  // The plan table, on stderr: \`cdk8s synth\` keeps the app's stdout to itself.
  console.error(renderPlanText(app));
}
`;

const MAIN_TEST_TS = `import { App } from 'cdk8s';
import { modelshipMatchers, synthApp } from 'modelship/testing';
import { LlmFleet } from './main';

// toBeValidKubernetes, toPassPodSecurity, toFitPool and toCostAtMost (see modelship's docs/testing.md).
expect.extend(modelshipMatchers);

describe('LlmFleet', () => {
  const app = new App();
  const chart = new LlmFleet(app, 'llm');
  // Synthesized in memory (nothing is written to dist/): the objects, and the plan as data.
  const result = synthApp(app);
  const ofKind = (kind: string) => result.objects.filter(o => o.kind === kind);

  test('Qwen2.5-7B is planned on one L4 per replica, and its pods ask for it', () => {
    expect(chart.qwen.plan.gpusPerReplica).toBe(1);
    const [deployment] = ofKind('Deployment');
    const [server] = deployment.spec.template.spec.containers;
    expect(server.resources.limits['nvidia.com/gpu']).toBe(1);
  });

  test('the service is scraped and alerted on', () => {
    expect(ofKind('PodMonitor')).toHaveLength(1);
    expect(ofKind('PrometheusRule').length).toBeGreaterThan(0);
  });

  test('every object is valid Kubernetes, and the model pods pass Pod Security "restricted"', () => {
    expect(result).toBeValidKubernetes();
    expect(result).toPassPodSecurity('restricted');
  });

  test('the fleet costs at most $5 per hour at max scale', () => {
    // 3 replicas x 1 L4 at its list price. Raise the bound on purpose when the fleet grows.
    expect(result).toCostAtMost(5);
  });
});
`;

const PULUMI_YAML = (name: string) => `name: ${name}
description: The model fleet of main.ts, deployed with Pulumi (one resource per Kubernetes object)
runtime:
  name: nodejs
  options:
    typescript: true
config:
  kubeContext:
    type: string
    default: ""
    description: kubeconfig context of the target cluster (empty = the current context)
`;

const INDEX_TS = `import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { App } from 'cdk8s';
import { ModelFleet } from 'modelship/pulumi';
import { LlmFleet } from './main';

// The same chart \`npx cdk8s synth\` renders, applied by Pulumi: one resource per Kubernetes object.
const config = new pulumi.Config();
const context = config.get('kubeContext');
const cluster = new k8s.Provider('cluster', { context: context ? context : undefined });

const app = new App();
new LlmFleet(app, 'llm');
export const fleet = new ModelFleet('llm', { source: app }, { provider: cluster });

/** In-cluster URL of each model (\`llm/qwen-7b\` -> http://qwen-7b.llm.svc.cluster.local:8000). */
export const serviceUrls = fleet.serviceUrls;
`;

const INDEX_TEST_TS = `import * as pulumi from '@pulumi/pulumi';

// The Pulumi program under mocks: no CLI, no cluster; every resource it registers is recorded.
const registered: pulumi.runtime.MockResourceArgs[] = [];
pulumi.runtime.setMocks({
  newResource: args => {
    registered.push(args);
    return { id: \`\${args.name}-id\`, state: args.inputs };
  },
  call: args => args.inputs,
}, 'llm-fleet', 'test', false);

function settled<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise(resolve => output.apply(value => { resolve(value); return value; }));
}

test('the Pulumi program registers one resource per object of the chart, the Deployment of qwen-7b among them', async () => {
  // Required here, not imported at the top: imports run before setMocks, and the program must run after it.
  const program: typeof import('./index') = require('./index');
  const objects = Object.values(program.fleet.objects);
  await settled(pulumi.all(objects.map(o => o.urn)));
  expect(registered.filter(r => r.type === 'kubernetes:apps/v1:Deployment').map(r => r.name)).toEqual(['llm/qwen-7b']);
  expect(registered.filter(r => r.type.startsWith('kubernetes:'))).toHaveLength(objects.length);
  expect(await settled(program.serviceUrls)).toEqual({ 'llm/qwen-7b': 'http://qwen-7b.llm.svc.cluster.local:8000' });
});
`;

const GITIGNORE = `node_modules/
dist/
coverage/
*.tgz
`;

function readme(options: ScaffoldOptions): string {
  const pulumi = options.pulumi ? `
Deploy with Pulumi instead (needs the Pulumi CLI and a cluster in your kubeconfig):

\`\`\`sh
pulumi stack init prod
pulumi config set kubeContext <context>   # or leave it empty for the current context
pulumi preview && pulumi up
\`\`\`

\`index.ts\` deploys the same \`LlmFleet\` chart, one Pulumi resource per Kubernetes object.
` : '';
  return `# ${options.name}

Models on Kubernetes, defined in TypeScript with [modelship](https://www.npmjs.com/package/modelship).

\`\`\`sh
npm install
npx cdk8s synth   # or \`npm run synth\` (no cdk8s-cli upgrade check): dist/llm.k8s.yaml and dist/PLAN.md
npm test          # type-check, then the tests (*.test.ts)
kubectl apply -f dist/
\`\`\`

\`main.ts\` defines the fleet. The synthesized objects need, in the cluster: KEDA (the autoscaler),
the Prometheus Operator (PodMonitor, PrometheusRule), and GPU nodes with the NVIDIA device plugin.
${pulumi}`;
}

/** The files of a new infra repo, in the order they are reported. */
export function scaffoldFiles(options: ScaffoldOptions): ScaffoldFile[] {
  const files: ScaffoldFile[] = [
    { path: 'package.json', content: `${JSON.stringify(scaffoldPackageJson(options), null, 2)}\n`, merge: 'json-package' },
    { path: 'tsconfig.json', content: `${JSON.stringify(TSCONFIG, null, 2)}\n`, merge: 'keep' },
    { path: 'cdk8s.yaml', content: CDK8S_YAML, merge: 'keep' },
    { path: 'main.ts', content: mainTs(options.pulumi), merge: 'keep' },
    { path: 'main.test.ts', content: MAIN_TEST_TS, merge: 'keep' },
    { path: '.gitignore', content: GITIGNORE, merge: 'lines' },
    { path: 'README.md', content: readme(options), merge: 'keep' },
  ];
  if (options.ci) {
    const rendered = renderScaffoldPipeline(options.ci, scaffoldPipeline({ pulumi: options.pulumi }));
    files.push(
      { path: 'pipeline.ts', content: pipelineTs(options.ci, options.pulumi), merge: 'keep' },
      { path: rendered.path, content: rendered.content, merge: 'keep' },
    );
  }
  if (options.pulumi) {
    files.push(
      { path: 'Pulumi.yaml', content: PULUMI_YAML(options.name), merge: 'keep' },
      { path: 'index.ts', content: INDEX_TS, merge: 'keep' },
      { path: 'index.test.ts', content: INDEX_TEST_TS, merge: 'keep' },
    );
  }
  return files;
}
