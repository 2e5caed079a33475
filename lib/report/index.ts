export * from './plan-table';
