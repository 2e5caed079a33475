/**
 * The PromQL vocabulary modelship accepts in user rules, with Prometheus' own type signatures.
 *
 * A PrometheusRule is loaded by more than one Prometheus: the Prometheus Operator v0.93.0 (the CRD
 * version in vendor/crds) parses it with the Prometheus it vendors (prometheus/prometheus v0.313.1,
 * i.e. v3.13.1, go.mod at the operator's tag) and rejects the whole object on one bad rule; the
 * Prometheus it deploys may be any of v2.45.0 .. v3.x (operator pkg/operator/defaults.go
 * `PrometheusCompatibilityMatrix`); and the `promtool` modelship's tests and CI run is Debian 12's
 * v2.42.0. So the table is what ALL of them accept:
 *
 * - prometheus/prometheus `promql/parser/functions.go` at v2.42.0 intersected with the same file at
 *   v3.13.1, dropping every function marked `Experimental: true` at v3.13.1 (those need
 *   `--enable-feature=promql-experimental-functions`, which the operator's admission webhook and its
 *   built-in rule check leave off: cmd/operator/main.go `admission.New(..., parser.Options{})`).
 *   Every function in both versions has the same signature in both.
 * - `@prometheus-io/lezer-promql` 0.315.0 (Prometheus 3.15's grammar; the npm registry serves only the
 *   latest) knows every name here, plus the 3.x-only ones listed in {@link REFUSED_FUNCTIONS}.
 */

/** A PromQL value type, spelled as Prometheus' `DocumentedType` prints it. */
export type PromqlType = 'scalar' | 'instant vector' | 'range vector' | 'string';

/** One function: argument types, how many extra arguments it takes, result. */
export interface PromqlFunction {
  /** Types of the arguments; with `variadic`, the last one repeats or is optional. */
  readonly args: readonly PromqlType[];
  /**
   * 0: exactly `args.length` arguments. n > 0: the last argument may be left out or given up to n
   * times. -1: the last argument repeats without limit (Prometheus' `Variadic` field).
   */
  readonly variadic: number;
  readonly returns: PromqlType;
}

const S: PromqlType = 'scalar';
const V: PromqlType = 'instant vector';
const M: PromqlType = 'range vector';
const STR: PromqlType = 'string';

const fn = (args: PromqlType[], returns: PromqlType = V, variadic = 0): PromqlFunction => ({ args, returns, variadic });

/** Functions of PromQL (see the file comment for the versions this is the intersection of). */
export const PROMQL_FUNCTIONS: Readonly<Record<string, PromqlFunction>> = {
  abs: fn([V]),
  absent: fn([V]),
  absent_over_time: fn([M]),
  acos: fn([V]),
  acosh: fn([V]),
  asin: fn([V]),
  asinh: fn([V]),
  atan: fn([V]),
  atanh: fn([V]),
  avg_over_time: fn([M]),
  ceil: fn([V]),
  changes: fn([M]),
  clamp: fn([V, S, S]),
  clamp_max: fn([V, S]),
  clamp_min: fn([V, S]),
  cos: fn([V]),
  cosh: fn([V]),
  count_over_time: fn([M]),
  day_of_month: fn([V], V, 1),
  day_of_week: fn([V], V, 1),
  day_of_year: fn([V], V, 1),
  days_in_month: fn([V], V, 1),
  deg: fn([V]),
  delta: fn([M]),
  deriv: fn([M]),
  exp: fn([V]),
  floor: fn([V]),
  histogram_count: fn([V]),
  histogram_fraction: fn([S, S, V]),
  histogram_quantile: fn([S, V]),
  histogram_sum: fn([V]),
  hour: fn([V], V, 1),
  idelta: fn([M]),
  increase: fn([M]),
  irate: fn([M]),
  label_join: fn([V, STR, STR, STR], V, -1),
  label_replace: fn([V, STR, STR, STR, STR]),
  last_over_time: fn([M]),
  ln: fn([V]),
  log10: fn([V]),
  log2: fn([V]),
  max_over_time: fn([M]),
  min_over_time: fn([M]),
  minute: fn([V], V, 1),
  month: fn([V], V, 1),
  pi: fn([], S),
  predict_linear: fn([M, S]),
  present_over_time: fn([M]),
  quantile_over_time: fn([S, M]),
  rad: fn([V]),
  rate: fn([M]),
  resets: fn([M]),
  round: fn([V, S], V, 1),
  scalar: fn([V], S),
  sgn: fn([V]),
  sin: fn([V]),
  sinh: fn([V]),
  sort: fn([V]),
  sort_desc: fn([V]),
  sqrt: fn([V]),
  stddev_over_time: fn([M]),
  stdvar_over_time: fn([M]),
  sum_over_time: fn([M]),
  tan: fn([V]),
  tanh: fn([V]),
  time: fn([], S),
  timestamp: fn([V]),
  vector: fn([S]),
  year: fn([V], V, 1),
};

const EXPERIMENTAL = 'is experimental in Prometheus 3 (needs --enable-feature=promql-experimental-functions, which the Prometheus Operator\'s rule check does not set) and unknown to Prometheus 2';
const NEWER = 'is unknown to Prometheus before 2.47-2.49 (promtool 2.42 and the v2.45 servers the Prometheus Operator still supports reject it)';

/** Names that some Prometheus knows but not all the ones a PrometheusRule meets, and why. */
export const REFUSED_FUNCTIONS: Readonly<Record<string, string>> = {
  holt_winters: 'was renamed double_exponential_smoothing in Prometheus 3.0 (and made experimental), so Prometheus 3 rejects it',
  double_exponential_smoothing: EXPERIMENTAL,
  first_over_time: EXPERIMENTAL,
  histogram_quantiles: EXPERIMENTAL,
  info: EXPERIMENTAL,
  mad_over_time: EXPERIMENTAL,
  sort_by_label: EXPERIMENTAL,
  sort_by_label_desc: EXPERIMENTAL,
  start_timestamp: EXPERIMENTAL,
  ts_of_first_over_time: EXPERIMENTAL,
  ts_of_last_over_time: EXPERIMENTAL,
  ts_of_max_over_time: EXPERIMENTAL,
  ts_of_min_over_time: EXPERIMENTAL,
  start: EXPERIMENTAL,
  end: EXPERIMENTAL,
  range: EXPERIMENTAL,
  step: EXPERIMENTAL,
  min_of: EXPERIMENTAL,
  max_of: EXPERIMENTAL,
  histogram_avg: NEWER,
  histogram_stddev: NEWER,
  histogram_stdvar: NEWER,
};

/**
 * Aggregation operators, and the type of the parameter the ones with a parameter take
 * (promql/parser/parse.go `checkAST`, case `*AggregateExpr`, identical at v2.42.0 and v3.13.1).
 * `limitk` and `limit_ratio` exist only in Prometheus 3, behind the experimental flag.
 */
export const PROMQL_AGGREGATIONS: Readonly<Record<string, PromqlType | undefined>> = {
  sum: undefined,
  avg: undefined,
  count: undefined,
  min: undefined,
  max: undefined,
  group: undefined,
  stddev: undefined,
  stdvar: undefined,
  topk: S,
  bottomk: S,
  quantile: S,
  count_values: STR,
};
