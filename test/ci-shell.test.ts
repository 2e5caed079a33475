import { parse } from 'yaml';
import { renderGitHubWorkflow, renderGitLabCi, renderJenkinsfile } from '../lib/ci';
import { ciPipelines } from './support/ci-pipelines';
import { lex } from './support/jenkinsfile';
import { shellcheck, shellcheckVersion } from './support/shellcheck';

// Every shell script the generated pipelines run, through shellcheck: GitHub's `run` steps as
// bash (their default shell), GitLab's script entries and Jenkins' `sh` steps as POSIX sh
// (Jenkins' sh is /bin/sh; GitLab's runner may fall back to sh). Scripts are read back from the
// rendered files with the YAML parser and the Jenkinsfile lexer of test/support, not from lib/.

const pipelines = ciPipelines();

function scripts(): Array<{ label: string; script: string; shell: 'sh' | 'bash' }> {
  return Object.entries(pipelines).flatMap(([name, p]) => {
    const github = Object.entries<any>(parse(renderGitHubWorkflow(p)).jobs).flatMap(([id, job]) =>
      job.steps.filter((s: any) => s.run).map((s: any) => ({ label: `${name} github ${id} "${s.name}"`, script: s.run, shell: 'bash' as const })));
    const gitlab = Object.entries<any>(parse(renderGitLabCi(p))).filter(([, job]) => job?.script).flatMap(([id, job]) =>
      job.script.map((s: string, i: number) => ({ label: `${name} gitlab ${id} script[${i}]`, script: s, shell: 'sh' as const })));
    const { tokens } = lex(renderJenkinsfile(p, { githubCommentCredential: 'github-token' }));
    const jenkins = tokens.flatMap((t, i) => (t.text === 'sh' && t.kind === 'word' && tokens[i + 1]?.kind === 'string'
      ? [{ label: `${name} jenkins line ${t.line}`, script: tokens[i + 1].text.replace(/\\(.)/g, '$1'), shell: 'sh' as const }] : []));
    return [...github, ...gitlab, ...jenkins];
  });
}

const version = shellcheckVersion();
if (!version) {
  if (process.env.CI === 'true') throw new Error('shellcheck is not installed (Debian package shellcheck; .ci/run installs it)');
  // eslint-disable-next-line no-console
  console.warn('SKIPPED: shellcheck is not installed (apt-get install shellcheck); under CI=true this fails.');
  test.skip('shellcheck', () => undefined);
} else {
  test(`shellcheck ${version} finds no warning or error in any script of any generated pipeline`, () => {
    const all = scripts();
    // Every platform contributes: a parse that lost the scripts would pass vacuously.
    expect(all.filter(s => s.label.includes(' github ')).length).toBeGreaterThan(20);
    expect(all.filter(s => s.label.includes(' gitlab ')).length).toBeGreaterThan(15);
    expect(all.filter(s => s.label.includes(' jenkins ')).length).toBeGreaterThan(15);
    expect(shellcheck(all)).toEqual([]);
  }, 300_000);

  test('shellcheck is awake: an unquoted expansion in a test and a misspelt fi are reported', () => {
    expect(shellcheck([{ label: 'broken', script: 'if [ -n $X ]; then echo "$X"; f\n', shell: 'sh' }]).join('\n')).toMatch(/SC1046|SC1089|SC2070|SC1073/);
  });
}
