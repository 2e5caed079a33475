/**
/*: cdk8s-only users install neither package.
 * Checked in a fresh Node process (jest's own registry would hide what plain Node loads).
 */
import { spawnSync } from 'child_process';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');

function pulumiModulesLoadedBy(entry: string): string[] {
  const script = `require(${JSON.stringify(entry)});` +
    'process.stdout.write(JSON.stringify(Object.keys(require.cache).filter(p => p.includes("/@pulumi/"))));';
  const result = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`node failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

test('lib/index.ts loads no @pulumi module', () => {
  expect(pulumiModulesLoadedBy('./lib/index.ts')).toEqual([]);
});

test('the check sees @pulumi when it is loaded (lib/pulumi/index.ts)', () => {
  expect(pulumiModulesLoadedBy('./lib/pulumi/index.ts').length).toBeGreaterThan(0);
});
