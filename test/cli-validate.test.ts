import { spawnSync } from 'child_process';
import { rmSync, writeFileSync } from 'fs';
import { join } from 'path';
import { apiServerViolations } from './support/api-server-rules';
import { evaluateCelRules } from './support/cel-rules';
import { CDK8S_EXAMPLES } from './support/examples';
import { restrictedViolations } from './support/pss';
import { schemaErrors } from './support/schema';
import { captured, readObjects, synthExampleDir, tempDir, writeObjects } from './support/synth-dirs';
import { ExitCode } from '../lib/cli/command';
import { main } from '../lib/cli/main';

// `modelship validate` is a product: it is tested by what it finds in real synth outputs, each
// injected error confirmed as an error by the tests' own independent checkers (test/support), and by
// passing every example. The tests never validate lib output with lib/validate.

const dirs: string[] = [];
afterAll(() => dirs.forEach(d => rmSync(d, { recursive: true, force: true })));

function validate(dir: string, ...flags: string[]): { code: ExitCode; stdout: string[]; stderr: string[]; json?: any } {
  const c = captured(dir);
  const code = main(['validate', dir, ...flags], c);
  return { code, stdout: c.stdout, stderr: c.stderr, json: flags.includes('json') ? JSON.parse(c.stdout.join('\n')) : undefined };
}

describe.each(CDK8S_EXAMPLES)('example %s', name => {
  test('passes validate (exit 0, no problem line) and the tests\' own checkers agree', () => {
    const dir = synthExampleDir(name);
    dirs.push(dir);
    const r = validate(dir);
    expect(r.stdout.filter(l => !l.startsWith('modelship validate:'))).toEqual([]);
    expect(r.stdout.at(-1)).toMatch(/^modelship validate: \d+ object\(s\) in \d+ file\(s\), 0 problem\(s\)$/);
    expect(r.code).toBe(ExitCode.OK);
    // The control: the independent checkers accept the same output (else "passes" would mean nothing).
    const objects = readObjects(dir).map(o => o.object);
    expect(objects.length).toBeGreaterThan(5);
    expect(objects.flatMap(o => schemaErrors(o))).toEqual([]);
  });
});

describe('errors injected into the flagship, one of each class', () => {
  let base: Array<{ file: string; object: any }>;
  beforeAll(() => {
    const dir = synthExampleDir('flagship');
    dirs.push(dir);
    base = readObjects(dir);
  });

  /** A copy of the flagship's objects with one object edited; returns the directory and the edited object. */
  function inject(kind: string, name: string, edit: (o: any) => void): { dir: string; object: any } {
    const objects = structuredClone(base);
    const target = objects.find(o => o.object.kind === kind && o.object.metadata.name === name);
    if (!target) throw new Error(`no ${kind} ${name} in the flagship`);
    edit(target.object);
    const dir = tempDir('validate-injected');
    dirs.push(dir);
    writeObjects(dir, objects);
    return { dir, object: target.object };
  }

  function problems(dir: string): any[] {
    const r = validate(dir, '--format', 'json');
    expect(r.code).toBe(ExitCode.PROBLEMS);
    return r.json.problems;
  }

  test('schema: an unknown field of a core kind', () => {
    const { dir, object } = inject('Deployment', 'llama-8b', o => { o.spec.replicaz = 2; });
    expect(schemaErrors(object).join('\n')).toMatch(/replicaz/);
    expect(problems(dir)).toEqual([expect.objectContaining({ file: 'llm-prod.k8s.yaml', kind: 'Deployment', name: 'llm/llama-8b', path: 'spec.replicaz', check: 'schema' })]);
  });

  test('schema: a wrong type in a custom resource (vendored CRD schema)', () => {
    const { dir, object } = inject('ScaledObject', 'llama-70b', o => { o.spec.maxReplicaCount = 'seven'; });
    expect(schemaErrors(object).join('\n')).toMatch(/maxReplicaCount/);
    expect(problems(dir)).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'ScaledObject', path: 'spec.maxReplicaCount', check: 'schema', message: expect.stringMatching(/integer/) })]));
  });

  test('api-server: a label value and a quantity the API server refuses', () => {
    const { dir, object } = inject('Deployment', 'llama-70b', o => {
      o.metadata.labels.team = 'ml platform!';
      o.spec.template.spec.containers[0].resources.limits.memory = '12 GiB';
    });
    const independent = apiServerViolations([object]).map(v => `${v.rule} ${v.path}`);
    expect(independent).toEqual(expect.arrayContaining([expect.stringMatching(/^label-value metadata\.labels/), expect.stringMatching(/^quantity .*memory/)]));
    const found = problems(dir).filter(p => p.check === 'api-server');
    expect(found.map(p => p.path)).toEqual(expect.arrayContaining(['metadata.labels["team"]', 'spec.template.spec.containers[0].resources.limits["memory"]']));
  });

  test('api-server: an object name that is not a DNS-1123 subdomain', () => {
    const { dir } = inject('ServiceAccount', 'llama-8b', o => { o.metadata.name = 'Llama_8B'; });
    expect(problems(dir)).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'ServiceAccount', name: 'llm/Llama_8B', path: 'metadata.name', check: 'api-server' })]));
  });

  test('cel: an HTTPRoute whose backend timeout is longer than its request timeout', () => {
    const { dir, object } = inject('HTTPRoute', 'llama-70b', o => { o.spec.rules[0].timeouts.backendRequest = '900s'; });
    const independent = evaluateCelRules([object]).outcomes.filter(o => o.status === 'fail');
    expect(independent.map(o => o.rule.message)).toEqual([expect.stringMatching(/backendRequest timeout cannot be longer than request timeout/)]);
    const found = problems(dir);
    expect(found).toEqual([expect.objectContaining({ kind: 'HTTPRoute', path: 'spec.rules[0].timeouts', check: 'cel', message: expect.stringMatching(/backendRequest timeout cannot be longer than request timeout/) })]);
  });

  test('pod-security: a model pod that allows privilege escalation; a node agent is not a model pod', () => {
    const { dir, object } = inject('Deployment', 'llama-8b', o => { o.spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation = true; });
    expect(restrictedViolations(object.spec.template.spec)).toEqual([expect.stringMatching(/allowPrivilegeEscalation/)]);
    expect(problems(dir)).toEqual([expect.objectContaining({ kind: 'Deployment', path: 'spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation', check: 'pod-security' })]);
    // The device plugin DaemonSet mounts hostPath volumes (not restricted) and passes: it is not a model pod.
    expect(base.some(o => o.object.kind === 'DaemonSet' && restrictedViolations(o.object.spec.template.spec).length > 0)).toBe(true);
  });

  test('object-size: an object kubectl apply cannot store', () => {
    const { dir, object } = inject('ConfigMap', base.find(o => o.object.kind === 'ConfigMap')!.object.metadata.name, o => {
      o.data = { ...o.data, 'big.txt': 'x'.repeat(300 * 1024) };
    });
    expect(apiServerViolations([object]).map(v => v.rule)).toContain('object-size');
    expect(problems(dir)).toEqual([expect.objectContaining({ kind: 'ConfigMap', path: 'metadata.annotations', check: 'object-size', message: expect.stringMatching(/262144 bytes/) })]);
  });

  test('parse: a file that is not YAML', () => {
    const { dir } = inject('Deployment', 'llama-8b', () => undefined);
    writeFileSync(join(dir, 'broken.yaml'), 'kind: [unclosed\n');
    expect(problems(dir)).toEqual([expect.objectContaining({ file: 'broken.yaml', check: 'parse' })]);
  });

  test('text output: one line per problem, file:kind/name: path: message, and exit 1', () => {
    const { dir } = inject('Deployment', 'llama-8b', o => { o.spec.replicaz = 2; o.metadata.labels.team = 'a b'; });
    const r = validate(dir);
    expect(r.code).toBe(ExitCode.PROBLEMS);
    expect(r.stdout).toEqual([
      'llm-prod.k8s.yaml:Deployment/llm/llama-8b: spec.replicaz: unknown field "replicaz" (not in the schema; the API server drops it)',
      expect.stringMatching(/^llm-prod\.k8s\.yaml:Deployment\/llm\/llama-8b: metadata\.labels\["team"\]: "a b": a label value must be/),
    ]);
    expect(r.stderr).toEqual(['modelship validate: 32 object(s) in 1 file(s), 2 problem(s)']);
    const md = captured(dir);
    expect(main(['validate', dir, '--format', 'markdown'], md)).toBe(ExitCode.PROBLEMS);
    expect(md.stdout.join('\n')).toMatch(/^### modelship validate: 2 problem\(s\)[\s\S]*\| file \| object \| path \| check \| problem \|/);
  });
});

