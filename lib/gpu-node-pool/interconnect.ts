// interface shared with wip-mn-plan: a minimal stand-in of the pool's fast interconnect; at merge the
// lead keeps the other helper's implementation (the pool prop, its checks and the Karpenter capacity).

/** Kind of the fabric between the nodes of a pool. */
export type InterconnectKind = 'efa' | 'infiniband' | 'roce' | 'none';

/**
 * The fabric between a pool's nodes, which a multi-node replica (tensors crossing nodes every
 * layer) needs: what each pod requests to use it and the NCCL environment that selects it.
 */
export interface Interconnect {
  readonly kind: InterconnectKind;
  /** Extended resources each pod of a multi-node replica requests, e.g. `{ 'vpc.amazonaws.com/efa': 32 }` on p5.48xlarge. */
  readonly resourcesPerNode: Record<string, number>;
  /** Environment that points NCCL at the fabric, e.g. `{ FI_PROVIDER: 'efa' }`. */
  readonly env: Record<string, string>;
}
