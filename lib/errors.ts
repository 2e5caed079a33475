import { IConstruct } from 'constructs';
import { oncePerPass } from './private/synth-pass';

/**
 * One thing wrong with the input, with everything needed to fix it.
 */
export interface Problem {
  /** Construct path of the construct whose input is wrong, e.g. `llm-prod/llama-70b`. */
  readonly path: string;
  /** The property that is wrong, e.g. `autoscaling.maxReplicas`. */
  readonly property: string;
  /** The value given (rendered as text). */
  readonly value: string;
  /** What is wrong, with the numbers. */
  readonly reason: string;
  /** What would fix it. */
  readonly fix: string;
}

function formatProblem(p: Problem): string {
  return `[${p.path}] ${p.property} = ${p.value}: ${p.reason}\n    fix: ${p.fix}`;
}

/**
 * Thrown when modelship input is invalid: lists every problem found, each with its
 * construct path, property, value and fix. Thrown before any manifest is written.
 */
export class ValidationError extends Error {
  /** Every problem found, in the order they were found. */
  public readonly problems: Problem[];

  constructor(problems: Problem[]) {
    super(`modelship found ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n` +
      problems.map(p => '  ' + formatProblem(p)).join('\n'));
    this.name = 'ValidationError';
    this.problems = problems;
    Object.setPrototypeOf(this, ValidationError.prototype);
  }
}

/** Renders a value for an error message without leaking large structures. */
export function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  try {
    const json = JSON.stringify(value);
    return json.length > 120 ? json.slice(0, 117) + '...' : json;
  } catch {
    return String(value);
  }
}

/**
 * Collects the problems of one construct, then throws them all at once.
 */
export class Problems {
  private readonly found: Problem[] = [];

  constructor(private readonly path: string) {}

  /** Records a problem. */
  public add(property: string, value: unknown, reason: string, fix: string): void {
    this.found.push({ path: this.path, property, value: show(value), reason, fix });
  }

  /** Records the problems of a nested check (already carrying their own path). */
  public addAll(problems: readonly Problem[]): void {
    this.found.push(...problems);
  }

  /** Everything recorded so far. */
  public get list(): readonly Problem[] {
    return this.found;
  }

  /** Throws a ValidationError when anything was recorded. */
  public throwIfAny(): void {
    if (this.found.length > 0) {
      throw new ValidationError([...this.found]);
    }
  }
}

/** Problems found by a check that looks across constructs, run once at synth. */
export type CrossCheck = () => Problem[];

const CROSS_CHECKS = Symbol.for('modelship.crossChecks');

/**
 * Registers a check that runs at synth, before any file is written, together with every
 * other modelship cross-construct check of the app: their problems are thrown as one
 * ValidationError (cdk8s validates the whole app before it writes a manifest).
 */
export function addCrossCheck(scope: IConstruct, check: CrossCheck): void {
  const root = scope.node.root as IConstruct & { [CROSS_CHECKS]?: CrossCheck[] };
  let checks = root[CROSS_CHECKS];
  if (!checks) {
    checks = [];
    Object.defineProperty(root, CROSS_CHECKS, { value: checks, enumerable: false });
    const all = checks;
    root.node.addValidation({
      validate: () => {
        // Once per synthesis: cdk8s validates the app again for each chart (lib/private/synth-pass.ts).
        const problems = oncePerPass(root, all, () => all.flatMap(c => c()));
        if (problems.length > 0) {
          throw new ValidationError(problems);
        }
        return [];
      },
    });
  }
  checks.push(check);
}

/** DNS-1123 label: what Kubernetes accepts as a Service or Deployment name. */
export const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Checks a name a user gave for a Kubernetes object. */
export function checkDnsLabel(problems: Problems, property: string, value: string, maxLength = 63): void {
  if (!DNS_1123_LABEL.test(value) || value.length > maxLength) {
    problems.add(property, value,
      `not a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most ${maxLength} characters)`,
      `use a name like "${suggestDnsLabel(value, maxLength)}"`);
  }
}

/** Turns any text into the nearest DNS-1123 label. */
export function suggestDnsLabel(value: string, maxLength = 63): string {
  const cleaned = value.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, maxLength).replace(/-+$/, '');
  return cleaned.length > 0 ? cleaned : 'model';
}
