/**
 * Module path fragments `import 'modelship'` must not load: each loads when the feature that needs
 * it runs (issue 16, start-up). One list for test/lazy-loading.test.ts and the bench (startup.ts).
 */
import { readdirSync } from 'fs';
import { join } from 'path';

export const HEAVY_MODULES: readonly string[] = [
  // Nothing of cdk8s-plus-28: its L2 index loads every construct, and its k8s.js carries a 2.1 MB
  // inline source map; modelship's k8s bindings are lib/imports/k8s.ts (scripts/vendor-k8s.mjs).
  'node_modules/cdk8s-plus-28/',
  '@grafana/grafana-foundation-sdk',
  '@prometheus-io/lezer-promql',
  // Every generated CRD binding (lib/private/crd-bindings.ts, lazyModule); k8s.ts is the one every construct uses.
  ...readdirSync(join(__dirname, '..', 'lib', 'imports'))
    .filter(f => f.endsWith('.ts') && f !== 'k8s.ts')
    .map(f => `imports/${f.replace(/\.ts$/, '')}`)
    .sort(),
  '/@pulumi/',
];
