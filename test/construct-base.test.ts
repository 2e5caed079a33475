import { readFileSync, readdirSync } from 'fs';
import { join } from 'path';
import { App, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { Accelerator, GpuNodePool, Model, ModelService, MonitoringStack, Provisioner } from '../lib';
import { expectValidationError } from './support/errors';

const llama = { model: Model.huggingFace('meta-llama/Llama-3.1-8B-Instruct'), accelerator: Accelerator.NVIDIA_L4 };

describe('every construct takes the same first steps (ModelshipConstruct)', () => {
  test('outside a Chart: a ValidationError with the fix, not cdk8s\'s "cannot find a parent chart"', () => {
    const app = new App();
    const e = expectValidationError(() => new ModelService(app, 'llama', llama));
    expect(e.problems[0]).toMatchObject({ path: 'llama', property: 'scope' });
    expect(e.problems[0].fix).toMatch(/inside a Chart/);
    expect(expectValidationError(() => new GpuNodePool(new Construct(app, 'loose'), 'l4', { accelerator: Accelerator.NVIDIA_L4, provisioner: Provisioner.existing() })).problems[0].property).toBe('scope');
  });

  test.each([[''], [undefined], [42]])('an id of %p is a ValidationError (JavaScript callers)', id => {
    const chart = Testing.chart();
    expect(expectValidationError(() => new ModelService(chart, id as unknown as string, llama)).problems[0].property).toBe('id');
  });

  test('no scope at all (JavaScript callers)', () => {
    expect(expectValidationError(() => new MonitoringStack(undefined as unknown as Chart, 'mon', { services: [] })).problems[0].property).toBe('scope');
  });
});

test('the constructs never import the plan report (the report reads them through the app registry)', () => {
  const lib = join(__dirname, '..', 'lib');
  const offenders: string[] = [];
  for (const dir of ['model-service', 'gpu-node-pool', 'canary-rollout', 'monitoring-stack']) {
    for (const f of readdirSync(join(lib, dir))) {
      const src = readFileSync(join(lib, dir, f), 'utf8');
      // A type-only import is erased at compile time: it creates no module cycle.
      for (const m of src.matchAll(/^import (?!type )[^;]*from '(\.\.\/report[^']*)'/gm)) offenders.push(`${dir}/${f}: ${m[1]}`);
    }
  }
  expect(offenders).toEqual([]);
});
