/**
 * A few pieces of work at once, for work that waits on something else (libvips, ffmpeg, a
 * delivery): `work` on each item, at most `size` running, results in the items' order. After a
 * failure no further item is started; the ones running are awaited, and the failure of the
 * earliest item is thrown, so the caller's clean-up never races work still in flight.
 */
export async function mapPool<T, R>(items: readonly T[], size: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  const failures = new Map<number, unknown>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length && failures.size === 0) {
      const index = next++;
      try {
        results[index] = await work(items[index] as T, index);
      } catch (error) {
        failures.set(index, error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(size, items.length)) }, worker));
  if (failures.size > 0) throw failures.get(Math.min(...failures.keys()));
  return results;
}
