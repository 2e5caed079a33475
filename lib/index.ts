// The public API of modelship: what users write (constructs, props, factories, enums) and read
// (plans, costs, errors). Everything else under lib/ is internal and free to change; the list is
// pinned by test/public-api.test.ts, so a new public symbol is a deliberate change.

// Errors
export { ValidationError } from './errors';
export type { Problem } from './errors';
export { ModelshipConstruct } from './construct-base';

// Accelerators
export { Accelerator, GpuVendor } from './accelerators/accelerator';
export type { AcceleratorSpec, InstanceTypeOffer } from './accelerators/accelerator';

// Engines
export { EngineKind, compareVersions } from './engines/engine';
export type { EngineProfile } from './engines/engine';
export type { CounterRef, EngineMetrics, EngineSignal } from './engines/metrics';
export { DEFAULT_ENGINE_VERSIONS } from './engines/registry';

// Planning
export { Precision } from './planning/precision';
export { DEFAULT_CONCURRENT_SEQUENCES, DEFAULT_MEMORY_UTILIZATION, OVERHEAD_GIB_PER_GPU, planMemory } from './planning/memory-fit';
export type { MemoryFit, MemoryFitInput, MemoryPlan } from './planning/memory-fit';
export { DEFAULT_MAX_NODES_PER_REPLICA } from './planning/memory-fit';
export type { CrossNodeParallelism, ParallelLayout } from './planning/memory-fit';
export type { KvCacheBudget, MemoryItem } from './planning/kv-budget';
export { MODEL_CATALOG } from './planning/model-spec';
export type { KnownModel, ModelSpec } from './planning/model-spec';
export type { MlaShape } from './planning/model-spec';
export { STARTUP_BASE_SECONDS, STARTUP_PROBE_PERIOD_SECONDS, STARTUP_SECONDS_PER_GIB } from './planning/pod-budget';

// GpuNodePool
export { GpuNodePool } from './gpu-node-pool/gpu-node-pool';
export type { GpuNodePoolProps } from './gpu-node-pool/gpu-node-pool';
export { CapacityType, ConsolidationPolicy, KARPENTER_DEFAULTS, Provisioner, ProvisionerKind } from './gpu-node-pool/provisioner';
export type { ExistingPoolOptions, GkeOptions, KarpenterOptions } from './gpu-node-pool/provisioner';
export { DevicePlugin, GpuSharing, MigStrategy } from './gpu-node-pool/device-plugin';
export type { NvidiaDevicePluginOptions } from './gpu-node-pool/device-plugin';
export { POOL_LABEL, TaintEffect } from './gpu-node-pool/scheduling';
export type { NodeTaint } from './gpu-node-pool/scheduling';
export type { IGpuConsumer, IGpuNodePool } from './gpu-node-pool/contract';
export type { FleetCost, GpuDemand, PoolCost, ServiceCost } from './gpu-node-pool/cost';
export { describeInterconnect, EFA_INTERFACES_BY_INSTANCE_TYPE, EFA_NCCL_ENV, EFA_RESOURCE, Interconnect, isFastInterconnect } from './gpu-node-pool/interconnect';
export type { EfaOptions, InterconnectKind, RdmaOptions } from './gpu-node-pool/interconnect';

