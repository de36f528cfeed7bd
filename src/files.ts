/**
 * Files private to this user: folders 0700, files 0600, written atomically. The ground floor
 * under everything that stores something (home, outbox, ledger, cache, hand-off folders).
 */
import { constants } from "node:fs";
import { chmod, link, lstat, open, readdir, readFile, rename, rm, stat, type FileHandle } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, sep } from "node:path";
import { createHash, randomBytes } from "node:crypto";
import { ExitCode, UserError, unreadableFile, unwritableFile } from "./errors.js";
import { removeTemp, trackTemp } from "./temp.js";
import { makeDirs } from "./dirs.js";
import type lockfileModule from "proper-lockfile";

export { makeDirs, makeDirsSync } from "./dirs.js";

/** Create a folder (and its parents) private to this user. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await makeDirs(dir, 0o700);
  await chmod(dir, 0o700);
}

/**
 * Give the finished file its name, never replacing a file (or a symlink) that came to have that
 * name meanwhile: a hard link fails if the name exists. A file system without hard links (FAT on
 * a USB stick) gets a rename after one more look; what was there stays and the run fails.
 */
export async function placeWithoutOverwriting(partial: string, path: string): Promise<void> {
  try {
    await link(partial, path);
    await rm(partial, { force: true });
    return;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === "EEXIST") throw new UserError(ExitCode.usage, "file.exists", { file: path }, { cause: error });
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP" && code !== "ENOSYS") throw error;
  }
  const there = await lstat(path).then(
    () => true,
    () => false,
  );
  if (there) throw new UserError(ExitCode.usage, "file.exists", { file: path });
  await rename(partial, path);
}

/** Whether `path` lies in `root` (or is it), by their names. */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/**
 * The most a file the user names may have when it is read whole (a batch, a CSV of clients, saved
 * Gateway callbacks, an identity): far more than any of them holds, far less than the memory a
 * device (`/dev/zero`) or a wrong file would take.
 */
export const NAMED_FILE_MAX_BYTES = 64 * 1024 * 1024;

/** How much a file read whole may have, and the line for one that has more (`bytes`: its size, or what was read when it ran past). */
export interface ReadLimit {
  readonly max: number;
  readonly tooLarge: (bytes: number) => UserError;
  /** The line for a device (default `file.device`). */
  readonly notRegular?: () => UserError;
  /** A pipe that stays silent this long is given up with this error (default: waited on). */
  readonly silent?: { readonly ms: number; readonly error: () => Error };
}

const namedFileLimit = (file: string): ReadLimit => ({ max: NAMED_FILE_MAX_BYTES, tooLarge: () => new UserError(ExitCode.usage, "file.tooLarge", { file, max: "64 MiB" }) });

/**
 * A file the user named, read whole: a regular file or a pipe, of at most NAMED_FILE_MAX_BYTES.
 * One that cannot be read is one line naming `shown` (default: `file`): missing, a folder, a
 * device, larger than that, no permission, a socket — each as what it is, before it is read.
 */
export async function readNamedFile(file: string, shown = file, limit: ReadLimit = namedFileLimit(shown)): Promise<Buffer> {
  let handle: FileHandle;
  try {
    handle = await open(file, NAMED_READ_FLAGS);
  } catch (error) {
    throw unreadableFile(shown, error) ?? error;
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw new UserError(ExitCode.usage, "file.folderNotFile", { file: shown });
    if (!info.isFile() && !info.isFIFO()) throw limit.notRegular?.() ?? new UserError(ExitCode.usage, "file.device", { file: shown });
    if (info.size > limit.max) throw limit.tooLarge(info.size);
    const silent = limit.silent === undefined ? undefined : { until: Date.now() + limit.silent.ms, error: limit.silent.error };
    return await readBounded(chunksOf(handle, silent), limit);
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw unreadableFile(shown, error) ?? error;
  } finally {
    await handle.close();
  }
}

/** An open file or pipe from where it stands, in pieces of up to 1 MiB (a pipe waited on as readWaiting does, until `silent`). */
export async function* chunksOf(handle: FileHandle, silent?: { until: number; error: () => Error }): AsyncGenerator<Buffer> {
  for (;;) {
    const buffer = Buffer.allocUnsafe(1024 * 1024);
    const bytesRead = await readWaiting(handle, buffer, 0, buffer.length, null, silent);
    if (bytesRead === 0) return;
    yield buffer.subarray(0, bytesRead);
  }
}

/** A stream read whole, refused once it runs past the limit (default: NAMED_FILE_MAX_BYTES, named `-` for standard input). */
export async function readBounded(chunks: AsyncIterable<Uint8Array>, limit: ReadLimit = namedFileLimit("-")): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of chunks) {
    length += chunk.byteLength;
    if (length > limit.max) throw limit.tooLarge(length);
    parts.push(chunk);
  }
  return Buffer.concat(parts, length);
}

