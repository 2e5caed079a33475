/**
 * One measurement in a fresh process (so peak memory is this run's alone):
 *   node --expose-gc --import tsx bench/measure.ts <mode> <size> <objects.json> [nomon]
 * - `dump`: builds the generated fleet and writes its objects (chart.toJson()) to objects.json;
 * - `modelship`: builds the fleet with modelship constructs, synthesizes it to YAML and renders
 *   PLAN.md (what `app.synth()` does, without the disk writes);
 * - `floor`: builds the very same objects as plain cdk8s ApiObjects (no modelship logic) and
 *   synthesizes them the same way;
 * - `pulumi`: builds the fleet and registers it with the Pulumi adapter (`ModelFleet`) under
 *   `pulumi.runtime.setMocks`, until every resource is registered.
 * `nomon` builds the fleet without its MonitoringStack. Module loading is outside `ms` (the parent
 * times the whole process too). `peakRssMiB` is the process's peak RSS (the kernel's high-water
 * mark, as /usr/bin/time reports it), module loading included. Prints one JSON line.
 */
import { readFileSync, writeFileSync } from 'fs';
import { ApiObject, App, Chart } from 'cdk8s';

const [mode, sizeArg, objectsFile, variant] = process.argv.slice(2);
const size = Number(sizeArg);
const fleetOptions = { monitoring: variant !== 'nomon' };

function rssMiB(): number { return process.memoryUsage().rss / 2 ** 20; }
/** Peak RSS of the process so far (the kernel's high-water mark). */
function maxRssMiB(): number { return process.resourceUsage().maxRSS / 1024; }

async function main(): Promise<void> {
  // Loaded before the clock starts, and only by the modes that use them.
  const { buildFleet } = mode === 'floor' ? { buildFleet: undefined } : await import('./fleet');
  const { renderPlanMarkdown } = mode === 'modelship' ? await import('modelship') : { renderPlanMarkdown: undefined };
  const pulumiMods = mode === 'pulumi' ? { pulumi: await import('@pulumi/pulumi'), adapter: await import('modelship/pulumi') } : undefined;
  const input: any[] = mode === 'floor' ? JSON.parse(readFileSync(objectsFile, 'utf8')) : [];

  if (mode === 'dump') {
    const objects = buildFleet!(new App({ outdir: '/tmp/modelship-bench-unused' }), size, fleetOptions).toJson();
    writeFileSync(objectsFile, JSON.stringify(objects));
    console.log(JSON.stringify({ mode, size, objects: objects.length }));
    return;
  }

  let registered = 0;
  if (pulumiMods) {
    // Pulumi stamps a stack trace on every promise it makes; with tsx's source maps on, each
    // one is mapped back to TypeScript, which triples the time. `pulumi up` of compiled JS (or
    // ts-node without source maps) does not pay that, so neither does the measurement.
    process.setSourceMapsEnabled(false);
    void pulumiMods.pulumi.runtime.setMocks({
      newResource: args => { registered++; return { id: `${args.name}-id`, state: args.inputs }; },
      call: args => args.inputs,
    }, 'modelship', 'bench', false);
  }

  (globalThis as any).gc?.();
  const baseRss = rssMiB();
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  let bytes = 0;
  let planBytes = 0;
  if (mode === 'modelship') {
    const app = new App({ outdir: '/tmp/modelship-bench-unused' });
    buildFleet!(app, size, fleetOptions);
    bytes = Buffer.byteLength(app.synthYaml());
    planBytes = Buffer.byteLength(renderPlanMarkdown!(app));
  } else if (mode === 'floor') {
    const app = new App({ outdir: '/tmp/modelship-bench-unused' });
    const chart = new Chart(app, 'fleet', { namespace: 'llm' });
    input.forEach((obj, i) => new ApiObject(chart, `o${i}`, obj));
    bytes = Buffer.byteLength(app.synthYaml());
  } else if (mode === 'pulumi') {
    const { pulumi, adapter } = pulumiMods!;
    const chart = buildFleet!(new App({ outdir: '/tmp/modelship-bench-unused' }), size, fleetOptions);
    const fleet = new adapter.ModelFleet('fleet', { source: chart });
    const urns = [fleet.urn, ...Object.values(fleet.objects).map(o => o.urn), ...Object.values(fleet.components).map(c => c.urn)];
    await new Promise<void>(resolve => pulumi.all(urns).apply(() => resolve()));
    bytes = registered;
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const cpu = process.cpuUsage(cpuStart);
  // CPU time (all threads: the main one and V8's GC helpers): on a shared machine it moves far
  // less than wall time, which counts the time spent waiting for a core.
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const peak = maxRssMiB();
  console.log(JSON.stringify({ mode, size, ms, cpuMs, peakRssMiB: peak, deltaRssMiB: Math.max(0, peak - baseRss), bytes, planBytes }));
}

main().catch(e => { console.error(e); process.exit(1); });
