import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CliContext, Command, ExitCode, UsageError } from './command';
import { ScaffoldFile, scaffoldFiles, scaffoldPackageJson } from './scaffold';
import { CI_PLATFORMS, CiPlatform } from './scaffold-pipeline';

const HELP = `Usage: modelship init [dir] [options]

Scaffold an infra repo that deploys a model with modelship: package.json (modelship, cdk8s,
cdk8s-plus-28, constructs and the versions modelship is tested with), tsconfig.json, cdk8s.yaml,
main.ts (one ModelService and a MonitoringStack), main.test.ts, .gitignore and README.md.

Arguments:
  dir                 where to write (created if missing)                   [default: .]

Options:
  --pulumi            also write Pulumi.yaml, index.ts (a Pulumi program deploying the same
                      chart) and index.test.ts, and add @pulumi/pulumi and @pulumi/kubernetes
  --ci <platform>     also write a CI/CD pipeline: github (.github/workflows/modelship.yml),
                      gitlab (.gitlab-ci.yml) or jenkins (Jenkinsfile), and pipeline.ts,
                      its source (npm run pipeline writes it again); see docs/ci-cd.md
  --force             write into a directory that is not empty: add the files that are missing,
                      add missing dependencies and scripts to an existing package.json and
                      missing lines to .gitignore; every other existing file is kept as is
  --modelship <spec>  npm spec of the modelship dependency      [default: ^<this version>]
                      (e.g. a tarball: --modelship file:../modelship-1.0.0.tgz)
  -h, --help          show this help

A directory that is not empty (other than .git) is refused without --force, and no existing
file is ever overwritten.

Exit codes: 0 written; 1 refused (directory not empty, not a directory, unreadable
package.json); 2 usage error.`;

/** `modelship init`: a new infra repo with one model, ready for `npm install && npx cdk8s synth && npm test`. */
export const initCommand: Command = {
  name: 'init',
  summary: 'scaffold an infra repo with one model service (cdk8s; --pulumi for Pulumi too)',
  help: HELP,
  run(args: string[], context: CliContext): ExitCode {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        pulumi: { type: 'boolean', default: false },
        force: { type: 'boolean', default: false },
        modelship: { type: 'string' },
        ci: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    if (values.help) {
      context.out(HELP);
      return ExitCode.OK;
    }
    if (positionals.length > 1) throw new UsageError(`init takes one directory, got ${positionals.length}: ${positionals.join(' ')}`);
    if (values.modelship !== undefined && values.modelship.trim() === '') throw new UsageError('--modelship needs an npm spec (e.g. ^1.0.0 or file:modelship.tgz)');
    if (values.ci !== undefined && !(CI_PLATFORMS as readonly string[]).includes(values.ci)) {
      throw new UsageError(`--ci must be one of ${CI_PLATFORMS.join(', ')}, got ${JSON.stringify(values.ci)}`);
    }
    return init({
      dir: resolve(context.cwd, positionals[0] ?? '.'),
      pulumi: values.pulumi!,
      ci: values.ci as CiPlatform | undefined,
      force: values.force!,
      modelship: values.modelship ?? `^${context.version}`,
    }, context);
  },
};

/** Options of {@link init}. */
export interface InitOptions {
  /** Absolute path of the repo to write. */
  readonly dir: string;
  readonly pulumi: boolean;
  /** Also write a pipeline for this CI platform. */
  readonly ci?: CiPlatform;
  readonly force: boolean;
  /** npm spec of the modelship dependency. */
  readonly modelship: string;
}

/** An npm package name from a directory name: lower case, `[a-z0-9._-]`, not starting with `.` or `_`. */
export function packageNameFor(dir: string): string {
  const name = basename(dir).toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+/, '').slice(0, 214);
  return name === '' ? 'llm-fleet' : name;
}

/** Writes the scaffold into `options.dir`; see HELP for what it refuses and what it never overwrites. */
export function init(options: InitOptions, context: CliContext): ExitCode {
  const dir = options.dir;
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    context.err(`modelship init: ${dir} exists and is not a directory.`);
    return ExitCode.PROBLEMS;
  }
  const existing = existsSync(dir) ? readdirSync(dir).filter(e => e !== '.git').sort() : [];
  if (existing.length > 0 && !options.force) {
    const shown = existing.slice(0, 8).join(', ') + (existing.length > 8 ? `, ... (${existing.length} entries)` : '');
    context.err(`modelship init: ${dir} is not empty (${shown}).`);
    context.err('  Choose a new or empty directory, or pass --force to add only what is missing (existing files are never overwritten).');
    return ExitCode.PROBLEMS;
  }
  mkdirSync(dir, { recursive: true });

  const files = scaffoldFiles({ name: packageNameFor(dir), modelship: options.modelship, pulumi: options.pulumi, ci: options.ci });
  const report: string[] = [];
  let problems = 0;
  for (const file of files) {
    const outcome = writeScaffoldFile(dir, file, options);
    if (outcome.problem) problems++;
    report.push(...outcome.lines);
  }

  const rel = relative(context.cwd, dir);
  const where = rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? dir : rel;
  context.out(`modelship init: ${where}`);
  for (const line of report) context.out(`  ${line}`);
  if (problems > 0) {
    context.err(`modelship init: ${problems} file(s) could not be reconciled; see above.`);
    return ExitCode.PROBLEMS;
  }
  context.out('');
  context.out('Next:');
  if (where !== '.') context.out(`  cd ${where}`);
  context.out('  npm install');
  context.out('  npx cdk8s synth   # dist/llm.k8s.yaml and dist/PLAN.md (npm run synth skips the cdk8s-cli upgrade check)');
  context.out('  npm test          # type-check and run the tests (*.test.ts)');
  if (options.pulumi) context.out('  pulumi stack init dev && pulumi preview   # with the Pulumi CLI and a cluster');
  if (options.ci) context.out('  git add -A && git commit   # then set the pipeline\'s secrets in your CI (docs/ci-cd.md of modelship)');
  return ExitCode.OK;
}

