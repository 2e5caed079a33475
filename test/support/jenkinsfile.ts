/**
 * A structure check for declarative Jenkinsfiles (Pipeline: Declarative syntax), written from the
 * Jenkins documentation's "Pipeline Syntax" page, for the subset modelship/ci emits. There is no
 * Jenkins here: this is not Jenkins' parser (which is Groovy's, plus the declarative model
 * validator in pipeline-model-definition). What it checks:
 * - lexing: comments, single-, triple-single- and double-quoted strings closed, no Groovy
 *   interpolation (`$`) in double-quoted strings, braces, parentheses and brackets balanced;
 * - exactly one top-level `pipeline { }`, with `agent` and `stages`, each section at most once,
 *   only sections the syntax knows (agent, environment, options, parameters, triggers, tools,
 *   stages, post, libraries, input, when);
 * - `stages` holds only `stage('name') { }` with unique non-empty names; a stage holds only known
 *   directives, at most once each, and exactly one of steps / stages / parallel / matrix;
 * - `when` holds known conditions; `input` has a `message` and only known parameters;
 * - `steps` (and `withCredentials` blocks, recursively) call only known steps; `withCredentials`
 *   bindings are `file`, `string`, `usernamePassword`, `sshUserPrivateKey` with `credentialsId`
 *   and `variable`-style arguments;
 * - `agent` is `any`, `none` or `{ label '...' }`.
 * What it does not: Groovy semantics, the script security sandbox, whether the named plugins
 * (credentials-binding, pipeline-input-step, git) are installed, whether credentials exist, and
 * what the shell scripts do (test/ci-shell.test.ts runs shellcheck on those).
 */

type Token = { kind: 'word' | 'string' | 'punct'; text: string; line: number; quote?: string };

export function lex(text: string): { tokens: Token[]; problems: string[] } {
  const tokens: Token[] = [];
  const problems: string[] = [];
  let i = 0;
  let line = 1;
  const stack: Array<{ ch: string; line: number }> = [];
  const pairs: Record<string, string> = { '}': '{', ')': '(', ']': '[' };
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') { line++; i++; continue; }
    if (/\s/.test(c)) { i++; continue; }
    if (text.startsWith('//', i)) { while (i < text.length && text[i] !== '\n') i++; continue; }
    if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) { problems.push(`line ${line}: unclosed /* comment`); break; }
      line += text.slice(i, end).split('\n').length - 1;
      i = end + 2;
      continue;
    }
    if (text.startsWith("'''", i)) {
      const end = findClose(text, i + 3, "'''");
      if (end < 0) { problems.push(`line ${line}: unclosed ''' string`); break; }
      const value = text.slice(i + 3, end);
      tokens.push({ kind: 'string', text: value, line, quote: "'''" });
      line += value.split('\n').length - 1;
      i = end + 3;
      continue;
    }
    if (c === "'" || c === '"') {
      const end = findClose(text, i + 1, c);
      const nl = text.indexOf('\n', i);
      if (end < 0 || (nl >= 0 && nl < end)) { problems.push(`line ${line}: unclosed ${c} string`); break; }
      const value = text.slice(i + 1, end);
      if (c === '"' && /(^|[^\\])\$/.test(value)) problems.push(`line ${line}: Groovy interpolation in "${value}" (a secret or shell variable would be expanded by Groovy)`);
      tokens.push({ kind: 'string', text: value, line, quote: c });
      i = end + 1;
      continue;
    }
    if ('{([' .includes(c)) { stack.push({ ch: c, line }); tokens.push({ kind: 'punct', text: c, line }); i++; continue; }
    if ('})]'.includes(c)) {
      const open = stack.pop();
      if (!open || open.ch !== pairs[c]) problems.push(`line ${line}: ${c} does not close ${open ? `${open.ch} of line ${open.line}` : 'anything'}`);
      tokens.push({ kind: 'punct', text: c, line });
      i++;
      continue;
    }
    if (',:'.includes(c)) { tokens.push({ kind: 'punct', text: c, line }); i++; continue; }
    const m = /^[A-Za-z_][A-Za-z0-9_.]*|^[0-9]+/.exec(text.slice(i));
    if (!m) { problems.push(`line ${line}: unexpected character ${JSON.stringify(c)}`); i++; continue; }
    tokens.push({ kind: 'word', text: m[0], line });
    i += m[0].length;
  }
  for (const open of stack) problems.push(`line ${open.line}: ${open.ch} is never closed`);
  return { tokens, problems };
}

