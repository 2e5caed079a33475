import { spawnSync } from 'child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, relative } from 'path';
import { CanaryWait, DeployMethod, Pipeline, renderGitHubWorkflow, renderGitLabCi, renderJenkinsfile } from '../lib/ci';
import { ValidationError } from '../lib/errors';
import { ciPipelines } from './support/ci-pipelines';
import { CliContext, ExitCode } from '../lib/cli/command';
import { main } from '../lib/cli/main';
import { renderScaffoldPipeline, scaffoldPipeline } from '../lib/cli/scaffold-pipeline';

// modelship/ci as an API: what it refuses, that it is deterministic, what it renders per option,
// and `modelship init --ci`. Each platform's own tools check the files in ci-github, ci-gitlab,
// ci-gitlab-run and ci-jenkins.test.ts.

function problemsOf(f: () => unknown): Array<{ property: string; value: string; fix: string; path: string }> {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).problems;
  }
  throw new Error('expected a ValidationError');
}

describe('Pipeline refuses bad input with path, property, value and fix', () => {
  test.each([
    ['an environment name that is not a DNS label', { environments: [{ name: 'Prod!', deploy: DeployMethod.pulumi({ stack: 'p' }) }] }, 'environments[0].name', '"Prod!"'],
    ['two environments with one name', { environments: [{ name: 'a', deploy: DeployMethod.pulumi({ stack: 'a' }) }, { name: 'a', deploy: DeployMethod.pulumi({ stack: 'b' }) }] }, 'environments[1].name', '"a"'],
    ['a deploy that is not a DeployMethod', { environments: [{ name: 'a', deploy: { kind: 'kubectl' } as any }] }, 'environments[0].deploy', '{"kind":"kubectl"}'],
    ['a Secret ApplySet parent without its namespace', { environments: [{ name: 'a', deploy: DeployMethod.kubectlApplySet({}) }] }, 'environments[0].deploy.namespace', 'undefined'],
    ['an ApplySet parent kubectl cannot read', { environments: [{ name: 'a', deploy: DeployMethod.kubectlApplySet({ applySet: 'Secrets/x y', namespace: 'llm' }) }] }, 'environments[0].deploy.applySet', '"Secrets/x y"'],
    ['a config repository URL with a token in it', { environments: [{ name: 'a', deploy: DeployMethod.gitOps({ repository: 'https://user:tok@github.com/a/b.git', path: 'x' }) }] }, 'environments[0].deploy.repository', '"https://user:tok@github.com/a/b.git"'],
    ['a GitOps path leaving the config repo', { environments: [{ name: 'a', deploy: DeployMethod.gitOps({ repository: 'https://github.com/a/b.git', path: '../etc' }) }] }, 'environments[0].deploy.path', '"../etc"'],
    ['a Pulumi stack with a space', { environments: [{ name: 'a', deploy: DeployMethod.pulumi({ stack: 'my stack' }) }] }, 'environments[0].deploy.stack', '"my stack"'],
    ['a canary timeout kubectl cannot read', { environments: [{ name: 'a', deploy: DeployMethod.pulumi({ stack: 'a' }), canaries: [CanaryWait.argoRollout('x', { namespace: 'llm', timeout: '1.5h' })] }] }, 'environments[0].canaries[0].timeout', '"1.5h"'],
    ['a canary in a namespace that is not a DNS label', { environments: [{ name: 'a', deploy: DeployMethod.pulumi({ stack: 'a' }), canaries: [CanaryWait.gatewayWeights('x', { namespace: 'LLM' })] }] }, 'environments[0].canaries[0].namespace', '"LLM"'],
    ['a target branch with a shell character', { targetBranch: 'main;rm -rf /' }, 'targetBranch', '"main;rm -rf /"'],
    ['an absolute outdir', { outdir: '/dist' }, 'outdir', '"/dist"'],
    ['a gate with a quote', { failOn: ["cost-increase>20%' || true"] }, 'failOn[0]', '"cost-increase>20%\' || true"'],
    ['a command of two lines', { commands: { test: 'npm test\nnpm run lint' } }, 'commands.test', '"npm test\\nnpm run lint"'],
    ['a kubectl version without v', { tools: { kubectl: '1.34.1' } }, 'tools.kubectl', '"1.34.1"'],
    ['a secret name with a space', { environments: [{ name: 'a', deploy: DeployMethod.pulumi({ stack: 'a', tokenSecret: 'PULUMI TOKEN' }) }] }, 'environments[0].deploy.tokenSecret', '"PULUMI TOKEN"'],
  ])('%s', (_what, props, property, value) => {
    const problems = problemsOf(() => new Pipeline(props as any));
    expect(problems).toEqual([expect.objectContaining({ path: 'pipeline', property, value, fix: expect.stringMatching(/\S/) })]);
  });

  test('every problem at once, and a JavaScript caller passing garbage gets a ValidationError, not a TypeError', () => {
    const problems = problemsOf(() => new Pipeline({ targetBranch: 'a b', outdir: '..', environments: 'prod' } as any));
    expect(problems.map(p => p.property)).toEqual(['targetBranch', 'outdir', 'environments']);
    expect(problemsOf(() => new Pipeline({ environments: [null] } as any)).map(p => p.property)).toEqual(['environments[0]']);
    expect(problemsOf(() => new Pipeline(42 as any)).map(p => p.property)).toEqual(['props']);
  });
});

