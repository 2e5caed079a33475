export * from './engine';
export * from './metrics';
export * from './driver';
export * from './registry';
export { VLLM_API_HANDLERS } from './vllm';