/** The most bytes a file holding a secret (a passphrase, a channel's password or key) may have. */
export const SECRET_FILE_MAX_BYTES = 64 * 1024;
/** How long a pipe may stay silent (`pass show … | nachklang … --password-file /dev/stdin` asking for a PIN). */
const SECRET_PIPE_WAIT_MS = 120_000;
/**
 * How every file the user names is opened for reading: without blocking. Opening a named pipe
 * nobody writes to would otherwise wait in open(2) for good, and a process waiting there cannot
 * even be ended with Ctrl-C (its exit waits for the blocked thread). So opened, such a pipe reads
 * as empty; one with a writer is read as it comes (`readWaiting`). Regular files are unaffected.
 */
export const NAMED_READ_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

/**
 * `handle.read`, waiting in short steps while a pipe opened with NAMED_READ_FLAGS has nothing yet
 * (EAGAIN); `silent`: give up at that time with its error. Returns the bytes read (0 at the end).
 */
async function readWaiting(handle: FileHandle, buffer: Buffer, offset: number, length: number, position: number | null, silent?: { until: number; error: () => Error }): Promise<number> {
  for (;;) {
    try {
      return (await handle.read(buffer, offset, length, position)).bytesRead;
    } catch (error) {
      if ((error as { code?: unknown } | null)?.code !== "EAGAIN") throw error;
      if (silent !== undefined && Date.now() > silent.until) throw silent.error();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/**
 * A file holding a secret the user named (`--passphrase-file`, `--viewer-passphrase-file`, a
 * channel's `--secret-file`, `--password-file`, `--private-key-file`): a regular file of at most
 * 64 KiB, or a pipe (`/dev/stdin` under `pass show … |`, a shell's `<(…)`), read up to that much.
 * Opened without blocking, so a named pipe nobody writes to reads as empty instead of hanging the
 * command, and a pipe that stays silent is given up after two minutes. One line naming the file
 * otherwise, exit 2: missing or unreadable, a folder or device, or larger (no secret is that long:
 * the wrong file). A pipe gives its bytes only once: read each such file once per command.
 */
export function readSecretFile(file: string): Promise<Buffer> {
  return readNamedFile(file, file, {
    max: SECRET_FILE_MAX_BYTES,
    tooLarge: () => new UserError(ExitCode.usage, "file.secretTooLarge", { file, max: "64 KiB" }),
    notRegular: () => new UserError(ExitCode.usage, "file.secretNotRegular", { file }),
    silent: { ms: SECRET_PIPE_WAIT_MS, error: () => new UserError(ExitCode.usage, "file.secretPipeSilent", { file }) },
  });
}

/**
 * A text file the user named (a batch or series file, a CSV of clients, template variables) as
 * UTF-8. One that cannot be read is one line naming it (missing, a folder …); one that is not
 * UTF-8 — a spreadsheet's CSV saved in the old Windows encoding — is refused (`file.notUtf8`,
 * exit 2) rather than read with replacement characters that would go into names and messages.
 * `shown` is the name in messages (default: `file`).
 */
export async function readUserText(file: string, shown = file): Promise<string> {
  const bytes = await readNamedFile(file, shown);
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new UserError(ExitCode.usage, "file.notUtf8", { file: shown });
  }
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * SHA-256 and length of an open file from where it stands to its end, read into one buffer again
 * and again: a read stream's fresh buffer for every piece costs more than the hashing (each new
 * megabyte is new memory the kernel must hand over and fill; a 64 MiB seal's hashing pass under
 * the profiler: 0.25 s with a stream, mostly waiting for reads; 0.15 s like this).
 */
export async function hashOpenFile(handle: FileHandle): Promise<{ sha256: string; size: number }> {
  const hash = createHash("sha256");
  const buffer = Buffer.allocUnsafe(1024 * 1024);
  let size = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
    if (bytesRead === 0) break;
    size += bytesRead;
    hash.update(buffer.subarray(0, bytesRead));
  }
  return { sha256: hash.digest("hex"), size };
}

/**
 * Append `data` (whole lines, each ending in a newline) to a file of JSON lines and fsync it;
 * returns when the lines are on disk. The file is created with mode 0600. A torn last line —
 * a write interrupted by a crash — is cut off first, so the file stays a sequence of whole
 * lines. The caller holds the file's append lock: two appenders must not interleave.
 *
 * All of `data` is written or the call rejects: a write the system cut short (a disk filling up)
 * is continued, and when that fails the file is cut back to where it was, so no line is half
 * there and no caller reports as recorded what is not.
 */
export async function appendLines(file: string, data: Uint8Array): Promise<void> {
  const handle = await open(file, "a+", 0o600);
  try {
    const size = await cutTornTail(handle);
    try {
      for (let offset = 0; offset < data.length; ) {
        const { bytesWritten } = await handle.write(data, offset, data.length - offset);
        if (bytesWritten === 0) throw Object.assign(new Error(`${file}: nothing written (ENOSPC)`), { code: "ENOSPC", path: file });
        offset += bytesWritten;
      }
      await handle.sync();
    } catch (error) {
      await handle.truncate(size).catch(() => undefined);
      throw error;
    }
  } finally {
    await handle.close();
  }
}

/**
 * Cut everything after the last newline, and return the size left. Read backwards in pieces:
 * the file may be large.
 */
async function cutTornTail(handle: FileHandle): Promise<number> {
  const { size } = await handle.stat();
  if (size === 0) return 0;
  const last = Buffer.alloc(1);
  await handle.read(last, 0, 1, size - 1);
  if (last[0] === 0x0a) return size;
  const chunk = 64 * 1024;
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - chunk);
    const buf = Buffer.alloc(end - start);
    await handle.read(buf, 0, buf.length, start);
    const nl = buf.lastIndexOf(0x0a);
    if (nl >= 0) {
      await handle.truncate(start + nl + 1);
      return start + nl + 1;
    }
    end = start;
  }
  await handle.truncate(0);
  return 0;
}

