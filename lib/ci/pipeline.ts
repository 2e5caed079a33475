import { checkDnsLabel, Problems } from '../errors';
import { CanaryWait } from './canary';
import { DeployMethod } from './deploy';
import { checkBranch, checkRelativePath } from './names';
import { CiToolVersions, DEFAULT_CI_TOOL_VERSIONS } from './tools';

/** The commands of the stages before deploy; each runs from the repository root. */
export interface PipelineCommands {
  /** @default 'npm ci' */
  readonly install?: string;
  /** @default 'npm test' */
  readonly test?: string;
  /** Writes the synth output to `outdir`. @default 'npm run synth' */
  readonly synth?: string;
  /** Fails on any invalid object of the synth output. @default 'npx modelship validate <outdir>' */
  readonly validate?: string;
  /** Prints the plan as markdown (shown in the job summary where the platform has one). @default 'npx modelship plan <outdir> --format markdown' */
  readonly plan?: string;
}

/** One environment the pipeline deploys to, in order, after a merge to the target branch. */
export interface PipelineEnvironment {
  /** Environment name (a DNS-1123 label): `staging`, `production`. */
  readonly name: string;
  /** How it is deployed. */
  readonly deploy: DeployMethod;
  /**
   * A person approves before the deploy starts (GitHub: the environment's required reviewers;
   * GitLab: a manual job on a protected environment; Jenkins: an `input` step).
   * @default - true for an environment named `production` or `prod`, false otherwise
   */
  readonly approval?: boolean;
  /** Canaries whose verdict the deploy waits for before the next environment. @default - none */
  readonly canaries?: CanaryWait[];
}

/** Props of a {@link Pipeline}. */
export interface PipelineProps {
  /** The environments, deployed in this order after a merge. @default - none: the pipeline only reviews */
  readonly environments?: PipelineEnvironment[];
  /**
   * The branch pull/merge requests target and deploys run from.
   * @default 'main'
   */
  readonly targetBranch?: string;
  /**
   * Where the synth writes (cdk8s.yaml `output`, `App({ outdir })`).
   * @default 'dist'
   */
  readonly outdir?: string;
  /**
   * Gates of `modelship diff` (its `--fail-on` values): the review fails when one trips, after
   * the diff is posted.
   * @default ['cost-increase>20%']
   */
  readonly failOn?: string[];
  /** Commands of the stages before deploy. @default - see PipelineCommands */
  readonly commands?: PipelineCommands;
  /** Versions of the tools the jobs download. @default - DEFAULT_CI_TOOL_VERSIONS */
  readonly tools?: CiToolVersions;
}

/** A resolved environment: approval decided, canaries listed. */
export interface ResolvedEnvironment {
  readonly name: string;
  readonly deploy: DeployMethod;
  readonly approval: boolean;
  readonly canaries: readonly CanaryWait[];
}

/** The defaults of {@link PipelineProps}. */
export const PIPELINE_DEFAULTS = {
  targetBranch: 'main',
  outdir: 'dist',
  failOn: ['cost-increase>20%'],
} as const;

/**
 * A pipeline for an infra repo that deploys with modelship, from pull request to cluster:
 * install -> test -> synth -> validate, then on a pull/merge request the diff against the target
 * branch posted as a comment (and `pulumi preview` for Pulumi environments), and on a merge the
 * environments in order, each after its approval, each waiting for its canaries.
 *
 * Render it with `renderGitHubWorkflow`, `renderGitLabCi` or `renderJenkinsfile`; the same
 * pipeline renders byte-identical files every time.
 */
export class Pipeline {
  /** @internal */ public readonly _environments: readonly ResolvedEnvironment[];
  /** @internal */ public readonly _targetBranch: string;
  /** @internal */ public readonly _outdir: string;
  /** @internal */ public readonly _failOn: readonly string[];
  /** @internal */ public readonly _commands: Required<PipelineCommands>;
  /** @internal */ public readonly _tools: Required<CiToolVersions>;

