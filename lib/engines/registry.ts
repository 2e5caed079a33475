import { CUSTOM_DRIVER } from './custom';
import { EngineDriver } from './driver';
import { EngineKind, EngineProfile } from './engine';
import { SGLANG_DRIVER } from './sglang';
import { TGI_DRIVER } from './tgi';
import { TRITON_DRIVER } from './triton';
import { VLLM_DRIVER } from './vllm';

/**
 * The driver of every engine kind. A `Record` over `EngineKind`: a new kind without a driver does
 * not compile. Adding an engine: one file beside this one, one line here (docs/architecture.md).
 */
export const ENGINE_DRIVERS: Readonly<Record<EngineKind, EngineDriver>> = {
  [EngineKind.VLLM]: VLLM_DRIVER,
  [EngineKind.SGLANG]: SGLANG_DRIVER,
  [EngineKind.TGI]: TGI_DRIVER,
  [EngineKind.TRITON]: TRITON_DRIVER,
  [EngineKind.CUSTOM]: CUSTOM_DRIVER,
};

/** Default engine versions: the newest release each profile was checked against. */
export const DEFAULT_ENGINE_VERSIONS: Readonly<Record<Exclude<EngineKind, EngineKind.CUSTOM>, string>> = {
  [EngineKind.VLLM]: VLLM_DRIVER.defaultVersion,
  [EngineKind.SGLANG]: SGLANG_DRIVER.defaultVersion,
  [EngineKind.TGI]: TGI_DRIVER.defaultVersion,
  [EngineKind.TRITON]: TRITON_DRIVER.defaultVersion,
};

/** The profile of one engine version (the default version when none is given). */
export function engineProfile(kind: Exclude<EngineKind, EngineKind.CUSTOM>, version?: string): EngineProfile {
  const driver = ENGINE_DRIVERS[kind];
  return driver.profile(version ?? driver.defaultVersion);
}

/** Drivers that can stream weights from an object store, for messages. */
export function objectStoreReaders(): EngineDriver[] {
  return Object.values(ENGINE_DRIVERS).filter(d => d.capabilities(d.profile(d.defaultVersion)).objectStoreFactory !== undefined);
}
