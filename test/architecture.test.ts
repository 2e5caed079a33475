import { readdirSync, readFileSync, statSync } from 'fs';
import { join, relative } from 'path';

/**
 * The layers of lib/ (docs/architecture.md), checked on every import: knowledge at the bottom,
 * constructs above it, the plan report and the Pulumi adapter on top. A type-only import is
 * erased at compile time and may point anywhere (it creates no module dependency).
 */
const lib = join(__dirname, '..', 'lib');

/** Layer of each folder (or top-level file); a module may import its own layer and lower ones. */
const LAYER: Record<string, number> = {
  'accelerators': 0,
  'planning': 1,
  'engines': 2,
  'errors.ts': 3,
  'duration.ts': 3,
  'object-size.ts': 3,
  'private': 3,
  'construct-base.ts': 3,
  'imports': 3,
  'image-policy': 3,
  'gpu-node-pool': 4,
  'model-service': 5,
  'canary-rollout': 6,
  'monitoring-stack': 6,
  'report': 7,
  'validate': 7,
  'pulumi': 8,
  'cli': 8,
  'testing': 8,
  'ci': 8,
  'index.ts': 8,
};
/** Packages the pure knowledge layers must not load: they are data and arithmetic only. */
const CONSTRUCT_PACKAGES = /^(cdk8s|cdk8s-plus-28|constructs|@pulumi\/[^/]+)(\/.*)?$/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'imports' ? [] : files(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

const layerOf = (rel: string): number => {
  const top = rel.split('/')[0];
  const layer = LAYER[top];
  if (layer === undefined) throw new Error(`lib/${rel}: add its folder to LAYER in test/architecture.test.ts and docs/architecture.md`);
  return layer;
};

test('every import goes to the same or a lower layer; knowledge loads no construct library', () => {
  const problems: string[] = [];
  for (const file of files(lib)) {
    const rel = relative(lib, file);
    const mine = layerOf(rel);
    const src = readFileSync(file, 'utf8');
    for (const m of src.matchAll(/^(?:import|export) (type )?[^;]*?from '([^']+)'/gm)) {
      if (m[1]) continue;
      const target = m[2];
      if (target.startsWith('.')) {
        const resolved = relative(lib, join(file, '..', target));
        if (resolved.startsWith('..')) continue;
        const theirs = layerOf(resolved.includes('/') || LAYER[resolved] !== undefined ? resolved : `${resolved}.ts`);
        if (theirs > mine) problems.push(`lib/${rel} (layer ${mine}) imports ${target} (layer ${theirs})`);
      } else if (mine <= 2 && CONSTRUCT_PACKAGES.test(target)) {
        problems.push(`lib/${rel} is pure knowledge but imports ${target}`);
      }
    }
  }
  expect(problems).toEqual([]);
});
