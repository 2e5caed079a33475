import { Chart, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { ModelshipConstruct } from '../construct-base';
import { checkDnsLabel } from '../errors';
import * as k8s from '../imports/k8s';
import { checkAnnotations } from '../private/api-rules';
import { isLabelKey, isLabelValue } from '../private/kubernetes-syntax';
import { guardProps, is } from '../private/prop-guards';

/** Pod Security Standards levels (kubernetes.io/docs/concepts/security/pod-security-standards). */
export enum PodSecurityLevel {
  PRIVILEGED = 'privileged',
  BASELINE = 'baseline',
  RESTRICTED = 'restricted',
}

/** Defaults of a ModelNamespace, exported for docs and tests. */
export const MODEL_NAMESPACE_DEFAULTS = {
  /** The level modelship's model server pods meet. */
  level: PodSecurityLevel.RESTRICTED,
  /**
   * The policy version the labels pin: the Kubernetes minor release whose "restricted" profile the
   * model pods are checked against (test/support/pss.ts). Pinned, not `latest`, so a cluster
   * upgrade cannot tighten the policy under running workloads.
   */
  version: 'v1.28',
} as const;

/** Props of a ModelNamespace. */
export interface ModelNamespaceProps {
  /** Name of the Namespace. @default - the chart's namespace */
  readonly name?: string;
  /**
   * Pod Security Standards level enforced (and warned about and audited) in the namespace.
   * @default PodSecurityLevel.RESTRICTED
   */
  readonly podSecurityLevel?: PodSecurityLevel;
  /** Policy version (`v1.28`, ..., or `latest`). @default 'v1.28' */
  readonly podSecurityVersion?: string;
  /** Extra labels on the Namespace. @default - none */
  readonly labels?: Record<string, string>;
  /** Annotations on the Namespace. @default - none */
  readonly annotations?: Record<string, string>;
}

/** Policy versions Pod Security admission reads: `latest` or a Kubernetes minor release. */
const POD_SECURITY_VERSION = /^(latest|v1\.(0|[1-9][0-9]*))$/;

/**
 * The Namespace the model services run in, labelled for Pod Security admission: the
 * `restricted` profile enforced on pods, and warned about and audited on the workloads that create
 * them (`pod-security.kubernetes.io/<mode>: <level>` and `<mode>-version`;
 * kubernetes.io/docs/concepts/security/pod-security-admission, "Pod Security Admission labels for
 * namespaces"). Enforce alone acts on Pods only: a Deployment whose template breaks the profile is
 * accepted and its ReplicaSet then fails to create pods, which `warn` surfaces at apply time.
 *
 * A Namespace is cluster-scoped, so it carries no namespace of its own. Create it before the
 * services of the chart: cdk8s writes objects in construct order, and `kubectl apply` of one file
 * creates them in that order (the Pulumi adapter orders Namespaces first by itself).
 *
 * Node agents that need host access (the DCGM exporter, a device plugin) break `restricted`: keep
 * them in another namespace.
 */
export class ModelNamespace extends ModelshipConstruct {
  /** Name of the Namespace. */
  public readonly name: string;
  /** Pod Security level enforced. */
  public readonly podSecurityLevel: PodSecurityLevel;
  /** The Namespace object. */
  public readonly resource: k8s.KubeNamespace;

  constructor(scope: Construct, id: string, props: ModelNamespaceProps = {}) {
    super(scope, id);
    const problems = this._problems;
    // JavaScript and config-driven callers: wrong types end here, as a ValidationError.
    const stringMap = (example: string) => is.record(is.string('value'), example);
    props = props ?? {};
    if (!guardProps(problems, props, {
      name: is.string('llm'),
      podSecurityLevel: is.oneOf(Object.values(PodSecurityLevel), 'PodSecurityLevel'),
      podSecurityVersion: is.string('v1.28'),
      labels: stringMap('{ team: "search" }'),
      annotations: stringMap('{ "example.com/owner": "search" }'),
    }, '{ name: "llm" }')) problems.throwIfAny();
    const chartNamespace = Chart.of(this).namespace;
    const name = props.name ?? chartNamespace;
    const level = props.podSecurityLevel ?? MODEL_NAMESPACE_DEFAULTS.level;
    const version = props.podSecurityVersion ?? MODEL_NAMESPACE_DEFAULTS.version;
    if (name === undefined) {
      problems.add('name', undefined, 'the chart has no namespace, so the Namespace has no name', 'give name, or create the chart with a namespace: new Chart(app, "llm", { namespace: "llm" })');
    } else {
      checkDnsLabel(problems, 'name', name);
    }
    if (!Object.values(PodSecurityLevel).includes(level)) {
      problems.add('podSecurityLevel', level, 'not a Pod Security Standards level', 'use PodSecurityLevel.RESTRICTED (what model pods meet), BASELINE or PRIVILEGED');
    }
    if (typeof version !== 'string' || !POD_SECURITY_VERSION.test(version)) {
      problems.add('podSecurityVersion', version, 'Pod Security admission takes "latest" or a Kubernetes minor version like "v1.28"', `use "${MODEL_NAMESPACE_DEFAULTS.version}"`);
    }
    for (const [k, v] of Object.entries(props.labels ?? {})) {
      if (!isLabelKey(k) || !isLabelValue(v)) {
        problems.add('labels', { [k]: v }, 'not a valid label (key: optional DNS prefix + name of at most 63 characters; value: at most 63 characters)',
          'use keys like "team" or "example.com/team"');
      }
      if (k.startsWith('pod-security.kubernetes.io/')) {
        problems.add('labels', { [k]: v }, 'Pod Security labels are set from podSecurityLevel and podSecurityVersion', 'remove it and set podSecurityLevel / podSecurityVersion');
      }
    }
    // Keys, string values and the 256 KiB total (lib/private/api-rules).
    if (props.annotations !== undefined) checkAnnotations(problems, 'annotations', props.annotations);
    if (name !== undefined) {
      this._claimName('ModelNamespace', name, holder => ({
        property: 'name',
        value: name,
        reason: `the namespace ${holder.node.path} has the same name, so both would emit a Namespace ${name}`,
        fix: 'create one ModelNamespace per namespace',
      }));
    }
    this._validate();
    this.name = name!;
    this.podSecurityLevel = level;

    const podSecurity: Record<string, string> = {};
    for (const mode of ['enforce', 'warn', 'audit']) {
      podSecurity[`pod-security.kubernetes.io/${mode}`] = level;
      podSecurity[`pod-security.kubernetes.io/${mode}-version`] = version;
    }
    this.resource = new k8s.KubeNamespace(this, 'Resource', {
      metadata: {
        name: this.name,
        // Cluster-scoped: no namespace. cdk8s gives every object the chart's namespace unless
        // one is set; a value that resolves to nothing at synth leaves the field out.
        namespace: Lazy.any({ produce: () => undefined }),
        labels: { ...(props.labels ?? {}), 'app.kubernetes.io/managed-by': 'modelship', ...podSecurity },
        annotations: props.annotations && Object.keys(props.annotations).length > 0 ? { ...props.annotations } : undefined,
      },
    });
    this.node.defaultChild = this.resource;
  }
}
