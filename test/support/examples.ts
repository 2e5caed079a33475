/**
 * Synthesizes the cdk8s example apps (examples/<name>/cdk8s.yaml) the way `cdk8s synth` does and
 * returns their objects. Same procedure as test/examples.test.ts, shared by the tests that check
 * every emitted object against an independent rule set.
 */
import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';

const examplesDir = join(__dirname, '..', '..', 'examples');

/** Names of the example folders that are cdk8s apps. */
export const CDK8S_EXAMPLES: readonly string[] = readdirSync(examplesDir).filter(d => existsSync(join(examplesDir, d, 'cdk8s.yaml'))).sort();

/** Runs one example's cdk8s.yaml `app` command into a temp outdir and parses every YAML document. */
export function synthExampleObjects(name: string): any[] {
  const outdir = mkdtempSync(join(tmpdir(), `modelship-${name}-`));
  try {
    const dir = join(examplesDir, name);
    const app = /^app:\s*(.+)$/m.exec(readFileSync(join(dir, 'cdk8s.yaml'), 'utf8'))![1].trim();
    const run = spawnSync(app, { cwd: dir, shell: true, encoding: 'utf8', env: { ...process.env, CDK8S_OUTDIR: outdir } });
    if (run.status !== 0) throw new Error(`example ${name} failed:\n${run.stdout}\n${run.stderr}`);
    return readdirSync(outdir).filter(f => f.endsWith('.yaml')).sort()
      .flatMap(f => parseAllDocuments(readFileSync(join(outdir, f), 'utf8')).map(d => d.toJSON()))
      .filter(o => o !== null);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
