/**
 * modelship's cross-construct checks run once per synthesis (lib/private/synth-pass.ts), although
 * cdk8s validates the app once in synth()/synthYaml() and again in every chart's toJson().
 */
import { ApiObject, App, Chart, Lazy, Testing, Yaml } from 'cdk8s';
import { Construct } from 'constructs';
import { Accelerator, GpuNodePool, Provisioner, ValidationError } from '../lib';
import { addCrossCheck, Problem } from '../lib/errors';
import { checkObjectSizes } from '../lib/object-size';

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

describe('objects measured by the object-size check render once per synthesis', () => {
  function sizedApp(): { app: App; chart: Chart; objects: number } {
    const app = Testing.app();
    const chart = new Chart(app, 'c', { namespace: 'llm' });
    new GpuNodePool(chart, 'l4', { accelerator: Accelerator.NVIDIA_L4, provisioner: Provisioner.gke({ gpusPerNode: 1 }), maxGpus: 8 });
    new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { k: Lazy.any({ produce: () => 'v' }) } });
    new ApiObject(chart, 'sa', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa' } });
    checkObjectSizes(chart);
    return { app, chart, objects: chart.node.findAll().filter(ApiObject.isApiObject).length };
  }

  afterEach(() => jest.restoreAllMocks());

  test('synthYaml() and synth() render each object once, check included; the YAML is what a plain render gives', () => {
    const { app, chart, objects } = sizedApp();
    // Outside a pass every call renders (the reference), and this does not leave anything behind.
    const reference = Yaml.stringify(...chart.toJson());
    const render = jest.spyOn(ApiObject.prototype, 'toJson');
    const yaml = app.synthYaml();
    expect(render).toHaveBeenCalledTimes(objects);
    expect(yaml).toBe(reference);
    render.mockClear();
    app.synth();
    expect(render).toHaveBeenCalledTimes(objects);
    // After the pass every toJson() renders afresh again: the check's render, then cdk8s' own.
    render.mockClear();
    chart.toJson();
    chart.toJson();
    expect(render).toHaveBeenCalledTimes(2 * 2 * objects);
  });

  test('a change after one synthesis shows in the next', () => {
    const { app, chart } = sizedApp();
    app.synthYaml();
    new ApiObject(chart, 'cm2', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm2' } });
    expect(app.synthYaml()).toContain('name: cm2');
  });
});

test('an object with a toJson of its own on the instance keeps it through a synthesis', () => {
  const app = Testing.app();
  const chart = new Chart(app, 'c', { namespace: 'llm' });
  const cm = new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } });
  checkObjectSizes(chart);
  const own = () => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'llm' }, data: { own: 'yes' } });
  Object.defineProperty(cm, 'toJson', { value: own, configurable: true, writable: true });
  expect(app.synthYaml()).toContain('own: "yes"');
  expect(Object.getOwnPropertyDescriptor(cm, 'toJson')?.value).toBe(own);
  expect(app.synthYaml()).toContain('own: "yes"');
});
