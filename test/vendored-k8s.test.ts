/**
 * lib/imports/k8s.ts is cdk8s-plus-28's `k8s` module, vendored (scripts/vendor-k8s.mjs says why):
 * it must stay byte for byte the TypeScript the installed cdk8s-plus-28 publishes in the source
 * map of its lib/imports/k8s.js, so modelship's Kubernetes objects are cdk8s-plus-28's, not an
 * imitation. The check reads the installed package, nothing of lib/.
 */
import { spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');

test('lib/imports/k8s.ts is the k8s module of the installed cdk8s-plus-28', () => {
  const check = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'vendor-k8s.mjs'), '--check'], { cwd: ROOT, encoding: 'utf8' });
  expect(check.stderr).toBe('');
  expect(check.status).toBe(0);
});

test('the copy is the source map\'s TypeScript under a header of comments only', () => {
  // Read independently of the script: the TypeScript in the installed package's inline source map.
  const js = readFileSync(require.resolve('cdk8s-plus-28/lib/imports/k8s.js'), 'utf8');
  const marker = '//# sourceMappingURL=data:application/json;base64,';
  const source: string = JSON.parse(Buffer.from(js.slice(js.lastIndexOf(marker) + marker.length).trim(), 'base64').toString('utf8')).sourcesContent[0];
  const vendored = readFileSync(path.join(ROOT, 'lib', 'imports', 'k8s.ts'), 'utf8');
  expect(vendored.endsWith(source)).toBe(true);
  expect(vendored.slice(0, vendored.length - source.length).split('\n').every(l => l === '' || l.startsWith('//'))).toBe(true);
});
