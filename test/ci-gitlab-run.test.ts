import { spawn, spawnSync } from 'child_process';
import { mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { renderGitLabCi } from '../lib/ci';
import { gitlabCiLocal } from './support/gitlab-ci';
import { run } from './support/npm';
import { scaffoldPipeline } from '../lib/cli/scaffold-pipeline';

/**
 * The GitLab pipeline `modelship init --ci gitlab` writes, run for real by gitlab-ci-local (shell
 * executor, each job in its own copy of the repo with only its artifacts: --shell-isolation) in a
 * scaffold that installs this repo's packed tarball: install (npm ci), test (tsc + jest, which
 * type-checks pipeline.ts against modelship/ci from the tarball), synth (cdk8s), validate.
 * The deploy jobs need a cluster and the diff job a GitLab API: not run here.
 */
const root = join(__dirname, '..');
const tool = gitlabCiLocal();

if (tool.reason) {
  if (process.env.CI === 'true') throw new Error(`gitlab-ci-local cannot run under CI: ${tool.reason}`);
  // eslint-disable-next-line no-console
  console.warn(`SKIPPED: the GitLab pipeline is not run: ${tool.reason}. Under CI=true this fails.`);
  test.skip('the GitLab pipeline runs green under gitlab-ci-local', () => undefined);
} else {
  let work: string;
  beforeAll(() => { work = mkdtempSync(join(tmpdir(), 'modelship-glci-run-')); });
  // Five copies of node_modules (one per isolated job): removed in the background, not on the test's clock.
  afterAll(() => spawn('rm', ['-rf', work], { detached: true, stdio: 'ignore' }).unref());

  test('the scaffold\'s GitLab pipeline: install, test, synth and validate run green under gitlab-ci-local', () => {
    const started = Date.now();
    // npm as the caller has it (its cache: warm on a laptop, empty under .ci/run), minus this repo's npm_package_* variables.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_(package|lifecycle)_/i.test(k)));
    const npmEnv = { ...env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', npm_config_prefer_offline: 'true' };
    run('npx', ['tsc', '--build'], root, env);
    const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], root, env).stdout);
    const tarball = join(work, packed[0].filename);

    const repo = join(work, 'infra');
    run(process.execPath, [join(root, 'build', 'cli', 'main.js'), 'init', repo, '--ci', 'gitlab', '--modelship', `file:${tarball}`], work, env);
    const written = readFileSync(join(repo, '.gitlab-ci.yml'), 'utf8');
    expect(written).toBe(renderGitLabCi(scaffoldPipeline({ pulumi: false })));
    // The lock file a user commits after `npm install` (npm ci in the install job needs it).
    run('npm', ['install', '--package-lock-only'], repo, npmEnv);

    const git = (...args: string[]) => run('git', ['-c', 'user.name=modelship-test', '-c', 'user.email=test@modelship.invalid', ...args], repo, env);
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'infra repo from modelship init --ci gitlab');
    // gitlab-ci-local derives the project's predefined variables from the origin remote (never contacted here).
    git('remote', 'add', 'origin', 'https://gitlab.example.com/acme/infra.git');

    const cache = (process.env.npm_config_cache ?? run('npm', ['config', 'get', 'cache'], root, env).stdout.trim());
    const r = spawnSync(tool.node!, [
      tool.script, '--force-shell-executor', '--shell-isolation',
      // The jobs' npm uses the caller's npm cache instead of the pipeline's $CI_PROJECT_DIR/.npm (empty here).
      '--variable', `npm_config_cache=${cache}`, '--variable', 'npm_config_prefer_offline=true',
      'install', 'test', 'synth', 'validate',
    ], { cwd: repo, env: { ...env, CDK8S_CHECK_UPGRADE: 'false' }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const log = `${r.stdout}\n${r.stderr}`;
    if (r.status !== 0) throw new Error(`gitlab-ci-local exited with ${r.status}:\n${log.slice(-8000)}`);
    for (const job of ['install', 'test', 'synth', 'validate']) expect(log).toMatch(new RegExp(`PASS +${job}`));
    // test got node_modules from install's artifacts, and its tsc checked pipeline.ts against modelship/ci from the tarball.
    expect(log).toMatch(/test +> Tests: +\d+ passed, \d+ total/);
    expect(log).not.toMatch(/test +> Tests: .*failed/);
    expect(log).toMatch(/synth +> +- dist\/llm\.k8s\.yaml/);
    // validate got dist/ from synth's artifacts (it runs in its own copy of the repo).
    expect(log).toMatch(/validate +> \| llm\/qwen-7b \|/);
    // eslint-disable-next-line no-console
    console.log(`gitlab-ci-local: install, test, synth, validate green; whole test ${Math.round((Date.now() - started) / 1000)} s`);
  }, 15 * 60_000);
}
