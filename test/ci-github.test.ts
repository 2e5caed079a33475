import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parse } from 'yaml';
import { GITHUB_ACTIONS, renderGitHubWorkflow } from '../lib/ci';
import { ciPipelines } from './support/ci-pipelines';
import { actionlint, parseWorkflows } from './support/github-workflow';

// Every generated GitHub workflow through GitHub's own parser (@actions/workflow-parser) and
// actionlint, then the properties a platform team checks by hand: least privilege, pinned actions,
// secrets only in env, deploys in order behind their environments.

const pipelines = ciPipelines();
const rendered = Object.fromEntries(Object.entries(pipelines).map(([name, p]) => [name, renderGitHubWorkflow(p)]));
let work: string;
beforeAll(() => { work = mkdtempSync(join(tmpdir(), 'modelship-gh-')); });
afterAll(() => rmSync(work, { recursive: true, force: true }));

test('@actions/workflow-parser reads every generated workflow without an error, and a broken one with errors', () => {
  const files = Object.values(rendered).map((text, i) => {
    const file = join(work, `workflow-${i}.yml`);
    writeFileSync(file, text);
    return file;
  });
  // The control: a misspelt key and an invalid permission level, which the parser must report.
  const broken = join(work, 'broken.yml');
  writeFileSync(broken, rendered['scaffold (kubectl)'].replace('timeout-minutes: 30', 'timeout-minutez: 30').replace('pull-requests: write', 'pull-requests: wrte'));
  const results = parseWorkflows([...files, broken]);
  expect(results.slice(0, -1).map(r => [r.file, r.errors])).toEqual(files.map(f => [f, []]));
  expect(results.at(-1)!.errors.join('\n')).toMatch(/Unexpected value 'timeout-minutez'[\s\S]*Unexpected value 'wrte'/);
  // What the parser understood: the scaffold's jobs, deploys chained and in their environments.
  expect(results[0].jobs).toEqual([
    { id: 'build', needs: [], steps: 7 },
    { id: 'review', needs: ['build'], steps: 8 },
    { id: 'deploy-staging', needs: ['build'], environment: 'staging', steps: 6 },
    { id: 'deploy-production', needs: ['deploy-staging'], environment: 'production', steps: 6 },
  ]);
}, 120_000);

test('actionlint finds nothing in any generated workflow, and is awake: it reports an unknown context and a job needing a missing job', () => {
  const broken = rendered['scaffold (kubectl)'].replace('needs: deploy-staging', 'needs: deploy-stagin').replace('${{ github.base_ref }}', '${{ github.base_reff }}');
  const findings = actionlint([...Object.values(rendered), broken]);
  expect(Object.keys(rendered).map((name, i) => [name, findings[i]])).toEqual(Object.keys(rendered).map(name => [name, []]));
  expect(findings.at(-1)!.map(f => f.kind)).toEqual(expect.arrayContaining(['job-needs', 'expression']));
}, 180_000);

describe.each(Object.keys(rendered))('%s', name => {
  const doc = parse(rendered[name]);
  const jobs = Object.entries<any>(doc.jobs);

  test('least privilege: the workflow token reads contents; only the review job may write, and only pull requests', () => {
    expect(doc.permissions).toEqual({ contents: 'read' });
    for (const [id, job] of jobs) expect([id, job.permissions]).toEqual([id, id === 'review' ? { 'contents': 'read', 'pull-requests': 'write' } : undefined]);
  });

  test('every action is pinned by a full commit SHA, with its tag beside it', () => {
    const uses = jobs.flatMap(([, job]) => job.steps.filter((s: any) => s.uses).map((s: any) => s.uses));
    expect(uses.length).toBeGreaterThan(0);
    for (const u of uses) expect(u).toMatch(/^[a-z-]+\/[a-z-]+@[0-9a-f]{40}$/);
    expect(new Set(uses)).toEqual(new Set([GITHUB_ACTIONS.checkout.uses, GITHUB_ACTIONS.setupNode.uses]));
    expect(rendered[name]).toContain(`${GITHUB_ACTIONS.checkout.uses} # ${GITHUB_ACTIONS.checkout.tag}`);
    // Checkouts leave no token behind for later steps.
    for (const [, job] of jobs) for (const s of job.steps.filter((x: any) => x.uses === GITHUB_ACTIONS.checkout.uses)) expect(s.with['persist-credentials']).toBe(false);
  });

  test('secrets and event data reach scripts only through env, never spliced into a run script', () => {
    for (const [, job] of jobs) {
      for (const step of job.steps) {
        if (step.run) expect(step.run).not.toContain('${{');
      }
    }
  });

  test('deploys run on pushes only, in order, each in its own environment, never cancelled midway', () => {
    const deploys = jobs.filter(([id]) => id.startsWith('deploy-'));
    const envs = pipelines[name]._environments;
    expect(deploys.map(([id]) => id)).toEqual(envs.map(e => `deploy-${e.name}`));
    deploys.forEach(([, job], i) => {
      expect(job.if).toBe("github.event_name == 'push'");
      expect(job.environment).toBe(envs[i].name);
      expect(job.needs).toBe(i === 0 ? 'build' : deploys[i - 1][0]);
      expect(job.concurrency['cancel-in-progress']).toBe(false);
    });
    expect(doc.on).toEqual({ pull_request: { branches: [pipelines[name]._targetBranch] }, push: { branches: [pipelines[name]._targetBranch] } });
  });

  test('the review posts the diff on the pull request (sticky comment) before its gates fail it', () => {
    const review = doc.jobs.review;
    const names = review.steps.map((s: any) => s.name);
    expect(names.indexOf('Comment on the pull request')).toBeLessThan(names.indexOf('Gates'));
    expect(names.at(-1)).toBe('Gates');
    const comment = review.steps.find((s: any) => s.name === 'Comment on the pull request');
    expect(comment.run).toContain('gh pr comment "$PR" --body-file "$RUNNER_TEMP/diff.md" --edit-last --create-if-none');
    expect(comment.env.GH_TOKEN).toBe('${{ github.token }}');
  });
});
