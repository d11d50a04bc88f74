/**
 * Runs `task(i)` for i in [from, to) with at most `concurrency` in flight. Resolves when all
 * have finished; the first failure rejects after in-flight tasks settle.
 */
export async function runPool(
  from: number,
  to: number,
  concurrency: number,
  task: (index: number) => Promise<void>,
): Promise<void> {
  let next = from;
  let failure: unknown;
  const worker = async (): Promise<void> => {
    while (next < to && failure === undefined) {
      const index = next;
      next += 1;
      try {
        await task(index);
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, to - from)) }, () => worker()));
  if (failure !== undefined)
    throw failure instanceof Error ? failure : new Error("task failed", { cause: failure });
}