  constructor(props: PipelineProps = {}) {
    const problems = new Problems('pipeline');
    if (props === null || typeof props !== 'object') {
      problems.add('props', props, 'must be an object', 'pass e.g. { environments: [...] }');
      problems.throwIfAny();
    }
    this._targetBranch = props.targetBranch ?? PIPELINE_DEFAULTS.targetBranch;
    checkBranch(problems, 'targetBranch', this._targetBranch);
    this._outdir = props.outdir ?? PIPELINE_DEFAULTS.outdir;
    checkRelativePath(problems, 'outdir', this._outdir);
    this._failOn = props.failOn ?? PIPELINE_DEFAULTS.failOn;
    if (!Array.isArray(this._failOn)) {
      problems.add('failOn', this._failOn, 'must be a list of gates', "use e.g. ['cost-increase>20%']");
      this._failOn = [];
    }
    this._failOn.forEach((gate, i) => {
      // Single-quoted in the shell: anything but a quote or a newline is safe there.
      if (typeof gate !== 'string' || gate === '' || /['\n\\]/.test(gate)) {
        problems.add(`failOn[${i}]`, gate, 'not a gate the pipeline can pass to modelship diff (a non-empty string without quotes, backslashes or newlines)', "use e.g. 'cost-increase>20%'");
      }
    });
    const commands = props.commands ?? {};
    this._commands = {
      install: commands.install ?? 'npm ci',
      test: commands.test ?? 'npm test',
      synth: commands.synth ?? 'npm run synth',
      validate: commands.validate ?? `npx modelship validate ${this._outdir}`,
      plan: commands.plan ?? `npx modelship plan ${this._outdir} --format markdown`,
    };
    for (const [name, command] of Object.entries(this._commands)) {
      if (typeof command !== 'string' || command.trim() === '' || command.includes('\n') || command.includes("'''")) {
        problems.add(`commands.${name}`, command, 'must be one non-empty line of shell (without \'\'\', which would end a Jenkins sh string)', 'give one command, or a script of your repo (e.g. "npm run synth")');
      }
    }
    this._tools = { ...DEFAULT_CI_TOOL_VERSIONS, ...(props.tools ?? {}) };
    for (const [tool, version] of Object.entries(this._tools)) {
      if (typeof version !== 'string' || !/^v?[0-9][0-9A-Za-z.+-]*$/.test(version)) {
        problems.add(`tools.${tool}`, version, 'not a version (digits and dots, optionally a leading v)', `use e.g. "${(DEFAULT_CI_TOOL_VERSIONS as Record<string, string>)[tool] ?? '1.0.0'}"`);
      }
    }
    if (this._tools.kubectl !== undefined && !/^v/.test(this._tools.kubectl)) {
      problems.add('tools.kubectl', this._tools.kubectl, 'kubectl release paths on dl.k8s.io start with "v"', `use "v${this._tools.kubectl}"`);
    }
    const environments = props.environments ?? [];
    if (!Array.isArray(environments)) {
      problems.add('environments', environments, 'must be a list', 'pass e.g. [{ name: "staging", deploy: DeployMethod.kubectlApplySet({ namespace: "llm" }) }]');
    }
    const seen = new Set<string>();
    this._environments = (Array.isArray(environments) ? environments : []).map((env, i): ResolvedEnvironment | undefined => {
      const at = `environments[${i}]`;
      if (env === null || typeof env !== 'object') {
        problems.add(at, env, 'must be an object', 'give { name, deploy }');
        return undefined;
      }
      if (typeof env.name !== 'string') problems.add(`${at}.name`, env.name, 'must be a string', 'use e.g. "staging"');
      else checkDnsLabel(problems, `${at}.name`, env.name, 40);
      if (seen.has(env.name)) problems.add(`${at}.name`, env.name, 'two environments have this name (job and environment names must be unique)', 'rename one');
      seen.add(env.name);
      if (!(env.deploy instanceof DeployMethod)) {
        problems.add(`${at}.deploy`, env.deploy, 'must be a DeployMethod', 'use DeployMethod.kubectlApplySet(...), DeployMethod.gitOps(...) or DeployMethod.pulumi(...)');
      } else {
        env.deploy._validate(problems, `${at}.deploy`);
      }
      if (env.approval !== undefined && typeof env.approval !== 'boolean') problems.add(`${at}.approval`, env.approval, 'must be a boolean', 'use true or false');
      const canaries = env.canaries ?? [];
      if (!Array.isArray(canaries)) {
        problems.add(`${at}.canaries`, canaries, 'must be a list', 'use e.g. [CanaryWait.argoRollout("llama", { namespace: "llm" })]');
      } else {
        canaries.forEach((c, j) => {
          if (!(c instanceof CanaryWait)) problems.add(`${at}.canaries[${j}]`, c, 'must be a CanaryWait', 'use CanaryWait.argoRollout(...) or CanaryWait.gatewayWeights(...)');
          else c._validate(problems, `${at}.canaries[${j}]`);
        });
      }
      return {
        name: env.name,
        deploy: env.deploy,
        approval: env.approval ?? /^(production|prod)$/.test(String(env.name)),
        canaries: Array.isArray(canaries) ? canaries : [],
      };
    }).filter((e): e is ResolvedEnvironment => e !== undefined);
    problems.throwIfAny();
  }

  /** @internal The `modelship diff` command against `baseDir`. */
  public _diffCommand(baseDir: string): string {
    const gates = this._failOn.map(g => ` --fail-on '${g}'`).join('');
    return `npx modelship diff "${baseDir}" ${this._outdir} --format markdown${gates}`;
  }

  /** @internal Environments deployed with Pulumi: their previews run on every review. */
  public get _pulumiEnvironments(): ResolvedEnvironment[] {
    return this._environments.filter(e => e.deploy._preview() !== undefined);
  }

  /** @internal The shell lines that install the tools an environment's deploy needs into "$tools" (on PATH). */
  public _installTools(env: ResolvedEnvironment): string[] {
    const lines = ['tools="$(mktemp -d)"', 'export PATH="$tools:$PATH"'];
    // Pulumi talks to the cluster itself; kubectl is for the apply and for the canary waits.
    const needsKubectl = env.deploy._kind === 'kubectl' || env.canaries.length > 0;
    if (needsKubectl) {
      const base = `https://dl.k8s.io/release/${this._tools.kubectl}/bin/linux/amd64/kubectl`;
      lines.push(
        `curl -fsSLo "$tools/kubectl" ${base}`,
        `echo "$(curl -fsSL ${base}.sha256)  $tools/kubectl" | sha256sum --check --strict`,
        'chmod +x "$tools/kubectl"',
      );
    }
    if (env.canaries.some(c => c._needsArgoPlugin)) {
      lines.push(
        `curl -fsSLo "$tools/kubectl-argo-rollouts" https://github.com/argoproj/argo-rollouts/releases/download/${this._tools.argoRolloutsPlugin}/kubectl-argo-rollouts-linux-amd64`,
        'chmod +x "$tools/kubectl-argo-rollouts"',
      );
    }
    if (env.deploy._kind === 'pulumi') lines.push(...this._installPulumi());
    return lines;
  }

  /**
   * @internal Pulumi's install script with the flags its own Automation API passes
   * (pulumi/pulumi sdk/nodejs/automation/cmd.ts `installPosix`: --no-edit-path --install-root --version).
   */
  public _installPulumi(): string[] {
    return [
      `curl -fsSL https://get.pulumi.com | sh -s -- --version ${this._tools.pulumi} --install-root "$tools/pulumi" --no-edit-path`,
      'export PATH="$tools/pulumi/bin:$PATH"',
    ];
  }

  /** @internal Install, deploy and wait: one script (tools on PATH for the whole of it). */
  public _deployScript(env: ResolvedEnvironment): string {
    return [
      'set -eu',
      ...this._installTools(env),
      ...env.deploy._deploy(this._outdir, env.name),
      ...env.canaries.map(c => c._command()),
    ].join('\n') + '\n';
  }
}
