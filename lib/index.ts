export * from './errors';
export * from './accelerators';
export * from './engines';
export * from './planning';
export * from './gpu-node-pool/contract';
export * from './model-service';
export * from './monitoring-stack';
