import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parse } from 'yaml';
import { renderGitLabCi } from '../lib/ci';
import { ciPipelines } from './support/ci-pipelines';
import { gitlabCiLocal, gitlabSchemaErrors } from './support/gitlab-ci';

// Every generated .gitlab-ci.yml against GitLab's JSON schema, then through gitlab-ci-local's
// parser (which expands rules the way GitLab does) for the jobs a push to the target branch and
// a merge request would run. ci-gitlab-run.test.ts runs the non-deploy jobs for real.

const pipelines = ciPipelines();
const rendered = Object.fromEntries(Object.entries(pipelines).map(([name, p]) => [name, renderGitLabCi(p)]));

test.each(Object.keys(rendered))('%s passes GitLab\'s CI schema', name => {
  expect(gitlabSchemaErrors(rendered[name])).toEqual([]);
});

test('the schema is awake: an unknown job keyword, a wrong `when` and a string where a list belongs fail it', () => {
  const broken = rendered['scaffold (kubectl)'].replace('  resource_group: staging', '  resource_grup: staging').replace('      when: manual', '      when: later').replace('stages:\n  - install', 'stages: install\nx:\n  - install');
  const errors = gitlabSchemaErrors(broken).join('\n');
  expect(errors).toMatch(/resource_grup/);
  expect(errors).toMatch(/\/deploy-production\/rules\/0\/when/);
  expect(errors).toMatch(/^\/stages must be array/m);
});

describe.each(Object.keys(rendered))('%s', name => {
  const doc = parse(rendered[name]);
  const envs = pipelines[name]._environments;

  test('deploys: one stage each, in order, on pushes to the target branch, approval as a blocking manual job', () => {
    expect(doc.stages).toEqual(['install', 'test', 'synth', 'validate', 'review', ...envs.map(e => `deploy-${e.name}`)]);
    for (const env of envs) {
      const job = doc[`deploy-${env.name}`];
      expect(job.rules).toEqual([{ if: `$CI_COMMIT_BRANCH == "${pipelines[name]._targetBranch}" && $CI_PIPELINE_SOURCE == "push"`, ...(env.approval ? { when: 'manual' } : {}) }]);
      expect(job.allow_failure).toBe(env.approval ? false : undefined);
      expect(job.environment.name).toBe(env.name);
      expect(job.resource_group).toBe(env.name);
      expect(job.interruptible).toBe(false);
    }
  });

  test('pipelines start for merge requests and pushes to the target branch only (gitlab-ci-local --list does not apply workflow rules: checked here)', () => {
    expect(doc.workflow).toEqual({ rules: [{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"' }, { if: `$CI_COMMIT_BRANCH == "${pipelines[name]._targetBranch}" && $CI_PIPELINE_SOURCE == "push"` }] });
  });

  test('the diff runs on merge requests and posts through the notes API with the MR token variable, then gates', () => {
    const script: string = doc.diff.script[0];
    expect(doc.diff.rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"' }]);
    expect(script).toContain('--header "PRIVATE-TOKEN: $MODELSHIP_MR_TOKEN" --data-urlencode "body@modelship-diff.md" "$CI_API_V4_URL/projects/$CI_PROJECT_ID/merge_requests/$CI_MERGE_REQUEST_IID/notes"');
    expect(script.trimEnd().split('\n').at(-1)).toBe('exit "$status"');
  });
});

describe('gitlab-ci-local reads the pipelines as GitLab would', () => {
  const tool = gitlabCiLocal();
  if (tool.reason) {
    if (process.env.CI === 'true') throw new Error(`gitlab-ci-local cannot run: ${tool.reason}`);
    // eslint-disable-next-line no-console
    console.warn(`SKIPPED: gitlab-ci-local cannot run here (${tool.reason}); CI=true fails instead.`);
    test.skip('gitlab-ci-local', () => undefined);
    return;
  }
  let repo: string;
  beforeAll(() => {
    repo = mkdtempSync(join(tmpdir(), 'modelship-glci-'));
    const git = (...args: string[]) => spawnSync('git', args, { cwd: repo, encoding: 'utf8' });
    git('init', '-q', '-b', 'main');
    git('remote', 'add', 'origin', 'https://gitlab.example.com/acme/infra.git');
  });
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  /** `gitlab-ci-local --list-json` on `text`, with extra variables: the jobs that would run. */
  function list(text: string, variables: string[] = []): Array<{ name: string; stage: string; when: string; allow_failure: boolean }> {
    writeFileSync(join(repo, '.gitlab-ci.yml'), text);
    // Predefined variables set on purpose: the pipeline source and branch are what is being simulated.
    const predefined = ['--ignore-predefined-vars', variables.map(v => v.split('=')[0]).join(',')];
    const r = spawnSync(tool.node!, [tool.script, '--list-json', ...predefined, ...variables.flatMap(v => ['--variable', v])], { cwd: repo, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`gitlab-ci-local --list-json exited with ${r.status}:\n${r.stdout}\n${r.stderr}`);
    return JSON.parse(r.stdout.slice(r.stdout.indexOf('[\n'))).filter((j: any) => j.when !== 'never');
  }

  test.each(Object.keys(rendered))('%s: a push to the target branch runs build and deploy jobs; a merge request runs build and review jobs', name => {
    const p = pipelines[name];
    const branch = [`CI_COMMIT_BRANCH=${p._targetBranch}`, `CI_COMMIT_REF_NAME=${p._targetBranch}`];
    const push = list(rendered[name], [...branch, 'CI_PIPELINE_SOURCE=push']);
    expect(push.map(j => [j.name, j.when, j.allow_failure])).toEqual([
      ['install', 'on_success', false], ['test', 'on_success', false], ['synth', 'on_success', false], ['validate', 'on_success', false],
      ...p._environments.map(e => [`deploy-${e.name}`, e.approval ? 'manual' : 'on_success', false]),
    ]);
    const mr = list(rendered[name], ['CI_PIPELINE_SOURCE=merge_request_event', 'CI_MERGE_REQUEST_TARGET_BRANCH_NAME=main']);
    expect(mr.map(j => j.name)).toEqual(['install', 'test', 'synth', 'validate', 'diff', ...p._pulumiEnvironments.map(e => `preview-${e.name}`)]);
  }, 120_000);
});
