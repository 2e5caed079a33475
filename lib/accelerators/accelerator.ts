/**
 * GPU vendor: decides the Kubernetes resource name, the taint and the device plugin.
 */
export enum GpuVendor {
  NVIDIA = 'nvidia',
  AMD = 'amd',
}

/**
 * An AWS instance type that carries a given accelerator.
 */
export interface InstanceTypeOffer {
  /** EC2 instance type, e.g. `p5.48xlarge`. */
  readonly instanceType: string;
  /** GPUs on one instance. */
  readonly gpus: number;
}

/**
 * Everything the planner, the scheduler and the cost report need to know about one GPU model.
 */
export interface AcceleratorSpec {
  /** Short stable id, e.g. `h100-80gb`. */
  readonly id: string;
  /** Human name, e.g. `NVIDIA H100 80GB`. */
  readonly displayName: string;
  readonly vendor: GpuVendor;
  /**
   * Memory as the product is named (the "80" of "H100 80GB"), for display. Planning reads
   * `memoryMiB` and `runtimeMemoryMiB`: an "80 GB" H100 has 79.6 GiB, of which CUDA reports 79.1.
   */
  readonly memoryGiB: number;
  /**
   * Device memory as the driver reports it (`nvidia-smi --query-gpu=memory.total`, MiB; rocm-smi
   * for AMD). SGLang sizes its default memory fraction from this figure.
   * @default - memoryGiB x 1024
   */
  readonly memoryMiB?: number;
  /**
   * Total memory CUDA gives a process (`cudaMemGetInfo`, what `torch.cuda.mem_get_info()` returns as
   * total): the driver's total less what it reserves for itself. vLLM's `--gpu-memory-utilization`
   * is a share of this figure.
   * @default - memoryMiB
   */
  readonly runtimeMemoryMiB?: number;
  /**
   * Where `memoryMiB` and `runtimeMemoryMiB` were read.
   * @default - none
   */
  readonly memorySource?: string;
  /** Whether the hardware has native FP8 tensor cores (Hopper, Ada, MI300). */
  readonly supportsFp8: boolean;
  /** Whether the hardware computes in bfloat16 (Ampere and later; not Turing/T4). */
  readonly supportsBf16: boolean;
  /** Most GPUs of this model in one node: the ceiling for tensor parallelism without multi-node. */
  readonly maxGpusPerNode: number;
  /** `cloud.google.com/gke-accelerator` value on GKE, when GKE offers it. */
  readonly gkeAccelerator?: string;
  /** `nvidia.com/gpu.product` label set by GPU Feature Discovery. */
  readonly gpuFeatureDiscoveryProduct?: string;
  /** Karpenter's `karpenter.k8s.aws/instance-gpu-name` value. */
  readonly awsGpuName?: string;
  /** AWS instance types that carry this GPU (Karpenter requirements). */
  readonly awsInstanceTypes: InstanceTypeOffer[];
  /** List price per GPU-hour, on demand, in USD (see `priceSource`). */
  readonly onDemandUsdPerGpuHour: number;
  /** Where and when the price was read. */
  readonly priceSource: string;
}

/**
 * A GPU model from the catalog (or your own with `Accelerator.custom`).
 *
 * Prices are planning figures, not quotes: list on-demand prices per GPU-hour, divided
 * from the smallest instance that carries the GPU. Override per pool when you have a
 * negotiated or reserved price.
 */
export class Accelerator {
  // Prices: AWS EC2 on-demand Linux, us-east-1, per instance-hour divided by GPUs per instance,
  // from the AWS EC2 On-Demand pricing page as of 2025-06 (after the 2025-06 P4/P5 price reduction).
  // MI300X: Azure ND MI300X v5 list price (8 GPUs), Azure VM pricing page as of 2025-06.
  //
  // Memory: `memoryMiB` is nvidia-smi's memory.total (MiB) as published in public issues and PRs;
  // `runtimeMemoryMiB` is the total PyTorch reports (its out-of-memory message "GPU 0 has a total
  // capacity of X GiB", X x 1024 rounded), which newer drivers make slightly smaller: where two
  // figures were published for one GPU, the smaller. Both are cited per GPU below.