describe('usage', () => {
  test.each([
    [['validate'], /validate takes one directory, got 0/],
    [['validate', '/nonexistent-dir'], /directory \/nonexistent-dir is not a directory/],
    [['validate', '.', '--format', 'yaml'], /--format must be one of text, markdown, json/],
  ])('%j is a usage error (exit 2)', (argv, message) => {
    const c = captured(__dirname);
    expect(main(argv, c)).toBe(ExitCode.USAGE);
    expect(c.stderr.join('\n')).toMatch(message);
  });

  test('--help documents the checks and the exit codes; an empty directory is exit 1', () => {
    const c = captured(__dirname);
    expect(main(['validate', '--help'], c)).toBe(ExitCode.OK);
    expect(c.stdout.join('\n')).toMatch(/Checks:[\s\S]*schema[\s\S]*api-server[\s\S]*cel[\s\S]*pod-security[\s\S]*object-size[\s\S]*Exit codes: 0 no problem; 1 problems found/);
    const empty = tempDir('validate-empty');
    dirs.push(empty);
    const e = captured(empty);
    expect(main(['validate', empty], e)).toBe(ExitCode.PROBLEMS);
    expect(e.stderr.join('\n')).toMatch(/no Kubernetes object/);
  });
});

test('the validator\'s dependencies load lazily: not by `import \'modelship\'`, `modelship/testing` or `modelship --help`; by validate', () => {
  const probe = (code: string): string[] => {
    // Top-level packages only (cdk8s bundles its own copy of yaml in cdk8s/node_modules).
    const script = `${code};const h=['yaml','ajv','kubernetes-models','@bufbuild/cel'];const top=process.cwd()+'/node_modules/';`
      + 'console.log(JSON.stringify([...new Set(Object.keys(require.cache).filter(k=>k.startsWith(top)).map(k=>k.slice(top.length).split("/")).map(p=>p[0].startsWith("@")?p[0]+"/"+p[1]:p[0]))].filter(p=>h.includes(p)).sort()))';
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: join(__dirname, '..'), encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout.trim().split('\n').pop()!);
  };
  expect(probe("require('./lib/index.ts')")).toEqual([]);
  expect(probe("require('./lib/testing/index.ts')")).toEqual([]);
  expect(probe("require('./lib/cli/main.ts').main(['--help'],{cwd:'.',version:'0',out(){},err(){}})")).toEqual([]);
  const one = tempDir('validate-one');
  dirs.push(one);
  writeFileSync(join(one, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n');
  // kubernetes-models' validators run on ajv.
  expect(probe(`require('./lib/cli/main.ts').main(['validate',${JSON.stringify(one)}],{cwd:'.',version:'0',out(){},err(){}})`)).toEqual(['ajv', 'kubernetes-models', 'yaml']);
});
