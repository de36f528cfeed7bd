/**
 * Folders made one level at a time, like `mkdir -p`. A module of its own, loading nothing but
 * node:fs, because the configuration (loaded even for `--help`'s usage errors) needs it too.
 */
import { mkdirSync, statSync } from "node:fs";
import { mkdir, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException | null)?.code === "ENOENT";
const notAFolder = (dir: string) => Object.assign(new Error(`ENOTDIR: not a folder, mkdir '${dir}'`), { code: "ENOTDIR", path: dir });

/**
 * Create `dir` and any missing parents, like `mkdir -p`, one level at a time. Node's own
 * `mkdir(…, {recursive: true})` loops for ever where a folder reports ENOENT although its parent
 * exists (`/proc/x` and other virtual file systems); here that is an ENOENT error at once. Throws
 * the file system's error (ENOENT, ENOTDIR, EACCES, EROFS …) for the first level that cannot be
 * made.
 */
export async function makeDirs(dir: string, mode = 0o777): Promise<void> {
  const missing: string[] = [];
  for (let current = resolve(dir); ; current = dirname(current)) {
    try {
      await stat(current);
      break;
    } catch (error) {
      if (!isMissing(error) || dirname(current) === current) throw error;
      missing.unshift(current);
    }
  }
  for (const level of missing) {
    try {
      await mkdir(level, { mode });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  if (!(await stat(dir)).isDirectory()) throw notAFolder(dir);
}

/** `makeDirs` for the few callers that must stay synchronous. */
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
