/**
 * The generated bindings of custom resources modelship builds, each loaded on first use
 * (lib/private/lazy-module.ts): a program that never builds an HTTPRoute, a PodMonitor or a
 * Karpenter NodePool does not load their JavaScript, so `import 'modelship'` stays cheap
 * (issue 16; docs/plan-and-bench.md, start-up; test/lazy-loading.test.ts keeps it so).
 *
 * Types come from type-only imports (erased at compile time); values from these functions, e.g.
 * `new (httpRoutes().HttpRoute)(scope, 'Route', { ... })`.
 */
import { lazyModule } from './lazy-module';
import type * as Ec2NodeClasses from '../imports/ec2nodeclasses-karpenter.k8s.aws';
import type * as HttpRoutes from '../imports/httproutes-gateway.networking.k8s.io';
import type * as InferenceObjectives from '../imports/inferenceobjectives-llm-d.ai';
import type * as InferencePools from '../imports/inferencepools-inference.networking.k8s.io';
import type * as NodePools from '../imports/nodepools-karpenter.sh';
import type * as PodMonitors from '../imports/podmonitors-monitoring.coreos.com';
import type * as PrometheusRules from '../imports/prometheusrules-monitoring.coreos.com';
import type * as ScaledObjects from '../imports/scaledobjects-keda.sh';
import type * as ServiceMonitors from '../imports/servicemonitors-monitoring.coreos.com';

/* eslint-disable @typescript-eslint/no-require-imports */
export const ec2NodeClasses = lazyModule(() => require('../imports/ec2nodeclasses-karpenter.k8s.aws') as typeof Ec2NodeClasses);
export const httpRoutes = lazyModule(() => require('../imports/httproutes-gateway.networking.k8s.io') as typeof HttpRoutes);
export const inferenceObjectives = lazyModule(() => require('../imports/inferenceobjectives-llm-d.ai') as typeof InferenceObjectives);
export const inferencePools = lazyModule(() => require('../imports/inferencepools-inference.networking.k8s.io') as typeof InferencePools);
export const nodePools = lazyModule(() => require('../imports/nodepools-karpenter.sh') as typeof NodePools);
export const podMonitors = lazyModule(() => require('../imports/podmonitors-monitoring.coreos.com') as typeof PodMonitors);
export const prometheusRules = lazyModule(() => require('../imports/prometheusrules-monitoring.coreos.com') as typeof PrometheusRules);
export const scaledObjects = lazyModule(() => require('../imports/scaledobjects-keda.sh') as typeof ScaledObjects);
export const serviceMonitors = lazyModule(() => require('../imports/servicemonitors-monitoring.coreos.com') as typeof ServiceMonitors);
/* eslint-enable @typescript-eslint/no-require-imports */
