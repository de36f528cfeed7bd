/**
 * The home folder: one place for config, keyring, client registry, outbox, archive, ledger and
 * caches. Folders are 0700 and files 0600; nothing in it names a client in plain text.
 */
import { chmod, mkdir, stat, rename, open, rm, link, type FileHandle } from "node:fs/promises";
import { homedir, platform } from "node:os";
import { dirname, join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { ExitCode, UserError } from "../errors.js";

export interface HomePaths {
  readonly root: string;
  readonly keyring: string;
  readonly clients: string;
  readonly outbox: string;
  readonly archive: string;
  readonly handoff: string;
  readonly ledger: string;
  readonly cache: string;
  readonly templates: string;
}

/** `--home`, else NACHKLANG_HOME, else the platform's data folder. */
export function resolveHome(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (option) return resolve(option);
  if (env.NACHKLANG_HOME) return resolve(env.NACHKLANG_HOME);
  const home = homedir();
  switch (platform()) {
    case "darwin":
      return join(home, "Library", "Application Support", "nachklang");
    case "win32":
      return join(env.APPDATA ?? join(home, "AppData", "Roaming"), "nachklang");
    default:
      return join(env.XDG_DATA_HOME ?? join(home, ".local", "share"), "nachklang");
  }
}

export function homePaths(root: string): HomePaths {
  return {
    root,
    keyring: join(root, "keyring.age"),
    clients: join(root, "clients.age"),
    outbox: join(root, "outbox"),
    archive: join(root, "archive"),
    handoff: join(root, "handoff"),
    ledger: join(root, "ledger"),
    cache: join(root, "cache"),
    templates: join(root, "templates"),
  };
}

/** Create a folder (and its parents) private to this user. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
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
 * Write a file atomically with mode 0600: a temporary sibling, fsync, then rename — or, with
 * `exclusive`, a hard link, which fails atomically when something is already there (no race
 * between checking and writing). A crash leaves the old or the new content, never half a file.
 */
export async function writePrivateFile(path: string, data: Uint8Array | string, options: { exclusive?: boolean } = {}): Promise<void> {
  // Missing folders are created 0700; an existing folder keeps its mode (it may be the user's
  // current folder, e.g. for `keys export --minisign practice.pub`).
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  const handle = await open(tmp, "wx", 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  if (!options.exclusive) {
    await rename(tmp, path);
    return;
  }
  try {
    await link(tmp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") throw new UserError(ExitCode.usage, "file.exists", { file: path });
    throw error;
  } finally {
    await rm(tmp, { force: true });
  }
}

/** Flush a written file to disk (before it is renamed into place). */
export async function syncFile(path: string): Promise<void> {
  const handle = await open(path, "r+");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Write all of `data` at `position` (default: the handle's current position), however many
 * calls it takes: a single write may be partial.
 */
export async function writeFully(handle: FileHandle, data: Uint8Array, position?: number): Promise<void> {
  let offset = 0;
  while (offset < data.byteLength) {
    const at = position === undefined ? null : position + offset;
    const { bytesWritten } = await handle.write(data, offset, data.byteLength - offset, at);
    offset += bytesWritten;
  }
}

/** What is left of `pieces` once their first `written` bytes are written. */
export function unwritten(pieces: readonly Uint8Array[], written: number): Uint8Array[] {
  const left = [...pieces];
  while (written > 0 && left.length > 0) {
    const first = left[0]!;
    if (written >= first.byteLength) {
      written -= first.byteLength;
      left.shift();
    } else {
      left[0] = first.subarray(written);
      written = 0;
    }
  }
  return left.filter((piece) => piece.byteLength > 0);
}

/** Write all of `pieces`, in order, at the file's position: one `writev` for all, more only if it falls short. */
export async function writevFully(handle: FileHandle, pieces: readonly Uint8Array[]): Promise<void> {
  let left = unwritten(pieces, 0);
  while (left.length > 0) {
    const { bytesWritten } = await handle.writev(left);
    left = unwritten(left, bytesWritten);
  }
}
