import { Accelerator } from '../accelerators';
import * as k8s from '../imports/k8s';

/** Effect of a node taint, with the Kubernetes string values. */
export enum TaintEffect {
  NO_SCHEDULE = 'NoSchedule',
  PREFER_NO_SCHEDULE = 'PreferNoSchedule',
  NO_EXECUTE = 'NoExecute',
}

/** A taint on the nodes of a pool. */
export interface NodeTaint {
  /** Taint key, e.g. `nvidia.com/gpu`. */
  readonly key: string;
  /** Taint value. @default - none (pods tolerate it with `operator: Exists`) */
  readonly value?: string;
  /** What the taint does to pods that do not tolerate it. */
  readonly effect: TaintEffect;
}

/** Label a modelship pool puts on the nodes it creates. */
export const POOL_LABEL = 'modelship.dev/pool';

/** Value of the GPU taint on nodes a modelship pool creates. */
export const GPU_TAINT_VALUE = 'true';

/**
 * The taint that keeps everything but GPU workloads off GPU nodes: `nvidia.com/gpu=true:NoSchedule`
 * (`amd.com/gpu` for AMD); without a value, pods tolerate any value. A CPU pod landing there would hold a node that costs dollars per hour.
 */
export function gpuTaint(accelerator: Accelerator, value: string | undefined): NodeTaint {
  return { key: accelerator.taintKey, value, effect: TaintEffect.NO_SCHEDULE };
}

/** The toleration a pod needs for one taint: exact when the taint has a value. */
export function tolerationFor(taint: NodeTaint): k8s.Toleration {
  return taint.value === undefined
    ? { key: taint.key, operator: 'Exists', effect: taint.effect }
    : { key: taint.key, operator: 'Equal', value: taint.value, effect: taint.effect };
}

/** Renders a taint the way kubectl does: `key=value:Effect`. */
export function formatTaint(taint: NodeTaint): string {
  return `${taint.key}${taint.value === undefined ? '' : `=${taint.value}`}:${taint.effect}`;
}

const QUALIFIED_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Whether a label or taint key is a Kubernetes qualified name. */
export function isQualifiedName(key: string): boolean {
  const name = key.includes('/') ? key.slice(key.indexOf('/') + 1) : key;
  return QUALIFIED_NAME.test(key) && name.length <= 63 && key.length <= 316;
}

/** Whether a label (or taint) value is valid. */
export function isLabelValue(value: string): boolean {
  return value.length <= 63 && LABEL_VALUE.test(value);
}
