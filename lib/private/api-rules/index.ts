/**
 * Kubernetes' own rules, which the API server (and kubelet, and each controller) enforce in code
 * rather than in the OpenAPI schema: names, labels, annotations, environment variable names,
 * quantities, int32 fields, ports, durations per consumer, image references, URLs.
 *
 * Every rule has one shape (see {@link ProblemSink}): `checkXxx(sink, property, value, options?)`
 * records at most one problem (reason and fix) and returns whether the value is fine; renderers turn
 * numbers into the string the consumer parses. Pass a construct's `Problems` (lib/errors.ts) as the
 * sink. Each file cites the upstream source and tag it reimplements.
 *
 * Internal: not exported from lib/index.ts. Tests check these rules against a separate
 * reimplementation (test/support/api-server-rules.ts), never against themselves.
 */
export * from './sink';
export * from './names';
export * from './metadata';
export * from './numbers';
export * from './quantity';
export * from './durations';
export * from './image-reference';
export * from './url';
