export * from './accelerator';
