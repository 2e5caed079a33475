import { spawnSync } from 'child_process';

/** What a command printed. */
export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment for an npm (or npx) that must behave as on a fresh machine: its own empty cache,
 * online (never `--offline` or `--prefer-offline`, whatever the caller's config says), no audit, fund
 * or update notices. The `npm_package_*` and `npm_lifecycle_*` variables of an enclosing `npm test`
 * describe this repo, not the project under test, so they are dropped. `CDK8S_CHECK_UPGRADE=false`
 * keeps cdk8s-cli from asking registry.npmjs.org (hard-coded, not the configured registry) for a
 * newer version on every command.
 */
export function freshNpmEnv(cache: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_(package|lifecycle)_/i.test(k)));
  return {
    ...inherited,
    npm_config_cache: cache,
    npm_config_offline: 'false',
    npm_config_prefer_offline: 'false',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    CDK8S_CHECK_UPGRADE: 'false',
    ...extra,
  };
}

/** Runs a command to completion; a non-zero exit fails with everything it printed. */
export function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): RunResult {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited with ${r.status ?? r.signal}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  }
  return { stdout: r.stdout, stderr: r.stderr };
}

/** npm's messages for a registry that answered wrong or not at all, rather than for a broken dependency tree. */
const REGISTRY_HICCUP = /\b(ETARGET|ECONNRESET|ETIMEDOUT|EAI_AGAIN|ENOTFOUND|E50[0234]|EINTEGRITY)\b/;

/**
 * `npm install` in `dir`. The registry (or a mirror in front of it) sometimes serves a package's
 * metadata a few minutes behind its dependents' (`ETARGET` for a version published moments ago) or
 * drops a connection: then, and only then, it warns and retries once, revalidating every cached
 * document (`--prefer-online`). Anything else (ERESOLVE among them) fails at once.
 */
export function npmInstall(dir: string, env: NodeJS.ProcessEnv, ...args: string[]): RunResult {
  const install = ['install', '--no-audit', '--no-fund', ...args];
  try {
    return run('npm', install, dir, env);
  } catch (e) {
    const message = (e as Error).message;
    if (!REGISTRY_HICCUP.test(message) || /\bERESOLVE\b/.test(message)) throw e;
    // eslint-disable-next-line no-console
    console.warn(`npm install in ${dir} hit a registry error; retrying once with --prefer-online:\n${message.slice(-1500)}`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 15_000);
    return run('npm', [...install, '--prefer-online'], dir, env);
  }
}
