/**
 * Sealing: items and a message become one bundle file `<bundle-id>.age` — an age v1 file whose
 * plaintext is a POSIX tar of `manifest.json`, its minisign signature and `items/…`, in that
 * order (docs/bundle-format.md), so that a reader checks the signature before it writes an item.
 * Each input is therefore read twice: hashed for the manifest, then packed and hashed again —
 * an input that changed in between is refused. Streams end to end; the output appears
 * atomically or not at all.
 */
import { createHash, randomBytes } from "node:crypto";
import { open as openFile, rm, type FileHandle } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import tar from "tar-stream";
import { encryptAge } from "../age/index.js";
import { ExitCode, UserError, unreadableFile, unwritableFile } from "../errors.js";
import type { Lang } from "../messages/index.js";
import { encodePublicKey, sign, signWith, type MinisignSecretKey, type MinisignSigner } from "./signature.js";
import { nodeEd25519 } from "./ed25519-node.js";
import { newBundleId } from "./ids.js";
import { FORMAT_VERSION, MAX_ITEMS, MAX_ITEM_NAME, manifestSchema, recipientFingerprint, type ItemKind, type Manifest, type ManifestItem } from "./manifest.js";
import { NAMED_READ_FLAGS, ensurePrivateDir, hashOpenFile, makeDirs, placeWithoutOverwriting } from "../files.js";
import { trackTemp, untrackTemp } from "../temp.js";

export interface SealItem {
  /** The file on disk, sealed as it is. */
  readonly file: string;
  /** Name inside the bundle (default: the file's base name), made safe and unique. */
  readonly name?: string;
  readonly kind: ItemKind;
  readonly mime: string;
  readonly caption?: string;
  readonly durationSeconds?: number;
  readonly width?: number;
  readonly height?: number;
}

export interface SealRequest {
  readonly items: readonly SealItem[];
  readonly message: string;
  readonly client: string;
  readonly lang: Lang;
  readonly practice: {
    readonly name?: string;
    readonly ageRecipient: string;
    readonly keyId: string;
    /** The signing key held here, or a signer that holds it elsewhere (the agent). */
    readonly signing: MinisignSecretKey | MinisignSigner;
  };
  /** Further age recipients besides the practice (the client's own `age1…`, if any). */
  readonly recipients?: readonly string[];
  /** Folder to write `<bundle-id>.age` into, or an exact file path with `outFile`. */
  readonly outDir?: string;
  readonly outFile?: string;
  /**
   * Flush the bundle to the disk before it appears under its name (default). `seal --out FILE`
   * turns this off, as `age -o` and other file tools do: that file is the user's, not a queued
   * delivery; after a crash it could be damaged, and opening would refuse it (exit 5).
   */
  readonly durable?: boolean;
  readonly now?: Date;
}

export interface SealedBundle {
  readonly id: string;
  readonly path: string;
  readonly manifest: Manifest;
  readonly bytes: number;
  /** SHA-256 of the bundle file, taken as it was written. */
  readonly sha256: string;
}

/** Read size for item files: large reads keep per-piece stream overhead low. */
const READ_CHUNK = 1024 * 1024;

const MIME_BY_EXTENSION: Readonly<Record<string, string>> = {
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  // What browsers (JFIF) and older cameras name JPEGs.
  ".jfif": "image/jpeg",
  ".jpe": "image/jpeg",
  ".jif": "image/jpeg",
  ".png": "image/png",
  ".webp": "image/webp",
  ".gif": "image/gif",
  ".heic": "image/heic",
  ".heif": "image/heif",
  // Scanners and cameras write TIFF, newer phones AVIF (EXIF, GPS and all): photos, prepared like the rest.
  ".tif": "image/tiff",
  ".tiff": "image/tiff",
  ".avif": "image/avif",
  ".m4a": "audio/mp4",
  ".mp3": "audio/mpeg",
  ".ogg": "audio/ogg",
  ".opus": "audio/ogg",
  ".wav": "audio/wav",
  // What voice recorders and phones write besides: recordings with tags, prepared like the rest.
  ".flac": "audio/flac",
  ".aac": "audio/aac",
  ".aif": "audio/aiff",
  ".aiff": "audio/aiff",
  ".amr": "audio/amr",
  ".caf": "audio/x-caf",
  ".m4b": "audio/mp4",
  ".pdf": "application/pdf",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
  ".ics": "text/calendar; charset=utf-8",
  ".html": "text/html; charset=utf-8",
};

