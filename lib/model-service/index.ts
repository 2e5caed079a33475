export * from './model';
export * from './model-cache';
export * from './runtime';
export * from './props';
export * from './resolve';
export * from './pod-template';
export * from './image-reference';
export * from './model-service';
