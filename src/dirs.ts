/**
 * Folders made one level at a time, like `mkdir -p`. A module of its own, loading nothing but
 * node:fs, because the configuration (loaded even for `--help`'s usage errors) needs it too.
 */
import { mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException | null)?.code === "ENOENT";
const notAFolder = (dir: string) => Object.assign(new Error(`ENOTDIR: not a folder, mkdir '${dir}'`), { code: "ENOTDIR", path: dir });

/**
 * Create `dir` and any missing parents, like `mkdir -p`, one level at a time. Node's own
 * `mkdir(…, {recursive: true})` loops for ever where a folder reports ENOENT although its parent
 * exists (`/proc/x` and other virtual file systems); here that is an ENOENT error at once. Throws
 * the file system's error (ENOENT, ENOTDIR, EACCES, EROFS …) for the first level that cannot be
 * made. Synchronous (a few system calls on a local disk), so that the configuration, which must
 * stay synchronous, makes its folder the same way; `makeDirs` is the same for async callers.
 */
export function makeDirsSync(dir: string, mode = 0o777): void {
  const missing: string[] = [];
  for (let current = resolve(dir); ; current = dirname(current)) {
    try {
      statSync(current);
      break;
    } catch (error) {
      if (!isMissing(error) || dirname(current) === current) throw error;
      missing.unshift(current);
    }
  }
  for (const level of missing) {
    try {
      mkdirSync(level, { mode });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  if (!statSync(dir).isDirectory()) throw notAFolder(dir);
}

/** `makeDirsSync` as a promise, for async callers (its errors become rejections). */
export function makeDirs(dir: string, mode = 0o777): Promise<void> {
  return new Promise((resolve) => {
    makeDirsSync(dir, mode);
    resolve();
  });
}
