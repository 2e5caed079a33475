import { Problems } from '../errors';
import { checkBranch, checkName, checkRelativePath, checkRepositoryUrl, checkSecretName } from './names';

/** What a deploy needs from the platform's secret store. */
export interface DeploySecrets {
  /** A kubeconfig for the environment's cluster (a file). */
  readonly kubeconfig: boolean;
  /** Name of a text secret holding a token (Pulumi access token, config-repo token), if any. */
  readonly token?: { readonly name: string; readonly variable: string };
}

/** How an environment is deployed; each factory renders its own commands. */
export abstract class DeployMethod {
  /**
   * `kubectl apply --server-side` of the synth output, pruning what a previous apply created and
   * the new output no longer has, through an ApplySet: `KUBECTL_APPLYSET=true kubectl apply
   * --server-side --prune --applyset=<parent> ...`. ApplySet pruning is alpha in kubectl (since
   * 1.27, still behind `KUBECTL_APPLYSET=true`); the pipeline pins kubectl (see CiToolVersions).
   */
  public static kubectlApplySet(options: KubectlApplySetOptions): DeployMethod {
    return new KubectlApplySet(options);
  }

  /**
   * A GitOps commit: the synth output's manifests (`*.yaml`; PLAN.md and plan.json stay behind,
   * since Argo CD and Flux would read a JSON file as a manifest) replace `path` in a config
   * repository, committed and pushed; Argo CD or Flux syncs it to the cluster.
   */
  public static gitOps(options: GitOpsOptions): DeployMethod {
    return new GitOpsCommit(options);
  }

  /**
   * Pulumi (`modelship init --pulumi`'s program): `pulumi preview` of the stack on every pull or
   * merge request, `pulumi up` on merge.
   */
  public static pulumi(options: PulumiDeployOptions): DeployMethod {
    return new PulumiUp(options);
  }

  /** @internal One word for docs and job names. */
  public abstract readonly _kind: 'kubectl' | 'gitops' | 'pulumi';
  /** @internal */
  public abstract _secrets(): DeploySecrets;
  /** @internal */
  public abstract _validate(problems: Problems, property: string): void;
  /** @internal Shell lines that deploy `outdir` (run from the repo root, tools on PATH). */
  public abstract _deploy(outdir: string, environment: string): string[];
  /** @internal Shell lines that preview the deploy on a pull or merge request, if the method can. */
  public _preview(): string[] | undefined {
    return undefined;
  }
}

/** Options of {@link DeployMethod.kubectlApplySet}. */
export interface KubectlApplySetOptions {
  /**
   * The ApplySet parent, as kubectl's `--applyset` reads it: `[RESOURCE][.GROUP]/NAME`; a bare
   * name is a Secret. A Secret or ConfigMap parent is namespaced: kubectl then needs `namespace`,
   * and refuses objects of any other namespace in the same apply. A fleet spanning namespaces
   * needs a cluster-scoped parent (a custom resource whose CRD carries the label
   * `applyset.kubernetes.io/is-parent-type: "true"`, KEP-3659).
   * @default 'secrets/modelship'
   */
  readonly applySet?: string;
  /** The namespace of a Secret or ConfigMap parent (and so of every namespaced object applied). */
  readonly namespace?: string;
  /**
   * Server-side apply field manager.
   * @default 'modelship-ci'
   */
  readonly fieldManager?: string;
}

class KubectlApplySet extends DeployMethod {
  public readonly _kind = 'kubectl';
  constructor(private readonly options: KubectlApplySetOptions) {
    super();
  }

  private get parent(): string {
    return this.options.applySet ?? 'secrets/modelship';
  }

  public _secrets(): DeploySecrets {
    return { kubeconfig: true };
  }

