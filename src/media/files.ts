/** Input checks, hashing and moving finished outputs into place (never half-written). */
import { randomBytes } from "node:crypto";
import { chmod, copyFile, open, stat } from "node:fs/promises";
import { basename, dirname, extname, join, resolve } from "node:path";
import { ExitCode, UserError, unreadableFile, unwritableFile } from "../errors.js";
import { hashOpenFile, makeDirs, placeWithoutOverwriting } from "../files.js";
import { removeTemp, trackTemp } from "../temp.js";

/**
 * The size of a photo or recording the user named, which must be a regular file. A folder is named
 * as one (`media.photo.isFolder`/`media.audio.isFolder`, exit 2), a device or pipe as one
 * (`media.notRegular`), and a file that cannot be reached with the system's reason: none of them
 * as a missing file. `send` checks every item with it before any is processed.
 */
export async function mediaInputSize(file: string, kind: "photo" | "audio"): Promise<number> {
  try {
    const s = await stat(file);
    if (s.isDirectory()) throw new UserError(ExitCode.usage, kind === "photo" ? "media.photo.isFolder" : "media.audio.isFolder", { file });
    if (!s.isFile()) throw new UserError(ExitCode.usage, "media.notRegular", { file });
    return s.size;
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw unreadableFile(file, error) ?? new UserError(ExitCode.usage, "file.missing", { file }, { cause: error });
  }
}

/** The input must be a file as `mediaInputSize` says, and not empty; returns its size. */
export async function checkInput(file: string, kind: "photo" | "audio"): Promise<number> {
  const size = await mediaInputSize(file, kind);
  if (size === 0) throw new UserError(ExitCode.failure, "media.empty", { file });
  return size;
}

export async function sha256File(file: string): Promise<string> {
  const handle = await open(file, "r");
  try {
    return (await hashOpenFile(handle)).sha256;
  } finally {
    await handle.close();
  }
}

/** An input's base name: its file name without folder and extension (`a/scan.png` → `scan`). */
export function baseName(input: string): string {
  return basename(input, extname(input));
}

/** `<outDir>/<name><ext>`, absolute; `name` defaults to the input's base name (`scan.png` → `scan.jpg`). */
export function outputPath(input: string, outDir: string, ext: string, name = baseName(input)): string {
  return resolve(outDir, name + ext);
}

/**
 * Output base names for inputs written into one folder, one per input in order: each input's
 * base name, but an input whose base name an earlier one has (`a/scan.png`, `b/scan.jpg`) gets
 * the first `-2`, `-3` … that no input is named and no earlier one got (`scan-2`). Names are
 * compared without case, as a case-insensitive file system would.
 */
export function distinctOutputNames(inputs: readonly string[]): string[] {
  const own = new Set(inputs.map((i) => baseName(i).toLowerCase()));
  const taken = new Set<string>();
  return inputs.map((input) => {
    const base = baseName(input);
    let name = base;
    for (let n = 2; taken.has(name.toLowerCase()) || (name !== base && own.has(name.toLowerCase())); n++) name = `${base}-${n}`;
    taken.add(name.toLowerCase());
    return name;
  });
}

/**
 * Move a finished file from the private temp folder to `dest` without ever showing a partial
 * file there and without overwriting: a hard link (atomic, fails if `dest` exists) or, across
 * file systems, a copy to a hidden sibling and a link from it.
 */
export async function placeOutput(finished: string, dest: string): Promise<void> {
  // Encoders create files with the process umask (ffmpeg: often 0644): the result is processed
  // health data, readable only by the user wherever it goes.
  await chmod(finished, 0o600);
  try {
    await makeDirs(dirname(dest));
  } catch (error) {
    // --out names a file, or a folder below one: one line naming the place.
    throw unwritableFile(dirname(dest), error) ?? error;
  }
  try {
    await placeWithoutOverwriting(finished, dest);
    return;
  } catch (error) {
    if (error instanceof UserError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new UserError(ExitCode.usage, "file.missing", { file: dirname(dest) });
    if (code !== "EXDEV") throw unwritableFile(dest, error) ?? error;
  }
  const part = join(dirname(dest), `.${randomBytes(6).toString("hex")}.part`);
  // A copy across file systems takes a while: Ctrl-C meanwhile must not leave a plaintext copy.
  trackTemp(part);
  try {
    await copyFile(finished, part);
    await placeWithoutOverwriting(part, dest);
  } catch (error) {
    // A full disk or a place that cannot hold it: one line naming it (media.md's table).
    throw error instanceof UserError ? error : (unwritableFile(dest, error) ?? error);
  } finally {
    await removeTemp(part);
  }
}

