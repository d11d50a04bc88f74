/**
 * The resources the ledger accounts, in base units per second of reservation:
 * `cpu` cores, `memory` bytes, `gpu` devices, `storage` bytes (PVCs). Reports turn
 * resource-seconds into core-hours, GiB-hours, GPU-hours and storage GiB-hours.
 */
export const LEDGER_RESOURCES = ["cpu", "memory", "gpu", "storage"] as const;
export type LedgerResource = (typeof LEDGER_RESOURCES)[number];

export type Rates = Partial<Record<LedgerResource, number>>;

export function addRate(rates: Rates, resource: LedgerResource, amount: number): void {
  if (amount === 0) return;
  rates[resource] = (rates[resource] ?? 0) + amount;
}

/**
 * Extended resources counted as GPUs: the device plugins' names for NVIDIA, AMD and Intel GPUs.
 * Anything else named `<vendor>/gpu` counts too.
 */
export const DEFAULT_GPU_RESOURCES: readonly string[] = [
  "nvidia.com/gpu",
  "amd.com/gpu",
  "gpu.intel.com/i915",
  "gpu.intel.com/xe",
];

export function gpuMatcher(names: readonly string[] = DEFAULT_GPU_RESOURCES): (resource: string) => boolean {
  const known = new Set(names);
  return (resource) => known.has(resource) || resource.endsWith("/gpu");
}

/** Seconds in an hour, and bytes in a GiB: the report's units. */
export const SECONDS_PER_HOUR = 3_600;
export const BYTES_PER_GIB = 2 ** 30;

/** Reserved usage in the units reports and history use. */
export interface ReservedHours {
  readonly cpuCoreHours: number;
  readonly memoryGiBHours: number;
  readonly storageGiBHours: number;
  readonly gpuHours: number;
}

/** Resource-seconds (cores, bytes, devices) as core-hours, GiB-hours and GPU-hours. */
export function reservedHours(rates: Rates): ReservedHours {
  return {
    cpuCoreHours: (rates.cpu ?? 0) / SECONDS_PER_HOUR,
    memoryGiBHours: (rates.memory ?? 0) / BYTES_PER_GIB / SECONDS_PER_HOUR,
    storageGiBHours: (rates.storage ?? 0) / BYTES_PER_GIB / SECONDS_PER_HOUR,
    gpuHours: (rates.gpu ?? 0) / SECONDS_PER_HOUR,
  };
}