  /** NVIDIA H200 141GB (Hopper). */
  public static readonly NVIDIA_H200 = new Accelerator({
    id: 'h200-141gb',
    displayName: 'NVIDIA H200 141GB',
    vendor: GpuVendor.NVIDIA,
    memoryGiB: 141,
    supportsFp8: true,
    supportsBf16: true,
    maxGpusPerNode: 8,
    // nvidia-smi "143771MiB" in several public nvidia-smi tables (code search; no issue to cite).
    // CUDA's total for the H200 was not found: UNVERIFIED, taken equal to memoryMiB.
    memoryMiB: 143771,
    memorySource: 'nvidia-smi 143771 MiB (public nvidia-smi tables, code search; no issue found); CUDA total not found, taken equal (UNVERIFIED)',
    gkeAccelerator: 'nvidia-h200-141gb',
    gpuFeatureDiscoveryProduct: 'NVIDIA-H200',
    awsGpuName: 'h200',
    awsInstanceTypes: [{ instanceType: 'p5e.48xlarge', gpus: 8 }, { instanceType: 'p5en.48xlarge', gpus: 8 }],
    onDemandUsdPerGpuHour: 7.91,
    priceSource: 'AWS p5en.48xlarge us-east-1 on-demand, 2025-06',
  });

  /** NVIDIA H100 80GB HBM3 (Hopper). */
  public static readonly NVIDIA_H100_80GB = new Accelerator({
    id: 'h100-80gb',
    displayName: 'NVIDIA H100 80GB',
    vendor: GpuVendor.NVIDIA,
    memoryGiB: 80,
    supportsFp8: true,
    supportsBf16: true,
    maxGpusPerNode: 8,
    // nvidia-smi: modal-labs/modal-client PR #2797 ("H100: 81559MiB"). CUDA: vllm-project/vllm
    // issue #27508 (H100, "GPU 0 has a total capacity of 79.11 GiB").
    memoryMiB: 81559,
    runtimeMemoryMiB: 81009,
    memorySource: 'nvidia-smi 81559 MiB (modal-labs/modal-client PR #2797); CUDA 79.11 GiB (vllm-project/vllm issue #27508)',
    gkeAccelerator: 'nvidia-h100-80gb',
    gpuFeatureDiscoveryProduct: 'NVIDIA-H100-80GB-HBM3',
    awsGpuName: 'h100',
    awsInstanceTypes: [{ instanceType: 'p5.48xlarge', gpus: 8 }, { instanceType: 'p5.4xlarge', gpus: 1 }],
    onDemandUsdPerGpuHour: 6.88,
    priceSource: 'AWS p5.48xlarge us-east-1 on-demand ($55.04/h), 2025-06',
  });

  /** NVIDIA A100 80GB (Ampere): no FP8. */
  public static readonly NVIDIA_A100_80GB = new Accelerator({
    id: 'a100-80gb',
    displayName: 'NVIDIA A100 80GB',
    vendor: GpuVendor.NVIDIA,
    memoryGiB: 80,
    supportsFp8: false,
    supportsBf16: true,
    maxGpusPerNode: 8,
    // nvidia-smi: modal-labs/modal-client PR #2797 ("A100 80GB: 81920MiB"). CUDA: lianqi1008/Control-GIC
    // issue #6 (A100 80GB, "total capacity of 79.14 GiB"; an older driver reports 79.25 GiB,
    // levihsu/OOTDiffusion issue #235).
    memoryMiB: 81920,
    runtimeMemoryMiB: 81039,
    memorySource: 'nvidia-smi 81920 MiB (modal-labs/modal-client PR #2797); CUDA 79.14 GiB (lianqi1008/Control-GIC issue #6)',
    gkeAccelerator: 'nvidia-a100-80gb',
    gpuFeatureDiscoveryProduct: 'NVIDIA-A100-SXM4-80GB',
    awsGpuName: 'a100',
    awsInstanceTypes: [{ instanceType: 'p4de.24xlarge', gpus: 8 }],
    onDemandUsdPerGpuHour: 3.43,
    priceSource: 'AWS p4de.24xlarge us-east-1 on-demand ($27.45/h), 2025-06',
  });

