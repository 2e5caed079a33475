import { spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';
import Ajv, { ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { node22 } from './node22';

const root = join(__dirname, '..', '..');

let validator: ValidateFunction | undefined;

/**
 * Validates a `.gitlab-ci.yml` against GitLab's own JSON schema (vendor/gitlab-ci/ci.schema.json,
 * draft-07) with ajv; returns one line per error. Formats: the schema's `uri`, `uri-reference`,
 * `date-time` and `regex` are checked loosely (they apply to fields the pipelines do not write).
 */
export function gitlabSchemaErrors(text: string): string[] {
  if (!validator) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    ajv.addFormat('uri', /^[a-z][a-z0-9+.-]*:\S*$/i);
    ajv.addFormat('uri-reference', /^\S*$/);
    ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T/);
    ajv.addFormat('regex', { validate: (s: string) => { try { new RegExp(s); return true; } catch { return false; } } });
    validator = ajv.compile(JSON.parse(readFileSync(join(root, 'vendor', 'gitlab-ci', 'ci.schema.json'), 'utf8')));
  }
  // GitLab reads YAML 1.1-ish with Ruby's Psych; the pipelines avoid every construct where 1.1 and 1.2 differ.
  const ok = validator(parse(text));
  return ok ? [] : (validator.errors ?? []).map(e => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
}

/** Where gitlab-ci-local is, and the Node 22 that runs it, or why it cannot run here. */
export function gitlabCiLocal(): { node?: string; script: string; reason?: string } {
  const script = join(root, 'node_modules', 'gitlab-ci-local', 'dist', 'index.js');
  const node = node22();
  if (!node.path) return { script, reason: node.reason };
  const rsync = spawnSync('rsync', ['--version'], { encoding: 'utf8' });
  // gitlab-ci-local copies the repo and artifacts between shell-isolated jobs with rsync.
  if (rsync.status !== 0) return { script, reason: 'rsync is not installed (Debian package rsync; .ci/run installs it)' };
  return { node: node.path, script };
}