describe('rendering', () => {
  const renderers = { github: renderGitHubWorkflow, gitlab: renderGitLabCi, jenkins: (p: Pipeline) => renderJenkinsfile(p) };

  test.each(Object.keys(renderers))('%s: the same pipeline renders byte-identical files, twice and from a new Pipeline', platform => {
    const render = (renderers as Record<string, (p: Pipeline) => string>)[platform];
    for (const [name, pipeline] of Object.entries(ciPipelines())) {
      const again = ciPipelines()[name];
      expect([name, render(pipeline)]).toEqual([name, render(again)]);
      expect(render(pipeline)).toBe(render(pipeline));
    }
  });

  test('the diff gates, the outdir and the commands reach every platform', () => {
    const p = ciPipelines()['every method'];
    for (const text of [renderGitHubWorkflow(p), renderGitLabCi(p), renderJenkinsfile(p)]) {
      expect(text).toContain("--fail-on 'cost-increase>20%' --fail-on 'gpu-increase>4'");
      expect(text).toContain('npx modelship validate out/k8s');
      expect(text).toContain('npx cdk8s synth --no-check-upgrade --output out/k8s');
      expect(text).toContain('KUBECTL_APPLYSET=true kubectl apply --server-side --field-manager=fleet-ci --prune --applyset=applysets.fleet.example.com/llm "$@"');
      expect(text).toContain('kubectl rollout status deployment/qwen-7b-canary --namespace llm --timeout=20m');
      expect(text).toContain('kubectl argo rollouts status llama-70b --namespace llm --timeout 60m');
      expect(text).toContain('kubectl argo rollouts status qwen-7b --namespace llm --timeout 2h');
      expect(text).toContain('pulumi preview --diff --stack acme/llm-fleet/production');
      expect(text).toContain('pulumi up --yes --stack acme/llm-fleet/production');
      expect(text).toContain('https://dl.k8s.io/release/v1.34.1/bin/linux/amd64/kubectl.sha256');
      // Only manifests go to the cluster or the config repo: plan.json and PLAN.md stay behind.
      expect(text).toContain('for f in out/k8s/*.yaml; do');
      expect(text).toContain('cp out/k8s/*.yaml "$config/clusters/staging/llm/"');
      // No token in a URL.
      expect(text).not.toMatch(/https:\/\/[^/\s]*@/);
    }
  });

  test('a review-only pipeline has no deploy', () => {
    const p = new Pipeline();
    expect(renderGitHubWorkflow(p)).not.toMatch(/deploy-|environment:/);
    expect(renderGitLabCi(p)).not.toMatch(/deploy-|environment:/);
    expect(renderJenkinsfile(p)).not.toMatch(/Deploy |input \{/);
  });

  test('approval: production (and prod) by default, any environment on request, none otherwise', () => {
    const p = new Pipeline({
      environments: ['staging', 'prod', 'production', 'canary'].map(name => ({ name, deploy: DeployMethod.pulumi({ stack: name }), approval: name === 'canary' ? true : undefined })),
    });
    expect(p._environments.map(e => [e.name, e.approval])).toEqual([['staging', false], ['prod', true], ['production', true], ['canary', true]]);
  });
});

describe('modelship init --ci', () => {
  let work: string;
  beforeEach(() => { work = mkdtempSync(join(tmpdir(), 'modelship-init-ci-')); });
  afterEach(() => rmSync(work, { recursive: true, force: true }));
  const context = (): CliContext & { stdout: string[]; stderr: string[] } => {
    const stdout: string[] = [];
    const stderr: string[] = [];
    return { cwd: work, version: '1.2.3', stdout, stderr, out: l => stdout.push(l), err: l => stderr.push(l) };
  };
  const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true })
    .flatMap(e => (e.isDirectory() ? files(join(dir, e.name)) : [relative(work, join(dir, e.name))])).sort();

  test.each([
    ['github', '.github/workflows/modelship.yml'],
    ['gitlab', '.gitlab-ci.yml'],
    ['jenkins', 'Jenkinsfile'],
  ] as const)('--ci %s writes %s (the scaffold pipeline, rendered) and pipeline.ts, its source', (platform, path) => {
    expect(main(['init', '--ci', platform], context())).toBe(ExitCode.OK);
    expect(files(work)).toEqual(['.gitignore', 'README.md', 'cdk8s.yaml', 'main.test.ts', 'main.ts', 'package.json', 'pipeline.ts', 'tsconfig.json', path].sort());
    expect(readFileSync(join(work, path), 'utf8')).toBe(renderScaffoldPipeline(platform, scaffoldPipeline({ pulumi: false })).content);
    expect(readFileSync(join(work, 'pipeline.ts'), 'utf8')).toContain('from \'modelship/ci\'');
    expect(JSON.parse(readFileSync(join(work, 'package.json'), 'utf8')).scripts.pipeline).toBe('node --import tsx pipeline.ts');
  });

  test.each([['github', false], ['gitlab', true], ['jenkins', false]] as const)('--ci %s (pulumi: %s): the scaffold\'s pipeline.ts, run (npm run pipeline), writes the very file init wrote', (platform, pulumi) => {
    expect(main(['init', '--ci', platform, ...(pulumi ? ['--pulumi'] : [])], context())).toBe(ExitCode.OK);
    const before = Object.fromEntries(files(work).map(f => [f, readFileSync(join(work, f), 'utf8')]));
    const path = renderScaffoldPipeline(platform, scaffoldPipeline({ pulumi })).path;
    rmSync(join(work, path));
    // `modelship/ci` resolves to this repo's sources, as the installed package would for the scaffold.
    writeFileSync(join(work, 'tsconfig.paths.json'), JSON.stringify({ compilerOptions: { baseUrl: join(__dirname, '..'), paths: { 'modelship/ci': ['lib/ci/index.ts'] } } }));
    const r = spawnSync(process.execPath, [require.resolve('tsx/cli'), '--tsconfig', 'tsconfig.paths.json', 'pipeline.ts'], { cwd: work, encoding: 'utf8' });
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(readFileSync(join(work, path), 'utf8')).toBe(before[path]);
  });

  test('--ci with --pulumi deploys the Pulumi stacks staging and production', () => {
    expect(main(['init', '--ci', 'gitlab', '--pulumi'], context())).toBe(ExitCode.OK);
    const text = readFileSync(join(work, '.gitlab-ci.yml'), 'utf8');
    expect(text).toContain('pulumi up --yes --stack production');
    expect(readFileSync(join(work, 'pipeline.ts'), 'utf8')).toContain("DeployMethod.pulumi({ stack: 'production' })");
  });

  test('an unknown platform is a usage error and writes nothing', () => {
    const c = context();
    expect(main(['init', '--ci', 'circleci'], c)).toBe(ExitCode.USAGE);
    expect(c.stderr.join('\n')).toMatch(/--ci must be one of github, gitlab, jenkins, got "circleci"/);
    expect(readdirSync(work)).toEqual([]);
  });

  test('without --ci, init writes exactly what it wrote before (no pipeline, no pipeline script)', () => {
    expect(main(['init'], context())).toBe(ExitCode.OK);
    expect(files(work)).toEqual(['.gitignore', 'README.md', 'cdk8s.yaml', 'main.test.ts', 'main.ts', 'package.json', 'tsconfig.json']);
    expect(JSON.parse(readFileSync(join(work, 'package.json'), 'utf8')).scripts).toEqual({ synth: 'cdk8s synth --no-check-upgrade', typecheck: 'tsc --noEmit', test: 'tsc --noEmit && jest' });
  });

  test('--force --ci adds the pipeline to an existing repo and keeps a pipeline file that differs', () => {
    expect(main(['init'], context())).toBe(ExitCode.OK);
    const c = context();
    expect(main(['init', '--force', '--ci', 'jenkins'], c)).toBe(ExitCode.OK);
    expect(c.stdout.join('\n')).toMatch(/created {3}Jenkinsfile/);
    expect(JSON.parse(readFileSync(join(work, 'package.json'), 'utf8')).scripts.pipeline).toBe('node --import tsx pipeline.ts');
    writeFileSync(join(work, 'Jenkinsfile'), 'pipeline { }\n');
    const again = context();
    expect(main(['init', '--force', '--ci', 'jenkins'], again)).toBe(ExitCode.OK);
    expect(again.stdout.join('\n')).toMatch(/kept {6}Jenkinsfile \(exists and differs; not overwritten\)/);
    expect(readFileSync(join(work, 'Jenkinsfile'), 'utf8')).toBe('pipeline { }\n');
  });
});

test('modelship/ci loads nothing of cdk8s, constructs or Pulumi (modelship init renders pipelines before anything is installed)', () => {
  const dir = join(__dirname, '..', 'lib', 'ci');
  const imports = readdirSync(dir).flatMap(f => [...readFileSync(join(dir, f), 'utf8').matchAll(/^import (type )?[^;]*?from '([^']+)'/gm)].filter(m => !m[1]).map(m => `${f}: ${m[2]}`));
  expect(imports.filter(i => !/: (\.\/|\.\.\/errors$|node:)/.test(i))).toEqual([]);
});
