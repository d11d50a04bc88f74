/**
 * Storage a PersistentVolumeClaim holds, counted per storage class: the bound capacity
 * (`status.capacity.storage`, which may exceed the request) when bound, else the request.
 * A claim without a class is counted under `DEFAULT_STORAGE_CLASS`: the cluster's default
 * class is decided by an admission plugin krm does not see.
 */
import { parseQuantity } from "./quantity.js";

export const DEFAULT_STORAGE_CLASS = "(default)";

export interface PvcLike {
  readonly metadata?: { readonly namespace?: string; readonly labels?: Readonly<Record<string, string>> };
  readonly spec?: {
    readonly storageClassName?: string | null;
    readonly resources?: { readonly requests?: { readonly storage?: string } };
  };
  readonly status?: { readonly phase?: string; readonly capacity?: { readonly storage?: string } };
}

export interface PvcStorage {
  readonly storageClass: string;
  readonly namespace: string;
  /** Milli-bytes. */
  readonly storage: bigint;
}

export function pvcStorage(pvc: PvcLike): PvcStorage {
  const bound = pvc.status?.phase === "Bound" ? pvc.status.capacity?.storage : undefined;
  const text = bound ?? pvc.spec?.resources?.requests?.storage;
  const className = pvc.spec?.storageClassName;
  return {
    storageClass:
      className === undefined || className === null || className === "" ? DEFAULT_STORAGE_CLASS : className,
    namespace: pvc.metadata?.namespace ?? "",
    storage: text === undefined ? 0n : parseQuantity(text),
  };
}
