import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { expectSchemaValid } from './support/schema';

/** Runs an example app into a temporary directory and returns every object it wrote. */
function synthExample(name: string): any[] {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `modelship-${name}-`));
  const before = process.env.MODELSHIP_OUTDIR;
  process.env.MODELSHIP_OUTDIR = outdir;
  try {
    jest.isolateModules(() => require(`../examples/${name}/main`));
  } finally {
    if (before === undefined) delete process.env.MODELSHIP_OUTDIR; else process.env.MODELSHIP_OUTDIR = before;
  }
  const objs = fs.readdirSync(outdir).sort().flatMap(f =>
    YAML.parseAllDocuments(fs.readFileSync(path.join(outdir, f), 'utf8')).map(d => d.toJSON()).filter(Boolean));
  fs.rmSync(outdir, { recursive: true, force: true });
  return objs;
}

test.each([
  ['flagship', { NodePool: 1, EC2NodeClass: 1, DaemonSet: 1, Deployment: 2 }],
  ['pools', { NodePool: 1, EC2NodeClass: 1, Deployment: 3 }],
])('example %s synthesizes valid objects with its pools', (name, counts) => {
  const objs = synthExample(name);
  expectSchemaValid(objs);
  for (const [kind, n] of Object.entries(counts)) {
    expect(objs.filter(o => o.kind === kind)).toHaveLength(n);
  }
});