  /** NVIDIA A100 40GB (Ampere): no FP8. */
  public static readonly NVIDIA_A100_40GB = new Accelerator({
    id: 'a100-40gb',
    displayName: 'NVIDIA A100 40GB',
    vendor: GpuVendor.NVIDIA,
    memoryGiB: 40,
    supportsFp8: false,
    supportsBf16: true,
    maxGpusPerNode: 8,
    // nvidia-smi: modal-labs/modal-client PR #2797 ("A100 40GB: 40960MiB"). CUDA: vllm-project/vllm
    // issue #16570 (4 x A100 40GB, "total_gpu_memory (39.38GiB)").
    memoryMiB: 40960,
    runtimeMemoryMiB: 40325,
    memorySource: 'nvidia-smi 40960 MiB (modal-labs/modal-client PR #2797); CUDA 39.38 GiB (vllm-project/vllm issue #16570)',
    gkeAccelerator: 'nvidia-tesla-a100',
    gpuFeatureDiscoveryProduct: 'NVIDIA-A100-SXM4-40GB',
    awsGpuName: 'a100',
    awsInstanceTypes: [{ instanceType: 'p4d.24xlarge', gpus: 8 }],
    onDemandUsdPerGpuHour: 2.75,
    priceSource: 'AWS p4d.24xlarge us-east-1 on-demand ($21.96/h), 2025-06',
  });

  /** NVIDIA L40S 48GB (Ada Lovelace). */
  public static readonly NVIDIA_L40S = new Accelerator({
    id: 'l40s-48gb',
    displayName: 'NVIDIA L40S 48GB',
    vendor: GpuVendor.NVIDIA,
    memoryGiB: 48,
    supportsFp8: true,
    supportsBf16: true,
    maxGpusPerNode: 8,
    // nvidia-smi: modal-labs/modal-client PR #2797 ("L40S: 46068MiB"), akash-network/provider-configs
    // PR #99. CUDA: stepfun-ai/Step-Video-T2V issue #8 (8 x L40S, "total capacity of 44.42 GiB";
    // Wan-Video/Wan2.1 issue #205 reports 44.53 GiB).
    memoryMiB: 46068,
    runtimeMemoryMiB: 45486,
    memorySource: 'nvidia-smi 46068 MiB (modal-labs/modal-client PR #2797); CUDA 44.42 GiB (stepfun-ai/Step-Video-T2V issue #8)',
    gpuFeatureDiscoveryProduct: 'NVIDIA-L40S',
    awsGpuName: 'l40s',
    awsInstanceTypes: [
      { instanceType: 'g6e.xlarge', gpus: 1 }, { instanceType: 'g6e.2xlarge', gpus: 1 },
      { instanceType: 'g6e.12xlarge', gpus: 4 }, { instanceType: 'g6e.24xlarge', gpus: 4 },
      { instanceType: 'g6e.48xlarge', gpus: 8 },
    ],
    onDemandUsdPerGpuHour: 1.86,
    priceSource: 'AWS g6e.xlarge us-east-1 on-demand ($1.861/h), 2025-06',
  });

