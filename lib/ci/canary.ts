import { Problems } from '../errors';
import { checkName, checkTimeout } from './names';

/**
 * What a deploy waits for after applying, before the next environment: the canary's verdict.
 * A pipeline that applies and exits green while the canary is still being judged would
 * promote to production on hope.
 */
export class CanaryWait {
  /**
   * An Argo Rollouts canary (`TrafficStrategy.argo()` or replica-based): waits with
   * `kubectl argo rollouts status <name> -n <namespace> --timeout <timeout>`, which exits 0 when
   * the Rollout is Healthy (promoted) and non-zero when it is Degraded (aborted by the analysis)
   * or the timeout passes (argoproj/argo-rollouts v1.8.3, `pkg/kubectl-argo-rollouts/cmd/status`).
   * Needs the kubectl plugin, which the pipeline downloads at the pinned version.
   */
  public static argoRollout(name: string, options: CanaryWaitOptions): CanaryWait {
    return new CanaryWait('argo', name, options);
  }

  /**
   * A Gateway-weights canary (`TrafficStrategy.gatewayWeights()`): every step is a commit, and
   * docs/canary.md asks to wait for `kubectl rollout status deployment/<name>-canary` before the
   * next one; nothing judges the analysis in-cluster.
   */
  public static gatewayWeights(name: string, options: CanaryWaitOptions): CanaryWait {
    return new CanaryWait('gateway', `${name}-canary`, options);
  }

  private constructor(
    private readonly kind: 'argo' | 'gateway',
    /** @internal */ public readonly _target: string,
    private readonly options: CanaryWaitOptions) {}

  /** @internal Whether the pipeline must install the Argo Rollouts kubectl plugin. */
  public get _needsArgoPlugin(): boolean {
    return this.kind === 'argo';
  }

  /** @internal */
  public _validate(problems: Problems, property: string): void {
    checkName(problems, `${property}.name`, this._target);
    checkName(problems, `${property}.namespace`, this.options.namespace);
    if (this.options.timeout !== undefined) checkTimeout(problems, `${property}.timeout`, this.options.timeout);
  }

  /** @internal The shell command that waits. */
  public _command(): string {
    const timeout = this.options.timeout ?? DEFAULT_CANARY_TIMEOUT;
    return this.kind === 'argo'
      ? `kubectl argo rollouts status ${this._target} --namespace ${this.options.namespace} --timeout ${timeout}`
      : `kubectl rollout status deployment/${this._target} --namespace ${this.options.namespace} --timeout=${timeout}`;
  }
}

/** Options of a {@link CanaryWait}. */
export interface CanaryWaitOptions {
  /** Namespace of the Rollout or Deployment (the chart's namespace). */
  readonly namespace: string;
  /**
   * How long to wait for the verdict, as kubectl reads durations (`90s`, `45m`, `2h`). Cover the
   * canary's whole schedule: its pauses, analysis intervals and the candidate's startup budget.
   * @default '60m'
   */
  readonly timeout?: string;
}

/** The default of {@link CanaryWaitOptions.timeout}. */
export const DEFAULT_CANARY_TIMEOUT = '60m';
