/*
 * The Grafana Foundation SDK publishes its modules only through package.json "exports"
 * subpaths (`@grafana/grafana-foundation-sdk/dashboard`). Node and jest resolve them; this
 * project's TypeScript `moduleResolution` (node10, set by projen) does not. So the types come
 * from the files those subpaths point to, and the runtime `require` goes through the export map.
 *
 * The SDK is loaded on first use, when a MonitoringStack renders a dashboard: loading it costs
 * more than the rest of `import 'modelship'` together (see docs/plan-and-bench.md), and a
 * program without dashboards never needs it.
 */
/* eslint-disable @typescript-eslint/no-require-imports */

/** The SDK modules that render modelship's dashboards. */
export interface GrafanaSdk {
  readonly dashboard: typeof import('@grafana/grafana-foundation-sdk/dist/dashboard');
  readonly prometheus: typeof import('@grafana/grafana-foundation-sdk/dist/prometheus');
  readonly timeseries: typeof import('@grafana/grafana-foundation-sdk/dist/timeseries');
  readonly common: typeof import('@grafana/grafana-foundation-sdk/dist/common');
}

let sdk: GrafanaSdk | undefined;

/** The Grafana Foundation SDK, loaded on the first call. */
export function grafanaSdk(): GrafanaSdk {
  sdk ??= {
    dashboard: require('@grafana/grafana-foundation-sdk/dashboard'),
    prometheus: require('@grafana/grafana-foundation-sdk/prometheus'),
    timeseries: require('@grafana/grafana-foundation-sdk/timeseries'),
    common: require('@grafana/grafana-foundation-sdk/common'),
  };
  return sdk;
}
