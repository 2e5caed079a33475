export * from './problem';
export * from './read-manifests';
export * from './validate';
export { podSpecsOf, isModelPod, restrictedFindings, podSecurityFindings, MODEL_POD_LABEL, ROOT_EXCEPTION_LABEL } from './pod-security';
export type { FoundPodSpec } from './pod-security';