/**
 * A file of JSON lines as `appendLines` writes it: every line that ends in a newline, in order
 * (empty ones included, so that line numbers stay those of the file), and whether a torn last
 * line — a write a crash interrupted, which the next append cuts — was left out. A file that does
 * not exist yet has no lines.
 */
export async function readLines(file: string): Promise<{ lines: string[]; tornTail: boolean }> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { lines: [], tornTail: false };
    throw error;
  }
  const lines = text.split("\n");
  const last = lines.pop() ?? "";
  return { lines, tornTail: last.length > 0 };
}

/** A line of a JSON-lines file, parsed; `undefined` when it is no JSON. */
export function parseJsonLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

/**
 * Write a file atomically with mode 0600: a temporary sibling, fsync, then rename — or, with
 * `exclusive`, a hard link, which fails atomically when something is already there (no race
 * between checking and writing). A crash leaves the old or the new content, never half a file.
 */
export async function writePrivateFile(path: string, data: Uint8Array | string, options: { exclusive?: boolean } = {}): Promise<void> {
  try {
    await writeAtomically(path, data, options.exclusive === true);
  } catch (error) {
    // `exclusive` writes a file the user named (`--out`): one that cannot go there (a file where
    // a folder is expected, no permission, a full disk) is one line naming it, not a bug.
    if (options.exclusive !== true || error instanceof UserError) throw error;
    throw unwritableFile(path, error) ?? error;
  }
}

/** The temporary files of atomic writes: ours (`<name>.<12 hex>.tmp`) and conf's (`<name>.tmp-<id>`). */
const ATOMIC_LEFTOVER = /^.+\.(?:[0-9a-f]{12}\.tmp|tmp-[0-9a-z]+)$/;

/**
 * Remove what atomic writes in `dir` left when their process was killed (SIGKILL, a power cut):
 * temporary files older than an hour (a younger one may be a write going on right now).
 * Returns how many went.
 */
export async function sweepAtomicLeftovers(dir: string, olderThanMs = 60 * 60 * 1000, now = Date.now()): Promise<number> {
  let removed = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!ATOMIC_LEFTOVER.test(name)) continue;
    const path = join(dir, name);
    const info = await lstat(path).catch(() => undefined);
    if (info === undefined || !info.isFile() || now - info.mtimeMs < olderThanMs) continue;
    await rm(path, { force: true });
    removed++;
  }
  return removed;
}

async function writeAtomically(path: string, data: Uint8Array | string, exclusive: boolean): Promise<void> {
  // Missing folders are created 0700; an existing folder keeps its mode (it may be the user's
  // current folder, e.g. for `keys export --minisign practice.pub`).
  await makeDirs(dirname(path), 0o700);
  const tmp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  // Removed at exit or interrupt while it is ours (it may be a report naming clients).
  trackTemp(tmp);
  try {
    const handle = await open(tmp, "wx", 0o600);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (!exclusive) {
      await rename(tmp, path);
      return;
    }
    try {
      await link(tmp, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") throw new UserError(ExitCode.usage, "file.exists", { file: path });
      throw error;
    }
  } finally {
    await removeTemp(tmp);
  }
}

let lockfileLoaded: Promise<typeof lockfileModule> | undefined;

/**
 * proper-lockfile, loaded on first use (commands that only read take no lock). A CommonJS
 * module: its exports are `default` wherever it is loaded from (Node or the bundle).
 */
export function loadLockfile(): Promise<typeof lockfileModule> {
  return (lockfileLoaded ??= import("proper-lockfile").then((m) => (m as { default?: typeof lockfileModule }).default ?? m));
}
