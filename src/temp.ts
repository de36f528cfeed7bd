/**
 * Private temporary folders for plaintext (media being processed, bundles being opened).
 * Each folder is created 0700 under the system temp dir and removed when its work ends;
 * anything still registered is removed by `runCleanups()` on exit or interrupt.
 *
 * A process that is killed outright (SIGKILL, the out-of-memory killer, a power cut) cannot
 * remove its folders. So each folder's name carries the process id (`<prefix>pid<pid>-<random>`),
 * and before a process makes its first folder in a place it removes the folders there that a
 * process no longer running left behind (`sweepStale`). Only folders that are certainly ours
 * are touched: our name pattern, a real folder (not a link), owned by this user, mode 0700, and
 * its process gone from this machine's process table. (A folder of a process in another PID
 * namespace sharing the temp folder would look abandoned; nachklang does not support that.)
 */
import { lstat, mkdtemp, readdir, rm } from "node:fs/promises";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const live = new Set<string>();

/** Names made by makePrivateTemp: a known prefix, `pid` and the process id, mkdtemp's six characters. */
const TEMP_NAME = /^(?:\.staging-|\.?nachklang-(?:[a-z]+-)*)pid(\d+)-[A-Za-z0-9]{6}$/;

/** Places swept by this process already (once is enough: later leftovers are not ours to race for). */
const swept = new Set<string>();

/** Whether process `pid` exists (EPERM: it does, as another user's). */
export function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

/**
 * Remove the temporary folders in `parent` that processes no longer running left behind.
 * Returns how many were removed. Never fails: a folder it cannot read or remove stays.
 */
export async function sweepStale(parent: string): Promise<number> {
  const uid = process.getuid?.();
  if (uid === undefined) return 0;
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const pid = Number(TEMP_NAME.exec(name)?.[1] ?? Number.NaN);
    if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid || running(pid)) continue;
    const path = join(parent, name);
    const info = await lstat(path).catch(() => undefined);
    if (info === undefined || !info.isDirectory() || info.uid !== uid || (info.mode & 0o777) !== 0o700) continue;
    if (await rm(path, { recursive: true, force: true }).then(() => true, () => false)) removed++;
  }
  return removed;
}

/** `sweepStale(parent)`, once per process and place. */
export async function sweepStaleOnce(parent: string): Promise<void> {
  if (swept.has(parent)) return;
  swept.add(parent);
  await sweepStale(parent);
}

/** A new private (0700) folder under `parent` (default: the system temp folder), removed at exit. */
export async function makePrivateTemp(prefix = "nachklang-", parent = tmpdir()): Promise<string> {
  await sweepStaleOnce(parent);
  // mkdtemp creates the folder with mode 0700.
  const dir = await mkdtemp(join(parent, `${prefix}pid${process.pid}-`));
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
  try {
    await rm(dir, { recursive: true, force: true });
  } catch (error) {
    // A place below a file (`--out report.pdf/backup.age`) cannot exist: nothing to remove.
    if ((error as NodeJS.ErrnoException).code !== "ENOTDIR") throw error;
  }
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
