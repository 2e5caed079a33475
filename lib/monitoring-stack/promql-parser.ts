/* eslint-disable @typescript-eslint/no-require-imports */
import type { parser as LezerParser } from '@prometheus-io/lezer-promql';

/*
 * Prometheus' lezer grammar, loaded on first use: only a PromQL expression written by the user
 * (a MonitoringStack's `rules`, a custom runtime's metric names) is parsed, so a program that has
 * none never loads it (see docs/plan-and-bench.md, start-up).
 */
let loaded: typeof LezerParser | undefined;

/** The PromQL parser of `@prometheus-io/lezer-promql`, loaded on the first call. */
export function promqlParser(): typeof LezerParser {
  loaded ??= (require('@prometheus-io/lezer-promql') as { parser: typeof LezerParser }).parser;
  return loaded;
}