  /** NVIDIA L4 24GB (Ada Lovelace). */
  public static readonly NVIDIA_L4 = new Accelerator({
    id: 'l4-24gb',
    displayName: 'NVIDIA L4 24GB',
    vendor: GpuVendor.NVIDIA,
    memoryGiB: 24,
    supportsFp8: true,
    supportsBf16: true,
    maxGpusPerNode: 8,
    // nvidia-smi: modal-labs/modal-client PR #2797 ("L4: 23034MiB"). CUDA: ArcInstitute/evo2 issue #190
    // (L4, "total capacity of 22.03 GiB").
    memoryMiB: 23034,
    runtimeMemoryMiB: 22559,
    memorySource: 'nvidia-smi 23034 MiB (modal-labs/modal-client PR #2797); CUDA 22.03 GiB (ArcInstitute/evo2 issue #190)',
    gkeAccelerator: 'nvidia-l4',
    gpuFeatureDiscoveryProduct: 'NVIDIA-L4',
    awsGpuName: 'l4',
    awsInstanceTypes: [
      { instanceType: 'g6.xlarge', gpus: 1 }, { instanceType: 'g6.2xlarge', gpus: 1 },
      { instanceType: 'g6.12xlarge', gpus: 4 }, { instanceType: 'g6.24xlarge', gpus: 4 },
      { instanceType: 'g6.48xlarge', gpus: 8 },
    ],
    onDemandUsdPerGpuHour: 0.80,
    priceSource: 'AWS g6.xlarge us-east-1 on-demand ($0.8048/h), 2025-06',
  });

  /** NVIDIA A10G 24GB (Ampere): no FP8. */
  public static readonly NVIDIA_A10G = new Accelerator({
    id: 'a10g-24gb',
    displayName: 'NVIDIA A10G 24GB',
    vendor: GpuVendor.NVIDIA,
    memoryGiB: 24,
    supportsFp8: false,
    supportsBf16: true,
    maxGpusPerNode: 8,
    // nvidia-smi: NVIDIA/DCGM issue #232 and vllm-project/vllm issue #9373 (g5.12xlarge, "23028MiB").
    // CUDA: zai-org/CogVLM issue #236 reports 21.99 GiB for an A10, whose board has the same 23028 MiB;
    // the A10G's own figure was not found (UNVERIFIED, taken from the A10).
    memoryMiB: 23028,
    runtimeMemoryMiB: 22518,
    memorySource: 'nvidia-smi 23028 MiB (NVIDIA/DCGM issue #232, vllm-project/vllm issue #9373); CUDA 21.99 GiB of an A10 (zai-org/CogVLM issue #236; A10G UNVERIFIED)',
    gpuFeatureDiscoveryProduct: 'NVIDIA-A10G',
    awsGpuName: 'a10g',
    awsInstanceTypes: [
      { instanceType: 'g5.xlarge', gpus: 1 }, { instanceType: 'g5.2xlarge', gpus: 1 },
      { instanceType: 'g5.12xlarge', gpus: 4 }, { instanceType: 'g5.24xlarge', gpus: 4 },
      { instanceType: 'g5.48xlarge', gpus: 8 },
    ],
    onDemandUsdPerGpuHour: 1.01,
    priceSource: 'AWS g5.xlarge us-east-1 on-demand ($1.006/h), 2025-06',
  });

