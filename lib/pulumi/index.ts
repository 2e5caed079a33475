export * from './objects';
export * from './order';
export * from './timeouts';
export * from './plan';
export * from './errors';
export * from './resource';
export * from './fleet';
