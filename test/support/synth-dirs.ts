/**
 * Synth outputs on disk for the CLI tests: an example's cdk8s app run the way `cdk8s synth` runs it
 * (its cdk8s.yaml `app` command, CDK8S_OUTDIR), optionally from an edited copy of its main.ts, and
 * directories of hand-edited objects.
 */
import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parseAllDocuments, stringify } from 'yaml';
import { CliContext } from '../../lib/cli/command';

const root = join(__dirname, '..', '..');
const examplesDir = join(root, 'examples');

/** A new temporary directory. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `modelship-${prefix}-`));
}

/**
 * Synthesizes an example into a new directory and returns it. `edit` rewrites the example's
 * main.ts first (the edited copy runs from .tmp/, with the examples' tsconfig paths).
 */
export function synthExampleDir(name: string, edit?: (source: string) => string): string {
  const outdir = tempDir(`${name}-out`);
  const dir = join(examplesDir, name);
  let command = /^app:\s*(.+)$/m.exec(readFileSync(join(dir, 'cdk8s.yaml'), 'utf8'))![1].trim();
  let cwd = dir;
  if (edit) {
    const source = readFileSync(join(dir, 'main.ts'), 'utf8');
    const edited = edit(source);
    if (edited === source) throw new Error(`the edit of examples/${name}/main.ts changed nothing`);
    const copyDir = join(root, '.tmp');
    mkdirSync(copyDir, { recursive: true });
    const copy = join(copyDir, `${name}-${process.pid}-${Date.now()}.ts`);
    writeFileSync(copy, edited);
    command = `npx tsx --tsconfig ${join(examplesDir, 'tsconfig.json')} ${copy}`;
    cwd = root;
  }
  const run = spawnSync(command, { cwd, shell: true, encoding: 'utf8', env: { ...process.env, CDK8S_OUTDIR: outdir } });
  if (run.status !== 0) throw new Error(`example ${name} failed:\n${run.stdout}\n${run.stderr}`);
  return outdir;
}

/** Every object of the YAML files of a directory, with its file. */
export function readObjects(dir: string): Array<{ file: string; object: any }> {
  return readdirSync(dir).filter(f => f.endsWith('.yaml')).sort()
    .flatMap(file => parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map(d => ({ file, object: d.toJSON() })))
    .filter(o => o.object !== null);
}

/** Writes objects as one YAML file per source file (and copies nothing else). */
export function writeObjects(dir: string, objects: Array<{ file: string; object: any }>): void {
  const byFile = new Map<string, any[]>();
  for (const o of objects) byFile.set(o.file, [...(byFile.get(o.file) ?? []), o.object]);
  for (const [file, list] of byFile) writeFileSync(join(dir, file), list.map(o => stringify(o)).join('---\n'));
}

/** A CLI context that records what a command prints. */
export interface Captured extends CliContext {
  readonly stdout: string[];
  readonly stderr: string[];
}

export function captured(cwd: string): Captured {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { cwd, version: '0.0.0', stdout, stderr, out: l => stdout.push(l), err: l => stderr.push(l) };
}
