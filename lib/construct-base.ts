import { Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { Problems, ValidationError } from './errors';
import { registerWithApp } from './private/app-registry';
import { checkChartNamespace } from './private/chart-namespace';
import { nameHolder, takeName } from './private/name-registry';
import { checkObjectIdentities } from './private/object-registry';

/** A name a construct asked for, taken once its input is valid. */
interface NameClaim {
  readonly kind: string;
  readonly name: string;
}

/**
 * The base of every modelship construct: the steps each one takes in the same order.
 *
 * 1. It must live in a cdk8s Chart (its objects need one): otherwise a ValidationError.
 * 2. It registers with its App, so `app.synth()` writes PLAN.md.
 * 3. It collects the problems of its input (`problems`), claims its names in the App (a name
 *    another construct of the same kind holds is one more problem), then `validate()`s: every
 *    problem is thrown at once, or the names are taken.
 */
export abstract class ModelshipConstruct extends Construct {
  /** The problems of this construct's input, thrown together by `validate()`. @internal */
  protected readonly _problems: Problems;
  private readonly claims: NameClaim[] = [];

  protected constructor(scope: Construct, id: string) {
    if (!(scope instanceof Construct)) {
      throw new ValidationError([{ path: String(id), property: 'scope', value: String(scope), reason: 'a modelship construct needs a construct scope (a cdk8s Chart or a construct inside one)', fix: 'pass the chart: new ModelService(chart, "llama", {...})' }]);
    }
    if (typeof id !== 'string' || id.length === 0) {
      throw new ValidationError([{ path: scope.node.path || '(app)', property: 'id', value: JSON.stringify(id), reason: 'a construct id is a non-empty string', fix: 'give an id such as "llama-8b" (it is also the default name of the objects)' }]);
    }
    if (scope.node.tryFindChild(id) !== undefined) {
      // cdk8s would throw "There is already a Construct with name ..." without the fix.
      throw new ValidationError([{ path: scope.node.path || '(app)', property: 'id', value: JSON.stringify(id), reason: `${scope.node.path || 'the app'} already has a construct with the id "${id}"`, fix: 'give each construct its own id in its scope' }]);
    }
    super(scope, id);
    this._problems = new Problems(this.node.path);
    if (!findChart(this)) {
      throw new ValidationError([{ path: this.node.path, property: 'scope', value: scope.node.path || '(app root)', reason: 'not inside a cdk8s Chart, so its Kubernetes objects would have no chart to belong to', fix: 'create it inside a Chart: const chart = new Chart(app, "llm-prod", { namespace: "llm" })' }]);
    }
    registerWithApp(this);
    // No two objects of the app may share kind, namespace and name (checked at synth).
    checkObjectIdentities(this);
    // Every object of the chart carries its namespace: a bad one is a problem of every construct in it.
    checkChartNamespace(this._problems, this);
  }

  /**
   * Claims `name` for `kind` in the App. When another construct already holds it, `conflict`
   * describes the problem. The name is taken only when `_validate()` finds no problem.
   * @internal
   */
  protected _claimName(kind: string, name: string, conflict: (holder: IConstruct) => { property: string; value: unknown; reason: string; fix: string }): void {
    const holder = nameHolder(this, kind, name);
    if (holder && holder !== this) {
      const c = conflict(holder);
      this._problems.add(c.property, c.value, c.reason, c.fix);
    }
    this.claims.push({ kind, name });
  }

  /** Throws every problem found so far as one ValidationError, or takes the claimed names. @internal */
  protected _validate(): void {
    this._problems.throwIfAny();
    for (const c of this.claims) takeName(this, c.kind, c.name);
  }
}

function findChart(scope: IConstruct): Chart | undefined {
  try {
    return Chart.of(scope);
  } catch {
    return undefined;
  }
}
