export * from './precision';
export * from './model-spec';
export * from './memory-fit';
export * from './pod-budget';
export * from './model-bytes';
export * from './kv-budget';
