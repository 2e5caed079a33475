export * from './plan-table';
export * from './contributor';
export * from './fleet-plan';
export * from './mermaid';
export * from './plan-markdown';
export * from './plan-writer';
export * from './plan-json';
export * from './object-images';
