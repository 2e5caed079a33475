import { promqlParser } from './promql-parser';

/** What a PromQL parse found: syntax errors and the metric names selected. */
export interface PromqlAnalysis {
  /** Syntax errors, as `at offset N: ...near "text"`; empty when the expression parses. */
  readonly errors: string[];
  /** Metric names the expression selects (sorted, unique). */
  readonly metrics: string[];
}

/**
 * Parses a PromQL expression with Prometheus' own lezer grammar (the one the Prometheus UI
 * uses), so a typo fails at synth rather than when Prometheus rejects the whole rule file.
 */
export function analyzePromql(expr: string): PromqlAnalysis {
  const errors: string[] = [];
  const metrics = new Set<string>();
  if (expr.trim() === '') return { errors: ['empty expression'], metrics: [] };
  promqlParser().parse(expr).iterate({
    enter: node => {
      if (node.type.isError) {
        const near = expr.slice(Math.max(0, node.from - 10), node.to + 10);
        errors.push(`syntax error at offset ${node.from} near ${JSON.stringify(near)}`);
      } else if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') {
        metrics.add(expr.slice(node.from, node.to));
      }
    },
  });
  return { errors, metrics: [...metrics].sort() };
}

/**
 * Adds raw matchers (regex, `!=`) to a selector rendered by `selector()`, which renders
 * equality matchers only. Extra matchers are sorted too, so output stays deterministic.
 */
export function withMatchers(rendered: string, extra: Record<string, string>): string {
  const parts = Object.keys(extra).sort().map(k => `${k}${extra[k]}`);
  if (parts.length === 0) return rendered;
  return rendered.endsWith('}') ? `${rendered.slice(0, -1)},${parts.join(',')}}` : `${rendered}{${parts.join(',')}}`;
}

/** Renders a Prometheus duration (`90s` -> `90s`, `3600` s -> `1h`), the form `for:` and ranges take. */
export function promDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s % 86400 === 0 && s > 0) return `${s / 86400}d`;
  if (s % 3600 === 0 && s > 0) return `${s / 3600}h`;
  if (s % 60 === 0 && s > 0) return `${s / 60}m`;
  return `${s}s`;
}