function findClose(text: string, from: number, quote: string): number {
  for (let j = from; j < text.length; j++) {
    if (text[j] === '\\') { j++; continue; }
    if (text.startsWith(quote, j)) return j;
  }
  return -1;
}

/** A statement: `name args... { block }` or `name(args) { block }`. */
interface Statement { name: string; args: Token[]; block?: Statement[]; line: number }

function parseBlock(tokens: Token[], at: { i: number }, problems: string[]): Statement[] {
  const out: Statement[] = [];
  while (at.i < tokens.length && tokens[at.i].text !== '}') {
    const t = tokens[at.i];
    if (t.kind !== 'word') { problems.push(`line ${t.line}: expected a directive or step, found ${JSON.stringify(t.text)}`); at.i++; continue; }
    const st: Statement = { name: t.text, args: [], line: t.line };
    at.i++;
    // Arguments: everything up to the end of the line or a `{` that opens a block.
    let depth = 0;
    while (at.i < tokens.length) {
      const a = tokens[at.i];
      if (depth === 0 && (a.line !== t.line && a.text !== ')' && a.text !== ']')) break;
      if (depth === 0 && a.text === '{') break;
      if (depth === 0 && a.text === '}') break;
      if (a.text === '(' || a.text === '[') depth++;
      if (a.text === ')' || a.text === ']') depth--;
      st.args.push(a);
      at.i++;
    }
    if (tokens[at.i]?.text === '{') {
      at.i++;
      st.block = parseBlock(tokens, at, problems);
      if (tokens[at.i]?.text !== '}') problems.push(`line ${st.line}: block of ${st.name} is not closed`);
      at.i++;
    }
    out.push(st);
  }
  return out;
}

const PIPELINE_SECTIONS = new Set(['agent', 'environment', 'options', 'parameters', 'triggers', 'tools', 'stages', 'post', 'libraries']);
const STAGE_DIRECTIVES = new Set(['agent', 'environment', 'input', 'options', 'when', 'tools', 'post', 'steps', 'stages', 'parallel', 'matrix', 'failFast']);
const WHEN_CONDITIONS = new Set(['branch', 'changeRequest', 'beforeInput', 'beforeAgent', 'beforeOptions', 'environment', 'expression', 'not', 'allOf', 'anyOf', 'tag', 'buildingTag', 'changelog', 'changeset', 'equals', 'triggeredBy']);
const INPUT_PARAMETERS = new Set(['message', 'ok', 'submitter', 'submitterParameter', 'id', 'parameters']);
const OPTIONS = new Set(['disableConcurrentBuilds', 'timeout', 'buildDiscarder', 'timestamps', 'retry', 'skipDefaultCheckout', 'skipStagesAfterUnstable', 'ansiColor', 'quietPeriod', 'checkoutToSubdirectory', 'disableResume', 'preserveStashes', 'parallelsAlwaysFailFast']);
const STEPS = new Set(['sh', 'echo', 'archiveArtifacts', 'withCredentials', 'dir', 'script', 'stash', 'unstash', 'junit', 'timeout', 'retry', 'error', 'writeFile', 'readFile', 'input']);
const BINDINGS = new Set(['file', 'string', 'usernamePassword', 'sshUserPrivateKey', 'gitUsernamePassword']);

