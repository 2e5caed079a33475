export * from './errors';
export * from './accelerators';
export * from './engines';
export * from './planning';
export * from './gpu-node-pool';
export * from './model-service';
export * from './canary-rollout';
export * from './report';