interface Outcome {
  readonly lines: string[];
  readonly problem?: boolean;
}

function writeScaffoldFile(dir: string, file: ScaffoldFile, options: InitOptions): Outcome {
  const target = join(dir, file.path);
  if (!existsSync(target)) {
    mkdirSync(dirname(target), { recursive: true }); // .github/workflows/
    writeFileSync(target, file.content);
    return { lines: [`created   ${file.path}`] };
  }
  const current = readFileSync(target, 'utf8');
  if (current === file.content) return { lines: [`unchanged ${file.path}`] };
  switch (file.merge) {
    case 'lines': {
      const have = new Set(current.split(/\r?\n/).map(l => l.trim()));
      const missing = file.content.split('\n').filter(l => l.trim() !== '' && !have.has(l.trim()));
      if (missing.length === 0) return { lines: [`kept      ${file.path} (has every line)`] };
      writeFileSync(target, `${current}${current === '' || current.endsWith('\n') ? '' : '\n'}${missing.join('\n')}\n`);
      return { lines: [`updated   ${file.path}: added ${missing.join(' ')}`] };
    }
    case 'json-package':
      return mergePackageJson(target, current, scaffoldPackageJson({ name: packageNameFor(dir), modelship: options.modelship, pulumi: options.pulumi, ci: options.ci }), dir);
    case 'keep':
      return { lines: [`kept      ${file.path} (exists and differs; not overwritten)`] };
  }
}

const DEPENDENCY_SECTIONS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];

/**
 * Adds what the scaffold needs to a package.json the user already has: missing dependencies (in the
 * scaffold's section), scripts, `engines` and the jest config. Nothing present is changed; a
 * dependency pinned to another range than the tested one is kept and reported.
 */
function mergePackageJson(target: string, text: string, wanted: Record<string, any>, dir: string): Outcome {
  let pkg: Record<string, any>;
  try {
    pkg = JSON.parse(text);
    if (pkg === null || typeof pkg !== 'object' || Array.isArray(pkg)) throw new Error('not a JSON object');
  } catch (e) {
    return { lines: [`problem   package.json is not a JSON object (${(e as Error).message}); left as is`], problem: true };
  }
  const added: string[] = [];
  const notes: string[] = [];
  for (const section of ['dependencies', 'devDependencies']) {
    for (const [name, range] of Object.entries(wanted[section] as Record<string, string>)) {
      const has = DEPENDENCY_SECTIONS.find(s => pkg[s]?.[name] !== undefined);
      if (has) {
        if (pkg[has][name] !== range) notes.push(`kept      ${has}.${name} ${JSON.stringify(pkg[has][name])} (modelship init uses ${JSON.stringify(range)})`);
        continue;
      }
      pkg[section] = { ...(pkg[section] ?? {}), [name]: range };
      added.push(name);
    }
  }
  for (const [name, command] of Object.entries(wanted.scripts as Record<string, string>)) {
    if (pkg.scripts?.[name] !== undefined) {
      if (pkg.scripts[name] !== command) notes.push(`kept      scripts.${name} ${JSON.stringify(pkg.scripts[name])}`);
      continue;
    }
    pkg.scripts = { ...(pkg.scripts ?? {}), [name]: command };
    added.push(`scripts.${name}`);
  }
  if (pkg.engines?.node === undefined) {
    pkg.engines = { ...(pkg.engines ?? {}), node: wanted.engines.node };
    added.push('engines.node');
  }
  const jestConfigFile = readdirSync(dir).some(f => /^jest\.config\.(js|cjs|mjs|ts|json)$/.test(f));
  if (pkg.jest === undefined && !jestConfigFile) {
    pkg.jest = wanted.jest;
    added.push('jest');
  }
  const lines = added.length > 0 ? [`updated   package.json: added ${added.join(', ')}`] : ['kept      package.json (has everything modelship init adds)'];
  if (added.length > 0) {
    const indent = /^[ \t]+(?=")/m.exec(text)?.[0] ?? '  ';
    writeFileSync(target, `${JSON.stringify(pkg, null, indent)}${text.endsWith('\n') ? '\n' : ''}`);
  }
  return { lines: [...lines, ...notes] };
}
