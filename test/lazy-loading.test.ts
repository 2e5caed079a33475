/**
 * `import 'modelship'` loads no heavy dependency a program may not use (issue 16, start-up): the
 * Grafana SDK loads when a MonitoringStack renders a dashboard, the PromQL parser when a user's
 * PromQL is checked, each CRD binding when such an object is built, and nothing of cdk8s-plus-28
 * loads: the k8s bindings are lib/imports/k8s.ts, its `k8s` module vendored (scripts/vendor-k8s.mjs).
 * Checked in a fresh Node process (jest's own module registry would hide what plain Node loads).
 * A new eager import of one of these makes this fail; load it where it is used instead
 * (lib/private/lazy-module.ts shows how).
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { HEAVY_MODULES } from '../bench/heavy-modules';

const ROOT = path.join(__dirname, '..');


/** Runs `script` in a fresh node (tsx, the examples' path mapping) and returns the HEAVY_MODULES fragments loaded after `require(entry)` and after `script`. */
function loaded(script: string): { afterImport: string[]; afterUse: string[] } {
  const heavy = JSON.stringify(HEAVY_MODULES);
  const seen = `(() => { const keys = Object.keys(require.cache); return ${heavy}.filter(f => keys.some(k => k.includes(f))); })()`;
  const code = `const m = require('./lib/index.ts'); const afterImport = ${seen}; ${script}; `
    + `process.stdout.write(JSON.stringify({ afterImport, afterUse: ${seen} }));`;
  const result = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', code], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`node failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

test('import modelship loads none of the heavy modules; using the features loads theirs', () => {
  // A canary under Argo Rollouts, monitoring with a dashboard and a user rule: each loads its module.
  const { afterImport, afterUse } = loaded(`
    const { App, Chart } = require('cdk8s');
    const app = new App({ outdir: require('os').tmpdir() });
    const chart = new Chart(app, 'c', { namespace: 'llm' });
    const pool = new m.GpuNodePool(chart, 'l4', { accelerator: m.Accelerator.NVIDIA_L4, provisioner: m.Provisioner.gke({ gpusPerNode: 1 }), maxGpus: 8 });
    const svc = new m.ModelService(chart, 'llama', {
      model: m.Model.huggingFace('meta-llama/Llama-3.1-8B-Instruct'), runtime: m.Runtime.vllm(), nodePool: pool,
    });
    new m.CanaryRollout(chart, 'canary', { service: svc, candidate: { runtime: m.Runtime.vllm({ version: '0.10.0' }) }, strategy: m.TrafficStrategy.argoRollouts() });
    new m.MonitoringStack(chart, 'mon', { services: [svc], rules: [m.MonitoringRule.record({ name: 'team:requests:rate5m', expr: 'sum(rate(vllm:request_success_total[5m]))' })] });
    app.synthYaml();
  `);
  expect(afterImport).toEqual([]);
  expect(afterUse).toEqual(expect.arrayContaining([
    '@grafana/grafana-foundation-sdk', '@prometheus-io/lezer-promql', 'imports/rollouts-argoproj.io', 'imports/analysistemplates-argoproj.io',
    'imports/podmonitors-monitoring.coreos.com', 'imports/prometheusrules-monitoring.coreos.com',
  ]));
  // Nothing in this program builds a Karpenter pool, an InferencePool or a LeaderWorkerSet.
  expect(afterUse).not.toContain('imports/nodepools-karpenter.sh');
  expect(afterUse).not.toContain('imports/inferencepools-inference.networking.k8s.io');
  expect(afterUse).not.toContain('imports/leaderworkersets-leaderworkerset.x-k8s.io');
});