/** MIME type and item kind of a file sealed as it is, from its extension. */
export function describeFile(file: string): { mime: string; kind: ItemKind } {
  const mime = MIME_BY_EXTENSION[extname(file).toLowerCase()] ?? "application/octet-stream";
  const kind: ItemKind = mime.startsWith("image/") ? "photo" : mime.startsWith("audio/") ? "audio" : "file";
  return { mime, kind };
}

/** Room left in a name for the `-<n>` that makes it unique. */
const SAFE_NAME_LENGTH = MAX_ITEM_NAME - 8;

/**
 * A name in the documented set (manifest.ts `isItemName`): letters, digits, `._-`, not starting
 * with `.` or `-`, not ending with `.`, not a device name Windows reserves, short enough.
 */
export function safeItemName(name: string): string {
  const base = basename(name).normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  const cleaned = base
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .slice(-SAFE_NAME_LENGTH)
    .replace(/^[.-]+/, "")
    .replace(/\.+$/, "");
  if (cleaned.length === 0) return "item";
  return /^(?:con|prn|aux|nul|com[0-9]|lpt[0-9])(?:\..*)?$/i.test(cleaned) ? `item-${cleaned}`.slice(0, SAFE_NAME_LENGTH) : cleaned;
}

function uniqueNames(items: readonly SealItem[]): string[] {
  const seen = new Set<string>();
  return items.map((item) => {
    const wanted = safeItemName(item.name ?? item.file);
    const ext = extname(wanted);
    const stem = wanted.slice(0, wanted.length - ext.length);
    let name = wanted;
    for (let n = 2; seen.has(name.toLowerCase()); n++) name = `${stem}-${n}${ext}`;
    seen.add(name.toLowerCase());
    return name;
  });
}

function unreadable(file: string, error: unknown): UserError {
  return unreadableFile(file, error) ?? new UserError(ExitCode.usage, "file.unreadable", { file, reason: String(error) }, { cause: error });
}

/** A file changed while it was being sealed (its size or content no longer matches the manifest). */
function changed(file: string): UserError {
  return new UserError(ExitCode.usage, "file.changed", { file });
}

/** An input file, opened and checked to be a regular file. */
async function openInput(file: string): Promise<{ handle: FileHandle; size: number }> {
  let handle: FileHandle | undefined;
  try {
    // Without blocking: a named pipe is refused below instead of waited on.
    handle = await openFile(file, NAMED_READ_FLAGS);
    const info = await handle.stat();
    if (!info.isFile()) throw new UserError(ExitCode.usage, "file.notRegular", { file });
    return { handle, size: info.size };
  } catch (error) {
    await handle?.close();
    throw error instanceof UserError ? error : unreadable(file, error);
  }
}

/** The size and SHA-256 of an input file, for the manifest (the first reading pass). */
async function hashFile(file: string): Promise<{ sha256: string; size: number }> {
  const { handle, size } = await openInput(file);
  let read;
  try {
    read = await hashOpenFile(handle);
  } catch (error) {
    throw unreadable(file, error);
  } finally {
    await handle.close();
  }
  if (read.size !== size) throw changed(file);
  return read;
}

/**
 * Write one input file into a tar entry of the size the manifest names, hashing the bytes
 * packed: an input whose size or content is no longer what the manifest says is refused.
 */
