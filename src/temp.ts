/**
 * Private temporary folders for plaintext (media being processed, bundles being opened).
 * Each folder is created 0700 under the system temp dir and removed when its work ends;
 * anything still registered is removed by `runCleanups()` on exit or interrupt.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const live = new Set<string>();

/** A new private (0700) folder under `parent` (default: the system temp folder), removed at exit. */
export async function makePrivateTemp(prefix = "nachklang-", parent = tmpdir()): Promise<string> {
  // mkdtemp creates the folder with mode 0700.
  const dir = await mkdtemp(join(parent, prefix));
  live.add(dir);
  return dir;
}

/** Remove `path` (a partial output file or folder) if the process ends before `untrackTemp`. */
export function trackTemp(path: string): void {
  live.add(path);
}

/** `path` is no longer temporary (it was completed or moved into place): stop tracking it. */
export function untrackTemp(path: string): void {
  live.delete(path);
}

export async function removeTemp(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  live.delete(dir);
}

/** Run `work` with a private temp folder that is removed afterwards, whatever happens. */
export async function withPrivateTemp<T>(work: (dir: string) => Promise<T>, prefix?: string): Promise<T> {
  const dir = await makePrivateTemp(prefix);
  try {
    return await work(dir);
  } finally {
    await removeTemp(dir);
  }
}

export async function runCleanups(): Promise<void> {
  await Promise.all([...live].map((dir) => removeTemp(dir)));
}

// Last resort for paths where the process exits without awaiting (process.exit elsewhere).
process.once("exit", () => {
  for (const dir of live) rmSync(dir, { recursive: true, force: true });
});
