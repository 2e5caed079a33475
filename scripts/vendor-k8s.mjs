#!/usr/bin/env node
// Vendors cdk8s-plus-28's `k8s` module (the Kubernetes 1.28 L1 bindings `cdk8s import k8s` generates)
// into lib/imports/k8s.ts, byte for byte the TypeScript cdk8s-plus-28 publishes: its compiled
// lib/imports/k8s.js carries the source in an inline source map (`sourcesContent`), and that is
// what is copied here, under a header saying where it is from.
//
// Why a copy (issue 16, start-up): cdk8s-plus-28's k8s.js is 559 KB of code followed by 2.1 MB of
// inline source map, which every `require` reads and scans: ~105 ms of CPU against ~42 ms for the
// same code without the map. Compiled by this project, the copy gets an external .js.map.
//
//   node scripts/vendor-k8s.mjs          # write lib/imports/k8s.ts from the installed cdk8s-plus-28
//   node scripts/vendor-k8s.mjs --check  # exit 1 if lib/imports/k8s.ts differs from it
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const pkgDir = dirname(require.resolve('cdk8s-plus-28/package.json'));
const { version } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
const js = readFileSync(join(pkgDir, 'lib', 'imports', 'k8s.js'), 'utf8');
const marker = '//# sourceMappingURL=data:application/json;base64,';
const at = js.lastIndexOf(marker);
if (at < 0) throw new Error(`cdk8s-plus-28@${version}: lib/imports/k8s.js has no inline source map to take the TypeScript from`);
const map = JSON.parse(Buffer.from(js.slice(at + marker.length).trim(), 'base64').toString('utf8'));
if (map.sources?.length !== 1 || !map.sources[0].endsWith('imports/k8s.ts') || typeof map.sourcesContent?.[0] !== 'string') {
  throw new Error(`cdk8s-plus-28@${version}: the source map of lib/imports/k8s.js does not hold imports/k8s.ts`);
}
const header = [
  `// Vendored from cdk8s-plus-28@${version} (Apache-2.0, https://github.com/cdk8s-team/cdk8s-plus):`,
  '// its `k8s` module, src/imports/k8s.ts (`cdk8s import k8s@1.28`), byte for byte as the TypeScript in the',
  '// source map the package publishes with lib/imports/k8s.js. Written by scripts/vendor-k8s.mjs (which says',
  '// why: start-up); `--check` and test/vendored-k8s.test.ts keep it equal to the installed package.',
  '',
].join('\n');
const out = header + map.sourcesContent[0];
const target = join(root, 'lib', 'imports', 'k8s.ts');
if (process.argv.includes('--check')) {
  let current = '';
  try { current = readFileSync(target, 'utf8'); } catch { /* missing */ }
  if (current !== out) {
    console.error(`lib/imports/k8s.ts is not cdk8s-plus-28@${version}'s k8s module: run node scripts/vendor-k8s.mjs`);
    process.exit(1);
  }
} else {
  writeFileSync(target, out);
  console.log(`lib/imports/k8s.ts <- cdk8s-plus-28@${version} src/imports/k8s.ts (${map.sourcesContent[0].length} chars)`);
}
