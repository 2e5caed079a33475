export * from './gpu-budget';
export * from './analysis';
export * from './strategy';
export * from './props';
export * from './canary-rollout';