async function packFile(pack: tar.Pack, file: string, name: string, mtime: Date, expected: { sha256: string; size: number }): Promise<void> {
  const { handle, size } = await openInput(file);
  if (size !== expected.size) {
    await handle.close();
    throw changed(file);
  }
  const hash = createHash("sha256");
  // tar-stream's streams are streamx streams, which node's `pipeline` cannot await: use the
  // entry's callback. Sizes are checked here, before tar-stream would see a mismatch.
  let entry!: ReturnType<tar.Pack["entry"]>;
  const finished = new Promise<void>((resolve, reject) => {
    entry = pack.entry({ name, size, mode: 0o644, mtime }, (error) => (error ? reject(error) : resolve()));
  });
  finished.catch(() => {});
  try {
    let total = 0;
    const reading = handle.createReadStream({ highWaterMark: READ_CHUNK, autoClose: false });
    try {
      for await (const chunk of reading as AsyncIterable<Buffer>) {
        total += chunk.length;
        if (total > size) throw changed(file);
        hash.update(chunk);
        if (!entry.write(chunk)) await drained(entry);
        // The output failed (the pack was destroyed): stop reading.
        if (entry.destroyed) throw new Error("bundle output closed");
      }
    } catch (error) {
      entry.destroy();
      throw error instanceof UserError || (error instanceof Error && error.message === "bundle output closed") ? error : unreadable(file, error);
    }
    if (total !== size || hash.digest("hex") !== expected.sha256) {
      entry.destroy();
      throw changed(file);
    }
    entry.end(undefined);
    await finished;
  } finally {
    await handle.close();
  }
}

/** All of `pieces`, in order, at the file's position: a single write may fall short. */
async function writeAll(file: FileHandle, pieces: Buffer[]): Promise<void> {
  let left = pieces;
  while (left.length > 0) {
    let { bytesWritten } = await file.writev(left);
    while (bytesWritten > 0 && left.length > 0) {
      const first = left[0]!;
      if (bytesWritten >= first.length) {
        bytesWritten -= first.length;
        left = left.slice(1);
      } else {
        left = [first.subarray(bytesWritten), ...left.slice(1)];
        bytesWritten = 0;
      }
    }
  }
}

/** Until a tar entry wants more (or is gone). */
function drained(entry: ReturnType<tar.Pack["entry"]>): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      entry.off("drain", done);
      entry.off("close", done);
      resolve();
    };
    entry.on("drain", done);
    entry.on("close", done);
  });
}

export function trustedComment(manifest: Manifest): string {
  const seconds = Math.floor(Date.parse(manifest.created) / 1000);
  return `timestamp:${seconds}\tfile:manifest.json\thashed\tbundle:${manifest.id}`;
}

