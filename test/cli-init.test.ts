import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { satisfies } from 'semver';
import { parse } from 'yaml';
import { CliContext, ExitCode } from '../lib/cli/command';
import { main, packageVersion } from '../lib/cli/main';
import { MIN_NODE_VERSION, TESTED_VERSIONS } from '../lib/cli/versions';

// `modelship` and `modelship init` without npm: what they write, refuse and keep. The installed
// scaffold (npm install, cdk8s synth, its own tests) is checked in package.test.ts.

const root = join(__dirname, '..');
const repoPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

interface Captured extends CliContext { readonly stdout: string[]; readonly stderr: string[] }

function context(cwd: string): Captured {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { cwd, version: '1.2.3', stdout, stderr, out: l => stdout.push(l), err: l => stderr.push(l) };
}

let work: string;
beforeEach(() => { work = mkdtempSync(join(tmpdir(), 'modelship-init-')); });
afterEach(() => rmSync(work, { recursive: true, force: true }));

const read = (...p: string[]) => readFileSync(join(work, ...p), 'utf8');
const readJson = (...p: string[]) => JSON.parse(read(...p));

describe('modelship', () => {
  test('without a command: usage on stderr, exit 2', () => {
    const c = context(work);
    expect(main([], c)).toBe(ExitCode.USAGE);
    expect(c.stderr.join('\n')).toMatch(/Usage: modelship <command>[\s\S]*init[\s\S]*Exit codes: 0 ok, 1 problems found, 2 usage error/);
  });

  test('--help lists the commands, exit 0', () => {
    const c = context(work);
    expect(main(['--help'], c)).toBe(ExitCode.OK);
    expect(c.stdout.join('\n')).toMatch(/^ {2}init {6}scaffold an infra repo/m);
    const h = context(work);
    expect(main(['help', 'init'], h)).toBe(ExitCode.OK);
    expect(h.stdout.join('\n')).toMatch(/Usage: modelship init \[dir\]/);
  });

  test('--version prints the version of the package', () => {
    const c = context(work);
    expect(main(['--version'], c)).toBe(ExitCode.OK);
    expect(c.stdout).toEqual(['1.2.3']);
    expect(packageVersion()).toBe(repoPackage.version);
  });

  test.each([
    [['deploy'], /unknown command "deploy"/],
    [['init', '--bogus'], /Unknown option '--bogus'/],
    [['init', 'a', 'b'], /init takes one directory, got 2: a b/],
    [['init', '--modelship'], /--modelship/],
    [['init', '--modelship', ' '], /--modelship needs an npm spec/],
  ])('%j is a usage error (exit 2) that says what is wrong', (argv, message) => {
    const c = context(work);
    expect(main(argv, c)).toBe(ExitCode.USAGE);
    expect(c.stderr.join('\n')).toMatch(message);
    expect(readdirSync(work)).toEqual([]);
  });

  test('the package.json bin runs build/cli/main.js, which starts with a node shebang', () => {
    expect(repoPackage.bin).toEqual({ modelship: 'build/cli/main.js' });
    expect(readFileSync(join(root, 'lib', 'cli', 'main.ts'), 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });
});

describe('modelship init', () => {
  test('writes a cdk8s infra repo into a new directory', () => {
    const c = context(work);
    expect(main(['init', 'infra'], c)).toBe(ExitCode.OK);
    expect(readdirSync(join(work, 'infra')).sort()).toEqual(['.gitignore', 'README.md', 'cdk8s.yaml', 'main.test.ts', 'main.ts', 'package.json', 'tsconfig.json']);
    const pkg = JSON.parse(readFileSync(join(work, 'infra', 'package.json'), 'utf8'));
    expect(pkg.name).toBe('infra');
    expect(pkg.dependencies).toEqual({
      'modelship': '^1.2.3',
      'cdk8s': TESTED_VERSIONS.cdk8s,
      'cdk8s-plus-28': TESTED_VERSIONS['cdk8s-plus-28'],
      'constructs': TESTED_VERSIONS.constructs,
    });
    expect(pkg.devDependencies.typescript).toBe('~5.9');
    expect(pkg.devDependencies['cdk8s-cli']).toBe(TESTED_VERSIONS['cdk8s-cli']);
    expect(pkg.engines).toEqual({ node: `>=${MIN_NODE_VERSION}` });
    expect(pkg.scripts.synth).toBe('cdk8s synth --no-check-upgrade');
    // cdk8s.yaml runs main.ts transpile-only (tsx), never ts-node's type-checking run.
    expect(parse(readFileSync(join(work, 'infra', 'cdk8s.yaml'), 'utf8'))).toEqual({ language: 'typescript', app: 'node --import tsx main.ts' });
    expect(readFileSync(join(work, 'infra', 'main.ts'), 'utf8')).toMatch(/new ModelService\([\s\S]*new MonitoringStack\(/);
    expect(c.stdout.join('\n')).toMatch(/Next:\n {2}cd infra\n {2}npm install\n {2}npx cdk8s synth/);
  });

  test('--pulumi adds Pulumi.yaml, the program, its test and the Pulumi packages', () => {
    expect(main(['init', '--pulumi', '--modelship', 'file:../modelship.tgz'], context(work))).toBe(ExitCode.OK);
    expect(readdirSync(work)).toEqual(expect.arrayContaining(['Pulumi.yaml', 'index.ts', 'index.test.ts', 'main.ts']));
    const pkg = readJson('package.json');
    expect(pkg.dependencies).toMatchObject({
      'modelship': 'file:../modelship.tgz',
      '@pulumi/pulumi': TESTED_VERSIONS['@pulumi/pulumi'],
      '@pulumi/kubernetes': TESTED_VERSIONS['@pulumi/kubernetes'],
    });
    const project = parse(read('Pulumi.yaml'));
    expect(project.runtime).toEqual({ name: 'nodejs', options: { typescript: true } });
    expect(project.name).toBe(pkg.name);
    expect(read('index.ts')).toMatch(/new ModelFleet\('llm', \{ source: app \}/);
  });

  test('a directory that is not empty is refused (exit 1) and left as it was', () => {
    writeFileSync(join(work, 'notes.txt'), 'mine');
    const c = context(work);
    expect(main(['init', work], c)).toBe(ExitCode.PROBLEMS);
    expect(c.stderr.join('\n')).toMatch(/is not empty \(notes\.txt\)[\s\S]*--force/);
    expect(readdirSync(work)).toEqual(['notes.txt']);
  });

  test('a directory holding only .git counts as empty (git init first is fine)', () => {
    mkdirSync(join(work, '.git'));
    expect(main(['init'], context(work))).toBe(ExitCode.OK);
    expect(readdirSync(work)).toContain('main.ts');
  });

  test('a file where the directory should be is refused', () => {
    writeFileSync(join(work, 'infra'), '');
    const c = context(work);
    expect(main(['init', 'infra'], c)).toBe(ExitCode.PROBLEMS);
    expect(c.stderr.join('\n')).toMatch(/exists and is not a directory/);
  });

  test('--force adds what is missing and never overwrites a file', () => {
    const mine = '// my own main.ts\n';
    writeFileSync(join(work, 'main.ts'), mine);
    writeFileSync(join(work, '.gitignore'), 'node_modules/\n.env');
    writeFileSync(join(work, 'package.json'), JSON.stringify({
      name: 'platform',
      version: '3.0.0',
      scripts: { test: 'vitest' },
      dependencies: { 'left-pad': '^1.3.0' },
      devDependencies: { typescript: '^7.0.0', cdk8s: '^2.0.0' },
    }, null, 4));
    const c = context(work);
    expect(main(['init', '--force'], c)).toBe(ExitCode.OK);

    expect(read('main.ts')).toBe(mine);
    expect(read('.gitignore')).toBe('node_modules/\n.env\ndist/\ncoverage/\n*.tgz\n');
    const pkg = readJson('package.json');
    expect(pkg.name).toBe('platform');
    expect(pkg.scripts.test).toBe('vitest');
    expect(pkg.scripts.synth).toBe('cdk8s synth --no-check-upgrade');
    expect(pkg.dependencies['left-pad']).toBe('^1.3.0');
    expect(pkg.dependencies.modelship).toBe('^1.2.3');
    // Present in another section or with another range: kept, and said so.
    expect(pkg.dependencies.cdk8s).toBeUndefined();
    expect(pkg.devDependencies).toMatchObject({ cdk8s: '^2.0.0', typescript: '^7.0.0' });
    expect(read('package.json')).toMatch(/^ {4}"name"/m); // the file's own indentation
    const out = c.stdout.join('\n');
    expect(out).toMatch(/kept {6}main\.ts \(exists and differs; not overwritten\)/);
    expect(out).toMatch(/kept {6}devDependencies\.typescript "\^7\.0\.0" \(modelship init uses "~5\.9"\)/);
    expect(out).toMatch(/kept {6}scripts\.test "vitest"/);
    expect(out).toMatch(/created {3}tsconfig\.json/);
  });

  test('--force with a package.json that is not JSON: left alone, exit 1', () => {
    writeFileSync(join(work, 'package.json'), '{ nope');
    const c = context(work);
    expect(main(['init', '--force'], c)).toBe(ExitCode.PROBLEMS);
    expect(read('package.json')).toBe('{ nope');
    expect(c.stdout.join('\n')).toMatch(/problem {3}package\.json is not a JSON object/);
  });

  test('run twice with --force, it changes nothing', () => {
    expect(main(['init', '--pulumi'], context(work))).toBe(ExitCode.OK);
    const before = Object.fromEntries(readdirSync(work).map(f => [f, read(f)]));
    const c = context(work);
    expect(main(['init', '--pulumi', '--force'], c)).toBe(ExitCode.OK);
    expect(Object.fromEntries(readdirSync(work).map(f => [f, read(f)]))).toEqual(before);
    expect(c.stdout.filter(l => /^ {2}(created|updated)/.test(l))).toEqual([]);
  });
});

test('the scaffold pins what this repo is tested with: TESTED_VERSIONS are the devDependencies of package.json', () => {
  for (const [name, range] of Object.entries(TESTED_VERSIONS)) {
    expect([name, repoPackage.devDependencies[name]]).toEqual([name, range]);
  }
  expect(repoPackage.engines.node).toBe(`>= ${MIN_NODE_VERSION}`);
});

test('engines and dependencies agree: every package npm ci installs accepts the oldest Node modelship claims', () => {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  const refusing = Object.entries<any>(lock.packages)
    .filter(([, p]) => p.engines?.node !== undefined && !satisfies(MIN_NODE_VERSION, p.engines.node))
    .map(([path, p]) => `${path.replace(/^.*node_modules\//, '')}@${p.version}: node ${p.engines.node}`);
  expect(refusing).toEqual([]);
  // ... and the running Node is one of them.
  expect(satisfies(process.versions.node, repoPackage.engines.node)).toBe(true);
});

test('the install lines of README.md and docs/pulumi.md pin exactly the versions modelship init writes', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Use it in your infra repo'), readme.indexOf('## Concepts'));
  const text = `${section}\n${readFileSync(join(root, 'docs', 'pulumi.md'), 'utf8')}`;
  const pinned = [...text.matchAll(/^npm install (?:-D )?([^\n#]+)/gm)]
    .flatMap(m => m[1].trim().split(/\s+/))
    .filter(arg => arg.lastIndexOf('@') > 0)
    .map(arg => [arg.slice(0, arg.lastIndexOf('@')), arg.slice(arg.lastIndexOf('@') + 1)]);
  expect(pinned.map(([name]) => name)).toEqual(expect.arrayContaining(['typescript', '@types/node', 'tsx', 'cdk8s-cli', 'cdk8s', 'cdk8s-plus-28', 'constructs', '@pulumi/pulumi', '@pulumi/kubernetes']));
  for (const [name, range] of pinned) expect([name, range]).toEqual([name, (TESTED_VERSIONS as Record<string, string>)[name]]);
  // The manual cdk8s.yaml of the README is the scaffold's.
  expect(section).toContain('`app: node --import tsx main.ts`');
});
