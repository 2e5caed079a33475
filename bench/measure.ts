/**
 * One measurement in a fresh process (so peak memory is this run's alone):
 *   node --import tsx bench/measure.ts <modelship|floor> <size> <objects.json>
 * `modelship` builds the generated fleet with modelship constructs and synthesizes it to YAML;
 * `floor` builds the very same objects as plain cdk8s ApiObjects (no modelship logic) and
 * synthesizes them the same way. Prints one JSON line.
 */
import { ApiObject, App, Chart } from 'cdk8s';
import { readFileSync } from 'fs';
import { buildFleet } from './fleet';

const [mode, sizeArg, objectsFile] = process.argv.slice(2);
const size = Number(sizeArg);

function rssMiB(): number { return process.memoryUsage().rss / 2 ** 20; }

let input: any[] = [];
if (mode === 'floor') input = JSON.parse(readFileSync(objectsFile, 'utf8'));
(globalThis as any).gc?.();
const baseRss = rssMiB();
let peak = baseRss;
const sampler = setInterval(() => { peak = Math.max(peak, rssMiB()); }, 5);

const start = process.hrtime.bigint();
const app = new App({ outdir: '/tmp/modelship-bench-unused' });
if (mode === 'modelship') {
  buildFleet(app, size);
} else {
  const chart = new Chart(app, 'fleet', { namespace: 'llm' });
  input.forEach((obj, i) => new ApiObject(chart, `o${i}`, obj));
}
const yaml = app.synthYaml();
const ms = Number(process.hrtime.bigint() - start) / 1e6;
clearInterval(sampler);
peak = Math.max(peak, rssMiB());
console.log(JSON.stringify({ mode, size, ms, peakRssMiB: peak, deltaRssMiB: peak - baseRss, yamlBytes: yaml.length }));