  /** NVIDIA T4 16GB (Turing): no FP8, no bfloat16. */
  public static readonly NVIDIA_T4 = new Accelerator({
    id: 't4-16gb',
    displayName: 'NVIDIA T4 16GB',
    vendor: GpuVendor.NVIDIA,
    memoryGiB: 16,
    supportsFp8: false,
    supportsBf16: false,
    maxGpusPerNode: 8,
    // nvidia-smi: modal-labs/modal-client PR #2797 ("T4: 15360MiB"). CUDA: Zheng-Chong/CatVTON issue
    // #133 (T4 on GCP, "total capacity of 14.56 GiB"; Colab's older driver reports 14.75 GiB,
    // hpcaitech/Open-Sora issue #697).
    memoryMiB: 15360,
    runtimeMemoryMiB: 14909,
    memorySource: 'nvidia-smi 15360 MiB (modal-labs/modal-client PR #2797); CUDA 14.56 GiB (Zheng-Chong/CatVTON issue #133)',
    gkeAccelerator: 'nvidia-tesla-t4',
    gpuFeatureDiscoveryProduct: 'Tesla-T4',
    awsGpuName: 't4',
    awsInstanceTypes: [
      { instanceType: 'g4dn.xlarge', gpus: 1 }, { instanceType: 'g4dn.2xlarge', gpus: 1 },
      { instanceType: 'g4dn.12xlarge', gpus: 4 }, { instanceType: 'g4dn.metal', gpus: 8 },
    ],
    onDemandUsdPerGpuHour: 0.53,
    priceSource: 'AWS g4dn.xlarge us-east-1 on-demand ($0.526/h), 2025-06',
  });

  /** AMD Instinct MI300X 192GB (CDNA 3). */
  public static readonly AMD_MI300X = new Accelerator({
    id: 'mi300x-192gb',
    displayName: 'AMD Instinct MI300X 192GB',
    vendor: GpuVendor.AMD,
    memoryGiB: 192,
    supportsFp8: true,
    supportsBf16: true,
    maxGpusPerNode: 8,
    // rocm-smi --showmeminfo vram "VRAM Total Memory (B): 205822885888" = 196288 MiB (public rocm-smi
    // output, code search; no issue found). ROCm's runtime total not found: taken equal (UNVERIFIED).
    memoryMiB: 196288,
    memorySource: 'rocm-smi 205822885888 B = 196288 MiB (public rocm-smi output, code search); runtime total taken equal (UNVERIFIED)',
    awsInstanceTypes: [],
    onDemandUsdPerGpuHour: 6.00,
    priceSource: 'Azure ND MI300X v5 list price ($48/h for 8 GPUs), 2025-06',
  });

  /** Every accelerator in the catalog. */
  public static get catalog(): Accelerator[] {
    return [
      Accelerator.NVIDIA_H200, Accelerator.NVIDIA_H100_80GB, Accelerator.NVIDIA_A100_80GB,
      Accelerator.NVIDIA_A100_40GB, Accelerator.NVIDIA_L40S, Accelerator.NVIDIA_L4,
      Accelerator.NVIDIA_A10G, Accelerator.NVIDIA_T4, Accelerator.AMD_MI300X,
    ];
  }

  /** An accelerator the catalog does not have. */
  public static custom(spec: AcceleratorSpec): Accelerator {
    return new Accelerator(spec);
  }

  private constructor(public readonly spec: AcceleratorSpec) {}

  public get id(): string { return this.spec.id; }
  public get displayName(): string { return this.spec.displayName; }
  /** Memory as the product is named, for display (e.g. 80 for an H100 80GB). */
  public get memoryGiB(): number { return this.spec.memoryGiB; }
  /** Device memory as the driver reports it, MiB (`nvidia-smi` memory.total). */
  public get memoryMiB(): number { return this.spec.memoryMiB ?? this.spec.memoryGiB * 1024; }
  /** Total memory CUDA gives a process, MiB (driver total less its own reservation). */
  public get runtimeMemoryMiB(): number { return this.spec.runtimeMemoryMiB ?? this.memoryMiB; }
  public get vendor(): GpuVendor { return this.spec.vendor; }

  /** Extended resource a pod requests, e.g. `nvidia.com/gpu`. */
  public get resourceName(): string {
    return `${this.spec.vendor}.com/gpu`;
  }

  /** The taint GPU nodes carry so that only GPU workloads land there. */
  public get taintKey(): string {
    return this.resourceName;
  }

  /** GPUs of this model that one instance type carries, if AWS offers it. */
  public gpusOnInstanceType(instanceType: string): number | undefined {
    return this.spec.awsInstanceTypes.find(o => o.instanceType === instanceType)?.gpus;
  }
}
