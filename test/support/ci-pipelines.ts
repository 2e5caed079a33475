import { CanaryWait, DeployMethod, Pipeline } from '../../lib/ci';
import { scaffoldPipeline } from '../../lib/cli/scaffold-pipeline';

/**
 * Pipelines that together use every option of modelship/ci: each deploy method, both canary
 * waits, approvals on and off, a custom branch, outdir, gates and commands, and none at all.
 * The platform tests render each and check the file with the platform's own tools.
 */
export function ciPipelines(): Record<string, Pipeline> {
  return {
    'scaffold (kubectl)': scaffoldPipeline({ pulumi: false }),
    'scaffold (pulumi)': scaffoldPipeline({ pulumi: true }),
    'review only': new Pipeline(),
    'every method': new Pipeline({
      targetBranch: 'release/2026',
      outdir: 'out/k8s',
      failOn: ['cost-increase>20%', 'gpu-increase>4'],
      commands: { synth: 'npx cdk8s synth --no-check-upgrade --output out/k8s' },
      tools: { kubectl: 'v1.34.1', node: '20' },
      environments: [
        { name: 'dev', deploy: DeployMethod.kubectlApplySet({ applySet: 'applysets.fleet.example.com/llm', fieldManager: 'fleet-ci' }) },
        {
          name: 'staging',
          deploy: DeployMethod.gitOps({ repository: 'https://gitlab.example.com/acme/fleet-config.git', path: 'clusters/staging/llm', branch: 'staging', tokenSecret: 'CONFIG_REPO_TOKEN' }),
          canaries: [CanaryWait.gatewayWeights('qwen-7b', { namespace: 'llm', timeout: '20m' })],
        },
        {
          name: 'production',
          deploy: DeployMethod.pulumi({ stack: 'acme/llm-fleet/production' }),
          canaries: [CanaryWait.argoRollout('llama-70b', { namespace: 'llm' }), CanaryWait.argoRollout('qwen-7b', { namespace: 'llm', timeout: '2h' })],
        },
        { name: 'eu', deploy: DeployMethod.kubectlApplySet({ applySet: 'configmaps/llm', namespace: 'llm-eu' }), approval: true },
      ],
    }),
  };
}
