/**
 * Files private to this user: folders 0700, files 0600, written atomically. The ground floor
 * under everything that stores something (home, outbox, ledger, cache, hand-off folders).
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs";
import { chmod, link, open, readFile, rename, stat, type FileHandle } from "node:fs/promises";
import { dirname } from "node:path";
import { createHash, randomBytes } from "node:crypto";
import { ExitCode, UserError, unreadableFile, unwritableFile } from "./errors.js";
import { removeTemp, trackTemp } from "./temp.js";
import { makeDirs } from "./dirs.js";

export { makeDirs, makeDirsSync } from "./dirs.js";

/** Create a folder (and its parents) private to this user. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await makeDirs(dir, 0o700);
  await chmod(dir, 0o700);
}

/**
 * A file the user named, read whole. One that cannot be read is one line naming `shown` (default:
 * `file`): missing, a folder, no permission, a socket — each as what it is.
 */
export async function readNamedFile(file: string, shown = file): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw unreadableFile(shown, error) ?? error;
  }
}

/** The most bytes a file holding a secret (a passphrase, a channel's password or key) may have. */
export const SECRET_FILE_MAX_BYTES = 64 * 1024;
/** Opened without blocking, so that a named pipe is refused rather than waited on. */
const SECRET_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

function checkSecretFile(file: string, info: Stats): void {
  if (!info.isFile()) throw new UserError(ExitCode.usage, "file.secretNotRegular", { file });
  if (info.size > SECRET_FILE_MAX_BYTES) throw new UserError(ExitCode.usage, "file.secretTooLarge", { file, max: "64 KiB" });
}

/** At most SECRET_FILE_MAX_BYTES of what was read; more (a file that grew meanwhile) is refused. */
function boundedSecret(file: string, buffer: Buffer, length: number): Buffer {
  if (length > SECRET_FILE_MAX_BYTES) throw new UserError(ExitCode.usage, "file.secretTooLarge", { file, max: "64 KiB" });
  return buffer.subarray(0, length);
}

/**
 * A file holding a secret the user named (`--passphrase-file`, `--viewer-passphrase-file`, a
 * channel's `--secret-file`, `--password-file`, `--private-key-file`): opened without blocking and
 * read only if it is a regular file of at most 64 KiB. One line naming the file otherwise, exit 2:
 * missing or unreadable, not a regular file (a folder, device or named pipe, which would hang the
 * command), or larger (no secret is that long: the wrong file).
 */
export async function readSecretFile(file: string): Promise<Buffer> {
  let handle: FileHandle;
  try {
    handle = await open(file, SECRET_FLAGS);
  } catch (error) {
    throw unreadableFile(file, error) ?? error;
  }
  try {
    checkSecretFile(file, await handle.stat());
    const buffer = Buffer.alloc(SECRET_FILE_MAX_BYTES + 1);
    let length = 0;
    for (let n = -1; n !== 0 && length < buffer.length; length += n) n = (await handle.read(buffer, length, buffer.length - length, length)).bytesRead;
    return boundedSecret(file, buffer, length);
  } catch (error) {
    throw unreadableFile(file, error) ?? error;
  } finally {
    await handle.close();
  }
}

/** `readSecretFile` for code that must stay synchronous (a channel's `configure`). */
export function readSecretFileSync(file: string): Buffer {
  let fd: number;
  try {
    fd = openSync(file, SECRET_FLAGS);
  } catch (error) {
    throw unreadableFile(file, error) ?? error;
  }
  try {
    checkSecretFile(file, fstatSync(fd));
    const buffer = Buffer.alloc(SECRET_FILE_MAX_BYTES + 1);
    let length = 0;
    for (let n = -1; n !== 0 && length < buffer.length; length += n) n = readSync(fd, buffer, length, buffer.length - length, length);
    return boundedSecret(file, buffer, length);
  } catch (error) {
    throw unreadableFile(file, error) ?? error;
  } finally {
    closeSync(fd);
  }
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
