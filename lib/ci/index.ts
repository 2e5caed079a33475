// The public API of `modelship/ci` (pinned by test/public-api.test.ts): pipelines as code for an
// infra repo. Nothing here loads cdk8s: `modelship init --ci` renders a pipeline before anything
// else is installed.
export { CanaryWait, DEFAULT_CANARY_TIMEOUT } from './canary';
export type { CanaryWaitOptions } from './canary';
export { DeployMethod } from './deploy';
export type { GitOpsOptions, KubectlApplySetOptions, PulumiDeployOptions } from './deploy';
export { GITHUB_WORKFLOW_PATH, renderGitHubWorkflow } from './github';
export { GITLAB_CI_PATH, renderGitLabCi } from './gitlab';
export { JENKINSFILE_PATH, renderJenkinsfile } from './jenkins';
export type { JenkinsOptions } from './jenkins';
export { Pipeline, PIPELINE_DEFAULTS } from './pipeline';
export type { PipelineCommands, PipelineEnvironment, PipelineProps } from './pipeline';
export { DEFAULT_CI_TOOL_VERSIONS, GITHUB_ACTIONS } from './tools';
export type { CiToolVersions } from './tools';
