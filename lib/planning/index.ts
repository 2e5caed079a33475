export * from './precision';
export * from './model-spec';
export * from './memory-fit';
export * from './pod-budget';
