/**
 * The versions of modelship's companions that this repository builds and tests with, in one table:
 * `.projenrc.ts` writes them into the repo's devDependencies and `modelship init` into a new infra
 * repo's package.json, so a user starts from the combination the tests ran (a test checks that
 * package.json agrees).
 *
 * Why these, where it is not just "the current release":
 * - `typescript` stays on 5.9: `@pulumi/pulumi` declares `typescript >= 3.8.3 < 7` as an optional
 *   peer and `ts-jest` 29 `>= 4.3 < 7`, so a project that resolves TypeScript 7 (`npm install
 *   typescript` today) stops with ERESOLVE when Pulumi is added.
 * - `@pulumi/pulumi` 3.248.0 is the last release whose `engines` accepts Node 20 (3.249.0 and later
 *   say `node >= 22`). The range is a caret: on Node 20, npm picks the newest version whose `engines`
 *   fits (npm-pick-manifest prefers engine-compatible versions), i.e. 3.248.x; on Node 22 or later,
 *   the newest 3.x.
 * - `@types/node` follows the oldest Node modelship supports ({@link MIN_NODE_VERSION}).
 */
export const TESTED_VERSIONS = {
  'cdk8s': '^2.70.106',
  'cdk8s-plus-28': '^2.5.6',
  'constructs': '^10.8.1',
  'cdk8s-cli': '^2.207.60',
  '@pulumi/pulumi': '^3.248.0',
  '@pulumi/kubernetes': '^4.34.2',
  'typescript': '~5.9',
  '@types/node': '^20',
  'tsx': '^4',
  'jest': '^29',
  'ts-jest': '^29',
  '@types/jest': '^29',
} as const;

/** A package whose version {@link TESTED_VERSIONS} fixes. */
export type TestedPackage = keyof typeof TESTED_VERSIONS;

/**
 * The oldest Node.js modelship supports, for the package's `engines` and a scaffold's: Node 20, the
 * release line the tests run on, from 20.19.0, the oldest that every locked package of this repo and
 * of a scaffold accepts (jsdom 29 and its CSS packages `^20.19.0`; cdk8s-cli's jsii `>= 20.16.0`;
 * @pulumi/pulumi 3.248's npm libraries `^20.17.0`). A test checks package-lock.json against it.
 * Node 20 is past its end of life (2026-04-30): Node 22 is the better choice for a new machine, and
 * works too.
 */
export const MIN_NODE_VERSION = '20.19.0';
