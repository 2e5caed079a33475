// The public API of `modelship/pulumi` (pinned by test/public-api.test.ts).
export { CONSTRUCT_TYPE_PREFIX, ConstructComponent, FLEET_TYPE, ModelFleet } from './fleet';
export type { ModelFleetArgs } from './fleet';
export { planFleet } from './plan';
export type { FleetPlan, PlanOptions, PlannedGroup, PlannedObject } from './plan';
export { logicalName, objectKey, typeToken } from './objects';
export type { KubeObjectBody, KubeObjectRef } from './objects';
export { ObjectTier } from './order';
export { STARTUP_BUDGET_ANNOTATION } from './timeouts';
export type { RolloutTimeouts } from './timeouts';
