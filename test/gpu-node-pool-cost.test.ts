import {
  GpuDemand,
} from '../lib';
import { fleetCost, poolCost, roundUsd, serviceCost, usdPerMonth } from '../lib/gpu-node-pool/cost';

const d = (name: string, gpusAtMin: number, gpusAtMax: number, gpusAtPeak = gpusAtMax): GpuDemand => ({ name, gpusAtMin, gpusAtMax, gpusAtPeak });

describe('serviceCost', () => {
  test.each([
    // name, min, max, $/GPU-h, $/h at min, $/h at max
    ['llama-70b on H100', 8, 24, 6.88, 55.04, 165.12],
    ['llama-8b on L4', 1, 4, 0.80, 0.80, 3.20],
    ['three L4 (float noise)', 3, 3, 0.1, 0.3, 0.3],
    ['zero at min', 0, 8, 3.43, 0, 27.44],
    ['free (reserved already paid)', 4, 8, 0, 0, 0],
  ])('%s', (name, min, max, price, atMin, atMax) => {
    expect(serviceCost(d(name, min, max), price)).toEqual({ ...d(name, min, max), usdPerHourAtMin: atMin, usdPerHourAtMax: atMax });
  });
});

describe('poolCost totals are the sums of the rows', () => {
  const input = { pool: 'p', accelerator: 'l4-24gb', provisioner: 'gke', usdPerGpuHour: 0.805, priceSource: 'test' };
  test.each([
    [[d('a', 1, 4, 5), d('b', 2, 2)], 3, 6, 7],
    [[d('a', 1, 1), d('b', 1, 1), d('c', 1, 1)], 3, 3, 3],
    [[], 0, 0, 0],
  ])('%#', (demands, gpusMin, gpusMax, gpusPeak) => {
    const cost = poolCost(input, demands);
    expect(cost.gpusAtMin).toBe(gpusMin);
    expect(cost.gpusAtMax).toBe(gpusMax);
    expect(cost.gpusAtPeak).toBe(gpusPeak);
    expect(cost.usdPerHourAtMin).toBe(roundUsd(cost.services.reduce((a, s) => a + s.usdPerHourAtMin, 0)));
    expect(cost.usdPerHourAtMax).toBe(roundUsd(cost.services.reduce((a, s) => a + s.usdPerHourAtMax, 0)));
    expect(cost.usdPerHourAtCeiling).toBeUndefined();
  });

  test('ceiling cost when the pool has maxGpus', () => {
    expect(poolCost({ ...input, usdPerGpuHour: 6.88, maxGpus: 32 }, []).usdPerHourAtCeiling).toBe(220.16);
  });
});

test('fleetCost sums pools', () => {
  const h100 = poolCost({ pool: 'h100', accelerator: 'h100-80gb', provisioner: 'karpenter', usdPerGpuHour: 6.88, priceSource: 's' }, [d('llama-70b', 8, 24, 28)]);
  const l4 = poolCost({ pool: 'l4', accelerator: 'l4-24gb', provisioner: 'gke', usdPerGpuHour: 0.8, priceSource: 's' }, [d('llama-8b', 1, 4, 5)]);
  expect(fleetCost([h100, l4])).toEqual({ gpusAtMin: 9, gpusAtMax: 28, usdPerHourAtMin: 55.84, usdPerHourAtMax: 168.32 });
});

test.each([[55.04, 40179], [0.8, 584], [0, 0]])('usdPerMonth(%p) = %p', (perHour, perMonth) => {
  expect(usdPerMonth(perHour)).toBe(perMonth);
});
