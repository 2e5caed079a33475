/**
 * modelship's cross-construct checks run once per synthesis (lib/private/synth-pass.ts), although
 * cdk8s validates the app once in synth()/synthYaml() and again in every chart's toJson().
 */
import { App, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { Accelerator, GpuNodePool, Provisioner, ValidationError } from '../lib';
import { addCrossCheck, Problem } from '../lib/errors';

function appWithCharts(charts: number): { app: App; runs: () => number; fail: (on: boolean) => void } {
  const app = Testing.app();
  let runs = 0;
  let failing = false;
  for (let i = 0; i < charts; i++) {
    const chart = new Chart(app, `c${i}`, { namespace: `ns${i}` });
    new GpuNodePool(chart, `l4-${i}`, { accelerator: Accelerator.NVIDIA_L4, provisioner: Provisioner.gke({ gpusPerNode: 1 }), maxGpus: 8 });
  }
  const problem: Problem = { path: 'c0', property: 'p', value: '1', reason: 'test', fix: 'none' };
  addCrossCheck(app.node.findChild('c0') as Construct, () => { runs++; return failing ? [problem] : []; });
  return { app, runs: () => runs, fail: on => { failing = on; } };
}

test('one run of the cross checks per synthYaml() and per synth(), whatever the number of charts', () => {
  const { app, runs } = appWithCharts(3);
  app.synthYaml();
  // cdk8s itself validates 4 times here (once, then once per chart).
  expect(runs()).toBe(1);
  app.synth();
  expect(runs()).toBe(2);
});

test('outside a synthesis every validation computes afresh, and a later synthesis sees a change', () => {
  const { app, runs, fail } = appWithCharts(2);
  (app.node.findChild('c0') as Chart).toJson();
  (app.node.findChild('c1') as Chart).toJson();
  expect(runs()).toBe(2);
  fail(true);
  expect(() => app.synthYaml()).toThrow(ValidationError);
  fail(false);
  expect(() => app.synthYaml()).not.toThrow();
});
