/**
 * The tools a generated pipeline installs, pinned: a pipeline that fetched "latest" would deploy
 * with whatever was released that morning. Every version here was checked to exist upstream on
 * the date of the comment; bump them deliberately (and the docs' table, docs/ci-cd.md).
 */

/** Versions of the command-line tools the pipelines download. */
export interface CiToolVersions {
  /**
   * kubectl, from dl.k8s.io with its published `.sha256` checked. ApplySet pruning
   * (`--applyset`, behind `KUBECTL_APPLYSET=true`) is alpha since kubectl 1.27
   * (kubernetes/kubernetes staging/src/k8s.io/kubectl/pkg/cmd/util/helpers.go `AddPruningFlags`;
   * blog "Kubernetes 1.27: Safer, More Performant Pruning in kubectl apply", 2023-05-09).
   * @default 'v1.34.1'
   */
  readonly kubectl?: string;
  /**
   * The Argo Rollouts kubectl plugin (`kubectl argo rollouts status`), from the project's GitHub
   * release assets (argoproj/argo-rollouts, tag v1.8.3). Its checksum is not verified: the
   * pipeline trusts the release download over HTTPS.
   * @default 'v1.8.3'
   */
  readonly argoRolloutsPlugin?: string;
  /**
   * The Pulumi CLI, from Pulumi's install script at this version. The same version as the
   * `@pulumi/pulumi` SDK `modelship init --pulumi` pins (the CLI and SDK are released together).
   * @default '3.248.0'
   */
  readonly pulumi?: string;
  /**
   * Node.js major version the jobs run on (the `node:<major>-bookworm` image on GitLab,
   * actions/setup-node on GitHub, the agent's Node on Jenkins).
   * @default '22'
   */
  readonly node?: string;
}

/** The defaults of {@link CiToolVersions}. */
export const DEFAULT_CI_TOOL_VERSIONS: Required<CiToolVersions> = {
  kubectl: 'v1.34.1',
  argoRolloutsPlugin: 'v1.8.3',
  pulumi: '3.248.0',
  node: '22',
};

/**
 * The GitHub Actions a generated workflow uses, pinned by full commit SHA (a tag can be moved,
 * a commit cannot: GitHub's "Security hardening for GitHub Actions" guide), with the tag in a
 * comment for Dependabot and readers. Read from the repositories' tags on 2026-12-01:
 * actions/checkout v7.0.1 = 3d3c42e5aac5ba805825da76410c181273ba90b1,
 * actions/setup-node v7.0.0 = 820762786026740c76f36085b0efc47a31fe5020 (both `runs.using: node24`).
 * Nothing else from the marketplace: kubectl, the plugin and Pulumi are downloaded at pinned
 * versions by shell steps, and PR comments use the `gh` CLI of GitHub's hosted runners.
 */
export const GITHUB_ACTIONS = {
  checkout: { uses: 'actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1', tag: 'v7.0.1' },
  setupNode: { uses: 'actions/setup-node@820762786026740c76f36085b0efc47a31fe5020', tag: 'v7.0.0' },
} as const;
