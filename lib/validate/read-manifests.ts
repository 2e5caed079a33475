import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ManifestObject, ManifestProblem } from './problem';

/** YAML files of a synth output: every `*.yaml` / `*.yml` under `dir`, recursively, sorted by path. */
export function manifestFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      if (name === 'node_modules' || name.startsWith('.')) continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(name)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** What a directory of manifests holds: the objects, and the documents that did not parse. */
export interface ReadManifests {
  readonly objects: ManifestObject[];
  readonly problems: ManifestProblem[];
}

/** Parses every YAML document of every manifest file under `dir` (empty documents are skipped). */
export function readManifests(dir: string): ReadManifests {
  // Loaded here, not at the top: `import 'modelship'` and `modelship init` never load a YAML parser.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const YAML: typeof import('yaml') = require('yaml');
  const objects: ManifestObject[] = [];
  const problems: ManifestProblem[] = [];
  for (const path of manifestFiles(dir)) {
    const file = relative(dir, path).split('\\').join('/');
    YAML.parseAllDocuments(readFileSync(path, 'utf8')).forEach((doc, index) => {
      if (doc.errors.length > 0) {
        problems.push({ file, kind: '?', name: `document ${index}`, path: '(root)', message: `YAML does not parse: ${doc.errors[0].message.split('\n')[0]}`, check: 'parse' });
        return;
      }
      const object = doc.toJS();
      if (object !== null && object !== undefined) objects.push({ file, index, object });
    });
  }
  return { objects, problems };
}
