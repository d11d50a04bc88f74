/**
 * `work`, or a rejection with `signal.reason` as soon as `signal` is aborted, whichever comes
 * first; with no signal, just `work`. The work itself goes on: use it for work that ends by
 * itself (a request with a timeout, a health probe), whose result is then not waited for.
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener("abort", onAbort, { once: true });
    void work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
