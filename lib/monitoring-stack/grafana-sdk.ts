/*
 * The Grafana Foundation SDK publishes its modules only through package.json "exports"
 * subpaths (`@grafana/grafana-foundation-sdk/dashboard`). Node and jest resolve them; this
 * project's TypeScript `moduleResolution` (node10, set by projen) does not. So the types come
 * from the files those subpaths point to, and the runtime `require` goes through the export map.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
export const dashboard: typeof import('@grafana/grafana-foundation-sdk/dist/dashboard') = require('@grafana/grafana-foundation-sdk/dashboard');
export const prometheus: typeof import('@grafana/grafana-foundation-sdk/dist/prometheus') = require('@grafana/grafana-foundation-sdk/prometheus');
export const timeseries: typeof import('@grafana/grafana-foundation-sdk/dist/timeseries') = require('@grafana/grafana-foundation-sdk/timeseries');
export const common: typeof import('@grafana/grafana-foundation-sdk/dist/common') = require('@grafana/grafana-foundation-sdk/common');