/** Problems with a declarative Jenkinsfile, one line each; empty when the structure is sound. */
export function checkJenkinsfile(text: string): string[] {
  const { tokens, problems } = lex(text);
  if (problems.length > 0) return problems;
  const at = { i: 0 };
  const top = parseBlock(tokens, at, problems);
  if (at.i < tokens.length) problems.push(`line ${tokens[at.i].line}: unbalanced }`);
  if (top.length !== 1 || top[0].name !== 'pipeline' || !top[0].block) return [...problems, 'the file must hold exactly one pipeline { } block'];
  const pipeline = top[0].block;
  const once = (list: Statement[], where: string) => {
    const seen = new Set<string>();
    for (const s of list) {
      if (seen.has(s.name)) problems.push(`line ${s.line}: ${s.name} twice in ${where}`);
      seen.add(s.name);
    }
  };
  once(pipeline, 'pipeline');
  for (const s of pipeline) if (!PIPELINE_SECTIONS.has(s.name)) problems.push(`line ${s.line}: ${s.name} is not a pipeline section`);
  const agent = pipeline.find(s => s.name === 'agent');
  if (!agent) problems.push('pipeline has no agent');
  else checkAgent(agent, problems);
  for (const o of pipeline.find(s => s.name === 'options')?.block ?? []) if (!OPTIONS.has(o.name)) problems.push(`line ${o.line}: ${o.name} is not a pipeline option`);
  const stages = pipeline.find(s => s.name === 'stages');
  if (!stages?.block || stages.block.length === 0) problems.push('pipeline has no stages');
  const names = new Set<string>();
  for (const stage of stages?.block ?? []) {
    const nameTok = stage.args.find(a => a.kind === 'string');
    if (stage.name !== 'stage' || !nameTok || nameTok.text === '' || stage.args.map(a => a.text).join('') !== `(${nameTok.text})` || !stage.block) {
      problems.push(`line ${stage.line}: stages may hold only stage('name') { } blocks`);
      continue;
    }
    if (names.has(nameTok.text)) problems.push(`line ${stage.line}: two stages are named ${nameTok.text}`);
    names.add(nameTok.text);
    once(stage.block, `stage ${nameTok.text}`);
    for (const d of stage.block) if (!STAGE_DIRECTIVES.has(d.name)) problems.push(`line ${d.line}: ${d.name} is not a stage directive`);
    const bodies = stage.block.filter(d => ['steps', 'stages', 'parallel', 'matrix'].includes(d.name));
    if (bodies.length !== 1) problems.push(`line ${stage.line}: stage ${nameTok.text} needs exactly one of steps, stages, parallel, matrix`);
    for (const w of stage.block.find(d => d.name === 'when')?.block ?? []) if (!WHEN_CONDITIONS.has(w.name)) problems.push(`line ${w.line}: ${w.name} is not a when condition`);
    const input = stage.block.find(d => d.name === 'input');
    if (input) {
      if (!input.block?.some(p => p.name === 'message')) problems.push(`line ${input.line}: input needs a message`);
      for (const p of input.block ?? []) if (!INPUT_PARAMETERS.has(p.name)) problems.push(`line ${p.line}: ${p.name} is not an input parameter`);
    }
    const steps = stage.block.find(d => d.name === 'steps');
    if (steps) checkSteps(steps.block ?? [], problems);
  }
  return problems;
}

function checkAgent(agent: Statement, problems: string[]): void {
  if (agent.block) {
    const [label, ...rest] = agent.block;
    if (!label || label.name !== 'label' || label.args.length !== 1 || label.args[0].kind !== 'string' || rest.length > 0) problems.push(`line ${agent.line}: agent { } must hold one label '...'`);
  } else if (!(agent.args.length === 1 && ['any', 'none'].includes(agent.args[0].text))) {
    problems.push(`line ${agent.line}: agent must be any, none or { label '...' }`);
  }
}

function checkSteps(steps: Statement[], problems: string[]): void {
  if (steps.length === 0) problems.push('a steps block is empty');
  for (const step of steps) {
    if (!STEPS.has(step.name)) { problems.push(`line ${step.line}: ${step.name} is not a known step`); continue; }
    if (step.name === 'sh' && !(step.args.length === 1 && step.args[0].kind === 'string')) problems.push(`line ${step.line}: sh takes one string`);
    if (step.name === 'withCredentials') {
      const text = step.args.map(a => (a.kind === 'string' ? `'${a.text}'` : a.text)).join(' ');
      const bindings = [...text.matchAll(/([A-Za-z]+) \( ([^)]*) \)/g)];
      if (!/^\( \[/.test(text) || bindings.length === 0 || !step.block) problems.push(`line ${step.line}: withCredentials takes a list of bindings and a block`);
      for (const [, kind, args] of bindings) {
        if (!BINDINGS.has(kind)) problems.push(`line ${step.line}: ${kind} is not a credentials binding`);
        if (!/credentialsId : '[^']+'/.test(args)) problems.push(`line ${step.line}: ${kind} binding without credentialsId`);
      }
      checkSteps(step.block ?? [], problems);
    }
  }
}
