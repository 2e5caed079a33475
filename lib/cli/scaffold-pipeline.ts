import { DeployMethod } from '../ci/deploy';
import { GITHUB_WORKFLOW_PATH, renderGitHubWorkflow } from '../ci/github';
import { GITLAB_CI_PATH, renderGitLabCi } from '../ci/gitlab';
import { JENKINSFILE_PATH, renderJenkinsfile } from '../ci/jenkins';
import { Pipeline, PipelineCommands } from '../ci/pipeline';

/** The CI platforms `modelship init --ci` writes a pipeline for. */
export const CI_PLATFORMS = ['github', 'gitlab', 'jenkins'] as const;
/** One of {@link CI_PLATFORMS}. */
export type CiPlatform = typeof CI_PLATFORMS[number];

/**
 * The pipeline of a new infra repo: staging, then production with an approval, both through a
 * `kubectl apply --server-side` ApplySet in the chart's namespace (`llm`); with `--pulumi`, the
 * Pulumi stacks `staging` and `production` instead. `commands` replaces stage commands (tests
 * use it to stand in for commands a machine cannot run).
 */
export function scaffoldPipeline(options: { readonly pulumi: boolean; readonly commands?: PipelineCommands }): Pipeline {
  const deploy = (env: string) => options.pulumi
    ? DeployMethod.pulumi({ stack: env })
    : DeployMethod.kubectlApplySet({ applySet: 'secrets/llm-fleet', namespace: 'llm' });
  return new Pipeline({
    environments: [
      { name: 'staging', deploy: deploy('staging') },
      { name: 'production', deploy: deploy('production'), approval: true },
    ],
    commands: options.commands,
  });
}

/** Where the platform's pipeline file lives, and its content for `pipeline`. */
export function renderScaffoldPipeline(platform: CiPlatform, pipeline: Pipeline): { path: string; content: string } {
  switch (platform) {
    case 'github': return { path: GITHUB_WORKFLOW_PATH, content: renderGitHubWorkflow(pipeline) };
    case 'gitlab': return { path: GITLAB_CI_PATH, content: renderGitLabCi(pipeline) };
    case 'jenkins': return { path: JENKINSFILE_PATH, content: renderJenkinsfile(pipeline) };
  }
}

const RENDERERS: Record<CiPlatform, { fn: string; path: string }> = {
  github: { fn: 'renderGitHubWorkflow', path: GITHUB_WORKFLOW_PATH },
  gitlab: { fn: 'renderGitLabCi', path: GITLAB_CI_PATH },
  jenkins: { fn: 'renderJenkinsfile', path: JENKINSFILE_PATH },
};

/** pipeline.ts of the scaffold: the same pipeline as code, which `npm run pipeline` renders again. */
export function pipelineTs(platform: CiPlatform, pulumi: boolean): string {
  const { fn, path } = RENDERERS[platform];
  const deploy = (env: string) => pulumi
    ? `DeployMethod.pulumi({ stack: '${env}' })`
    : "DeployMethod.kubectlApplySet({ applySet: 'secrets/llm-fleet', namespace: 'llm' })";
  return `import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DeployMethod, Pipeline, ${fn} } from 'modelship/ci';

/**
 * The pipeline of this repo, as code: \`npm run pipeline\` writes ${path}.
 * Edit here, never the generated file. A canary's verdict is awaited with e.g.
 * \`canaries: [CanaryWait.argoRollout('qwen-7b', { namespace: 'llm', timeout: '60m' })]\`.
 */
export const pipeline = new Pipeline({
  environments: [
    { name: 'staging', deploy: ${deploy('staging')} },
    { name: 'production', deploy: ${deploy('production')}, approval: true },
  ],
});

if (require.main === module) {
  mkdirSync(dirname('${path}'), { recursive: true });
  writeFileSync('${path}', ${fn}(pipeline));
}
`;
}
