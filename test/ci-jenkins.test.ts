import { renderJenkinsfile } from '../lib/ci';
import { ciPipelines } from './support/ci-pipelines';
import { checkJenkinsfile } from './support/jenkinsfile';

// Jenkinsfiles through test/support/jenkinsfile.ts, a structure check of the declarative syntax
// (no Jenkins here; what it does and does not verify is written at its top and in docs/ci-cd.md).

const pipelines = ciPipelines();

test.each(Object.keys(pipelines))('%s: the Jenkinsfile is a well-formed declarative pipeline', name => {
  expect(checkJenkinsfile(renderJenkinsfile(pipelines[name], { approvers: ['release-managers'], githubCommentCredential: 'github-token' }))).toEqual([]);
  expect(checkJenkinsfile(renderJenkinsfile(pipelines[name]))).toEqual([]);
});

test.each([
  ['an unclosed brace', (t: string) => t.replace(/\}\n$/, ''), /\{ is never closed/],
  ['a stage without steps', (t: string) => t.replace("      steps {\n        sh 'npm test'\n      }\n", ''), /stage Test needs exactly one of steps/],
  ['two stages of one name', (t: string) => t.replace("stage('Test')", "stage('Install')"), /two stages are named Install/],
  ['an unknown when condition', (t: string) => t.replace('changeRequest()', 'pullRequest()'), /pullRequest is not a when condition/],
  ['an input without message', (t: string) => t.replace("        message 'Deploy to production?'\n", ''), /input needs a message/],
  ['Groovy interpolation of a secret', (t: string) => t.replace("sh 'npm test'", 'sh "echo $PULUMI_ACCESS_TOKEN"'), /Groovy interpolation/],
  ['an unclosed triple-quoted script', (t: string) => `${t.slice(0, t.lastIndexOf("'''\n"))}${t.slice(t.lastIndexOf("'''\n") + 4)}`, /unclosed ''' string/],
  ['a misspelt step', (t: string) => t.replace("sh 'npm ci'", "shell 'npm ci'"), /shell is not a known step/],
  ['a binding without credentialsId', (t: string) => t.replace("file(credentialsId: 'kubeconfig-staging'", "file(id: 'kubeconfig-staging'"), /file binding without credentialsId/],
  ['no agent', (t: string) => t.replace("  agent { label 'linux' }\n", ''), /pipeline has no agent/],
])('the check is awake: %s fails it', (_what, breakIt, message) => {
  const good = renderJenkinsfile(pipelines['scaffold (kubectl)']);
  const broken = breakIt(good);
  expect(broken).not.toBe(good);
  expect(checkJenkinsfile(broken).join('\n')).toMatch(message);
});

test('approval: production waits at an input (after the branch check) with its approvers; staging does not', () => {
  const text = renderJenkinsfile(pipelines['scaffold (kubectl)'], { approvers: ['release-managers', 'sre'] });
  const production = text.slice(text.indexOf("stage('Deploy production')"));
  expect(production).toMatch(/when \{\n +branch 'main'\n +beforeInput true\n +\}\n +input \{\n +message 'Deploy to production\?'\n +ok 'Deploy production'\n +submitter 'release-managers,sre'/);
  const staging = text.slice(text.indexOf("stage('Deploy staging')"), text.indexOf("stage('Deploy production')"));
  expect(staging).not.toContain('input {');
  // Secrets are bound for the deploy's steps only, from Jenkins credentials.
  expect(staging).toContain("withCredentials([file(credentialsId: 'kubeconfig-staging', variable: 'KUBECONFIG')])");
});