// ModelService
export { ModelService, SERVICE_LABEL } from './model-service/model-service';
export type { RouteBackend, ServicePortSpec, WorkloadReference } from './model-service/model-service';
export { AUTOSCALING_DEFAULTS, AutoscalerProvider, MODEL_SERVICE_DEFAULTS } from './model-service/props';
export type { AutoscalingOptions, ModelServiceProps, NetworkAccessOptions, ReplicaResources, RouteOptions } from './model-service/props';
export { Model, ModelSourceKind } from './model-service/model';
export type { HuggingFaceModelOptions, ObjectStoreModelOptions, SecretKeyReference, VolumeModelOptions } from './model-service/model';
export { ModelCache, ModelCacheKind } from './model-service/model-cache';
export type { ModelCacheVolumeOptions } from './model-service/model-cache';
export { DEFAULT_MAX_MODEL_LEN, Runtime } from './model-service/runtime';
export type { CustomRuntimeOptions, EngineRuntimeOptions, TritonRuntimeOptions } from './model-service/runtime';
export { MAX_SERVICE_NAME_LENGTH } from './model-service/resolve';
export { prometheusAdapterMetricName, prometheusAdapterRule, prometheusAdapterRules } from './model-service/prometheus-adapter';
export type { HpaScaledService, PrometheusAdapterRule } from './model-service/prometheus-adapter';
export { ENVOY_GATEWAY_NAMESPACE, GatewayImplementation, GatewayImplementationKind, GOOGLE_HEALTH_CHECK_RANGES } from './model-service/gateway-implementation';
export type { EnvoyGatewayOptions, GatewayPeer, GkeGatewayOptions } from './model-service/gateway-implementation';
export { DRAIN_DEFAULTS } from './model-service/drain';
export type { DrainOptions } from './model-service/drain';
export { MODEL_NAMESPACE_DEFAULTS, ModelNamespace, PodSecurityLevel } from './model-service/model-namespace';
export type { ModelNamespaceProps } from './model-service/model-namespace';
export type { ServicePlan, ServiceVariant } from './model-service/resolve';
export type { MultiNodePlan } from './model-service/multi-node';

// CanaryRollout
export { CanaryRollout, TRACK_LABEL } from './canary-rollout/canary-rollout';
export { CANARY_DEFAULTS } from './canary-rollout/props';
export type { CanaryCandidate, CanaryRolloutProps } from './canary-rollout/props';
export { SurgePolicy, TrafficStrategy, TrafficStrategyKind } from './canary-rollout/strategy';
export type { ArgoRolloutsOptions, ExtraCapacityOptions, GatewayWeightsOptions } from './canary-rollout/strategy';
export { ANALYSIS_DEFAULTS } from './canary-rollout/analysis';
export type { CanaryAnalysisOptions, CanaryCheck, ResolvedAnalysis } from './canary-rollout/analysis';
export { RolloutMechanics, SurgeKind } from './canary-rollout/gpu-budget';
export type { GpuBudget, GpuBudgetRow } from './canary-rollout/gpu-budget';

// MonitoringStack
export { MonitoringStack } from './monitoring-stack/monitoring-stack';
export { DEFAULT_DASHBOARD_LABELS, DEFAULT_SERVICE_MONITOR_LABELS } from './monitoring-stack/props';
export type { MonitoringStackProps, ServiceSlo } from './monitoring-stack/props';
export { AlertSeverity, MonitoringRule } from './monitoring-stack/rule';
export type { AlertRuleOptions, RecordingRuleOptions } from './monitoring-stack/rule';
export { DEFAULT_SLO } from './monitoring-stack/slo';
export type { LatencyObjective, SloOptions } from './monitoring-stack/slo';
export { DEFAULT_ALERT_THRESHOLDS } from './monitoring-stack/thresholds';
export type { AlertThresholds } from './monitoring-stack/thresholds';
export { Dcgm, DcgmExporter, DcgmMode } from './monitoring-stack/dcgm';
export type { DcgmExporterOptions, DcgmExporterProps, ExistingDcgmOptions } from './monitoring-stack/dcgm';
export type { RuleGroupSpec, RuleSpec } from './monitoring-stack/rule-group';

// Plan report
export { PLAN_ENV_VAR, PlanReport } from './report/plan-writer';
export { PLAN_FILE_NAME, renderPlanMarkdown, renderPlanText } from './report/plan-markdown';
export { buildFleetPlan } from './report/fleet-plan';
export type { CanaryPlanEntry, ContributorPlanEntry, FleetPlan, PoolPlanEntry, ServicePlanEntry } from './report/fleet-plan';
export type { IPlanContributor, PlanContribution, PlanDetail } from './report/contributor';
