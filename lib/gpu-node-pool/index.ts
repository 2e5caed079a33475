export * from './contract';
export * from './scheduling';
export * from './provisioner';
export * from './resolve';
export * from './device-plugin';
export * from './cost';
export * from './gpu-node-pool';
export * from './interconnect';
