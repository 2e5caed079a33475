// Type-checks every ```ts block of README.md and docs/*.md against the current sources, so the
// docs cannot drift from the API. A block without imports is checked as if it imported everything
// from 'modelship' and cdk8s, with the variables earlier snippets define (chart, h100, llama, ...)
// declared by type. Run by `npm test` (task check-snippets).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const out = '.tmp/doc-snippets';
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

// Value exports of the package (interfaces are not needed: snippets use them only as types, through values).
const exported = execFileSync(process.execPath, ['--import', 'tsx', '-e', "console.log(Object.keys(require('./lib')).join(','))"], { encoding: 'utf8' }).trim().split(',');

// Variables the docs use across snippets, with their types.
const ambient = {
  app: 'App', chart: 'Chart', h100: 'GpuNodePool', l4: 'GpuNodePool', pool: 'GpuNodePool',
  llama: 'ModelService', llama8b: 'ModelService', llama70b: 'ModelService', model: 'Model',
  provider: "import('@pulumi/kubernetes').Provider", source: '(chart: Chart) => void',
};

const files = ['README.md', ...readdirSync('docs').filter(f => f.endsWith('.md')).sort().map(f => join('docs', f))];
let count = 0;
for (const file of files) {
  const blocks = [...readFileSync(file, 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map(m => m[1]);
  blocks.forEach((code, i) => {
    let text = code;
    if (!/^import /m.test(code)) {
      const declared = new Set([...code.matchAll(/\b(?:const|let|class|function)\s+([A-Za-z_$][\w$]*)/g)].map(m => m[1]));
      const decls = Object.entries(ambient).filter(([n]) => !declared.has(n) && new RegExp(`\\b${n}\\b`).test(code)).map(([n, t]) => `declare const ${n}: ${t};`);
      text = [
        "import { ApiObject, App, Chart, Duration } from 'cdk8s';",
        `import { ${exported.filter(n => !declared.has(n)).join(', ')} } from 'modelship';`,
        "import { ModelFleet } from 'modelship/pulumi';",
        ...decls,
        code,
      ].join('\n');
    }
    const name = `${file.replace(/[/.]/g, '_')}_${i}.ts`;
    writeFileSync(join(out, name), `// ${file}, block ${i + 1}\nexport {};\n${text}`);
    count++;
  });
}
writeFileSync(join(out, 'tsconfig.json'), JSON.stringify({
  extends: '../../examples/tsconfig.json',
  compilerOptions: { noUnusedLocals: false, noUnusedParameters: false, baseUrl: '../..', rootDir: '../..' },
  include: ['*.ts'],
}, null, 2));
try {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', join(out, 'tsconfig.json')], { stdio: 'inherit' });
} catch {
  console.error(`A TypeScript block in the docs does not compile (files in ${out}/ name their source).`);
  process.exit(1);
}
console.log(`${count} TypeScript blocks in README.md and docs/ compile.`);