  public _validate(problems: Problems, property: string): void {
    const m = /^(?:([a-z0-9]+)(?:\.([a-z0-9.-]+))?\/)?([a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/.exec(this.parent);
    if (!m) {
      problems.add(`${property}.applySet`, this.parent, 'not an ApplySet parent as kubectl reads it: [RESOURCE][.GROUP]/NAME', 'use e.g. "secrets/llm-fleet" (a Secret) or "applysets.example.com/llm-fleet" (a cluster-scoped custom parent)');
    }
    const namespaced = m !== null && m[2] === undefined && (m[1] === undefined || /^(secrets?|configmaps?)$/.test(m[1]));
    if (namespaced && this.options.namespace === undefined) {
      problems.add(`${property}.namespace`, undefined, `the ApplySet parent ${this.parent} is namespaced and kubectl requires its namespace ("namespace is required to use namespace-scoped ApplySet")`, 'give the namespace the chart writes to (e.g. "llm")');
    }
    if (this.options.namespace !== undefined) checkName(problems, `${property}.namespace`, this.options.namespace);
    if (this.options.fieldManager !== undefined && (typeof this.options.fieldManager !== 'string' || !/^[a-z0-9][a-z0-9-]{0,127}$/.test(this.options.fieldManager))) {
      problems.add(`${property}.fieldManager`, this.options.fieldManager, 'not a field manager name the pipeline accepts (lower-case letters, digits, "-", at most 128)', 'use e.g. "modelship-ci"');
    }
  }

  public _deploy(outdir: string): string[] {
    const ns = this.options.namespace !== undefined ? ` --namespace ${this.options.namespace}` : '';
    return [
      // Only the manifests: kubectl reads every .json of a directory too, and plan.json is not one.
      'set --',
      `for f in ${outdir}/*.yaml; do set -- "$@" --filename "$f"; done`,
      `KUBECTL_APPLYSET=true kubectl apply --server-side --field-manager=${this.options.fieldManager ?? 'modelship-ci'} --prune --applyset=${this.parent}${ns} "$@"`,
    ];
  }
}

/** Options of {@link DeployMethod.gitOps}. */
export interface GitOpsOptions {
  /** https URL of the config repository Argo CD or Flux watches (no credentials in it). */
  readonly repository: string;
  /**
   * Branch of the config repository.
   * @default 'main'
   */
  readonly branch?: string;
  /** Directory of the config repository the manifests replace (e.g. `clusters/production/llm`). */
  readonly path: string;
  /**
   * The secret holding a token that may push to the config repository (a fine-grained or
   * project access token with write access to that repository only).
   * @default 'GITOPS_TOKEN'
   */
  readonly tokenSecret?: string;
}

class GitOpsCommit extends DeployMethod {
  public readonly _kind = 'gitops';
  constructor(private readonly options: GitOpsOptions) {
    super();
  }

  private get token(): string {
    return this.options.tokenSecret ?? 'GITOPS_TOKEN';
  }

  public _secrets(): DeploySecrets {
    return { kubeconfig: false, token: { name: this.token, variable: 'GITOPS_TOKEN' } };
  }

  public _validate(problems: Problems, property: string): void {
    checkRepositoryUrl(problems, `${property}.repository`, this.options.repository);
    checkRelativePath(problems, `${property}.path`, this.options.path);
    if (this.options.branch !== undefined) checkBranch(problems, `${property}.branch`, this.options.branch);
    checkSecretName(problems, `${property}.tokenSecret`, this.token);
  }

  public _deploy(outdir: string, environment: string): string[] {
    const branch = this.options.branch ?? 'main';
    const path = this.options.path;
    return [
      // The token reaches git through a credential helper that reads the environment: never in a URL, argv or .git/config.
      'config="$(mktemp -d)/config"',
      `git -c credential.helper='!f() { echo username=x-access-token; echo "password=$GITOPS_TOKEN"; }; f' clone --depth 1 --branch ${branch} ${this.options.repository} "$config"`,
      `rm -rf "$config/${path}"`,
      `mkdir -p "$config/${path}"`,
      `cp ${outdir}/*.yaml "$config/${path}/"`,
      `git -C "$config" add --all -- ${path}`,
      'if git -C "$config" diff --cached --quiet; then',
      `  echo "${path} is already up to date"`,
      'else',
      `  git -C "$config" -c user.name=modelship-ci -c user.email=modelship-ci@users.noreply.invalid commit --quiet -m "Deploy ${environment}: ${path} from $(git rev-parse --short HEAD)"`,
      `  git -C "$config" -c credential.helper='!f() { echo username=x-access-token; echo "password=$GITOPS_TOKEN"; }; f' push origin HEAD:${branch}`,
      'fi',
    ];
  }
}

/** Options of {@link DeployMethod.pulumi}. */
export interface PulumiDeployOptions {
  /** The Pulumi stack of the environment (`org/project/stack` or `stack`). */
  readonly stack: string;
  /**
   * The secret holding the Pulumi access token.
   * @default 'PULUMI_ACCESS_TOKEN'
   */
  readonly tokenSecret?: string;
}

class PulumiUp extends DeployMethod {
  public readonly _kind = 'pulumi';
  constructor(private readonly options: PulumiDeployOptions) {
    super();
  }

  private get token(): string {
    return this.options.tokenSecret ?? 'PULUMI_ACCESS_TOKEN';
  }

  public _secrets(): DeploySecrets {
    return { kubeconfig: true, token: { name: this.token, variable: 'PULUMI_ACCESS_TOKEN' } };
  }

  public _validate(problems: Problems, property: string): void {
    // Pulumi stack names: alphanumerics, hyphens, underscores and periods, optionally org/project/ qualified.
    if (typeof this.options.stack !== 'string' || !/^(?:[A-Za-z0-9_.-]+\/){0,2}[A-Za-z0-9_.-]+$/.test(this.options.stack)) {
      problems.add(`${property}.stack`, this.options.stack, 'not a Pulumi stack name (letters, digits, "-", "_", ".", optionally "org/project/" before it)', 'use e.g. "production" or "acme/llm-fleet/production"');
    }
    checkSecretName(problems, `${property}.tokenSecret`, this.token);
  }

  public _deploy(): string[] {
    return [`pulumi up --yes --stack ${this.options.stack}`];
  }

  public _preview(): string[] {
    return [`pulumi preview --diff --stack ${this.options.stack}`];
  }
}