/** Seal a follow-up. Throws UserError for missing or unreadable input files (exit 2). */
export async function sealBundle(request: SealRequest): Promise<SealedBundle> {
  const now = request.now ?? new Date();
  const id = newBundleId(now);
  if (request.items.length > MAX_ITEMS) throw new UserError(ExitCode.usage, "seal.tooManyItems", { count: request.items.length, max: MAX_ITEMS });
  const names = uniqueNames(request.items);
  const path = request.outFile ?? join(request.outDir ?? ".", `${id}.age`);
  // A name of its own: a run killed outright leaves its (encrypted) partial file, which must not
  // block the next run to the same place, and neither must a run beside it.
  const partial = `${path}.${randomBytes(4).toString("hex")}.partial`;
  // The output's problems (not a folder, no permission, a full disk) are one line naming it.
  const outputError = (error: unknown) => (error instanceof UserError ? error : (unwritableFile(path, error) ?? error));
  const recipients = [request.practice.ageRecipient, ...(request.recipients ?? [])];
  // Everything but the items is checked before any input is read.
  const skeleton = manifestSchema.parse({
    format: "nachklang-bundle",
    version: FORMAT_VERSION,
    id,
    created: now.toISOString(),
    practice: {
      ...(request.practice.name !== undefined ? { name: request.practice.name } : {}),
      keyId: request.practice.keyId,
      minisignPublicKey: encodePublicKey(request.practice.signing).split("\n")[1]!,
      ageRecipient: request.practice.ageRecipient,
    },
    recipients: [...new Set(recipients.map(recipientFingerprint))],
    client: request.client,
    lang: request.lang,
    message: request.message,
    items: [],
  } satisfies Manifest);
  const pack = tar.pack();
  const mtime = now;
  let manifest: Manifest | undefined;

  // The manifest and its signature first, then the items (docs/bundle-format.md): the inputs are
  // hashed for the manifest, then packed and hashed again.
  const writeEntries = async (): Promise<void> => {
    const manifestItems: ManifestItem[] = [];
    for (const [i, item] of request.items.entries()) {
      const path = `items/${names[i]!}`;
      const { sha256, size } = await hashFile(item.file);
      manifestItems.push({
        path,
        kind: item.kind,
        mime: item.mime,
        size,
        sha256,
        ...(item.caption !== undefined ? { caption: item.caption } : {}),
        ...(item.durationSeconds !== undefined ? { durationSeconds: item.durationSeconds } : {}),
        ...(item.width !== undefined ? { width: item.width } : {}),
        ...(item.height !== undefined ? { height: item.height } : {}),
      });
    }
    manifest = manifestSchema.parse({ ...skeleton, items: manifestItems } satisfies Manifest);
    const manifestBytes = Buffer.from(JSON.stringify(manifest, null, 2) + "\n", "utf8");
    const signing = request.practice.signing;
    const comment = trustedComment(manifest);
    const signature = Buffer.from("seed" in signing ? sign(signing, manifestBytes, comment, nodeEd25519) : await signWith(signing, manifestBytes, comment), "utf8");
    const small = (name: string, data: Buffer) =>
      new Promise<void>((resolve, reject) => pack.entry({ name, size: data.length, mode: 0o644, mtime }, data, (e) => (e ? reject(e) : resolve())));
    await small("manifest.json", manifestBytes);
    await small("manifest.json.minisig", signature);
    for (const [i, item] of request.items.entries()) await packFile(pack, item.file, manifestItems[i]!.path, mtime, manifestItems[i]!);
    pack.finalize();
  };

  let output: FileHandle | undefined;
  let sha256 = "";
  let bytes = 0;
  try {
    if (request.outFile === undefined) await ensurePrivateDir(request.outDir ?? ".");
    // An exact --out path: create missing folders (0700), but leave an existing one's mode alone.
    else await makeDirs(dirname(request.outFile), 0o700);
    output = await openFile(partial, "wx", 0o600);
  } catch (error) {
    throw outputError(error);
  }
  trackTemp(partial);
  try {
    const writing = writeEntries().catch((error: unknown) => {
      pack.destroy(error as Error);
      throw error;
    });
    const file = output;
    const sealing = (async () => {
      const hash = createHash("sha256");
      // Written in batches of about READ_CHUNK: the payload comes in 64 KiB chunks and their tags.
      let batch: Buffer[] = [];
      let batched = 0;
      const flush = async () => {
        await writeAll(file, batch);
        batch = [];
        batched = 0;
      };
      for await (const piece of encryptAge(pack as unknown as AsyncIterable<Uint8Array>, recipients)) {
        hash.update(piece);
        bytes += piece.length;
        batch.push(piece);
        batched += piece.length;
        if (batched >= READ_CHUNK) await flush();
      }
      await flush();
      return hash.digest("hex");
    })().catch((error: unknown) => {
      pack.destroy(error as Error);
      throw error;
    });
    // A failure on one side ends the other (the pack is destroyed): report the cause — the
    // input's problem (one line for the user), else the output's, else the input side's.
    const [read, sealed] = await Promise.allSettled([writing, sealing]);
    if (read.status === "rejected" && read.reason instanceof UserError) throw read.reason;
    if (sealed.status === "rejected") throw sealed.reason;
    if (read.status === "rejected") throw read.reason;
    if (request.durable ?? true) await output.sync();
    await output.close();
    output = undefined;
    await placeWithoutOverwriting(partial, path);
    if (sealed.status === "fulfilled") sha256 = sealed.value;
  } catch (error) {
    await output?.close().catch(() => {});
    await rm(partial, { force: true });
    throw outputError(error);
  } finally {
    untrackTemp(partial);
  }
  return { id, path, manifest: manifest!, bytes, sha256 };
}
