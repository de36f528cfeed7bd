/**
 * Sealing: items and a message become one bundle file `<bundle-id>.age` — an age v1 file whose
 * plaintext is a POSIX tar of `manifest.json`, its minisign signature and `items/…`
 * (docs/bundle-format.md). Streams end to end; the output appears atomically or not at all.
 */
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import tar from "tar-stream";
import { ExitCode, UserError } from "../errors.js";
import type { Lang } from "../messages/index.js";
import { encodePublicKey, sign, type MinisignSecretKey } from "./signature.js";
import { encryptAge, READ_CHUNK } from "./age.js";
import { newBundleId } from "./ids.js";
import { FORMAT_VERSION, manifestSchema, type ItemKind, type Manifest, type ManifestItem } from "./manifest.js";
import { ensurePrivateDir, syncFile } from "../practice/home.js";
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
    readonly signing: MinisignSecretKey;
  };
  /** Further age recipients besides the practice (the client's own `age1…`, if any). */
  readonly recipients?: readonly string[];
  /** Folder to write `<bundle-id>.age` into, or an exact file path with `outFile`. */
  readonly outDir?: string;
  readonly outFile?: string;
  readonly now?: Date;
}

export interface SealedBundle {
  readonly id: string;
  readonly path: string;
  readonly manifest: Manifest;
  readonly bytes: number;
}

const MIME_BY_EXTENSION: Readonly<Record<string, string>> = {
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".png": "image/png",
  ".webp": "image/webp",
  ".gif": "image/gif",
  ".heic": "image/heic",
  ".m4a": "audio/mp4",
  ".mp3": "audio/mpeg",
  ".ogg": "audio/ogg",
  ".opus": "audio/ogg",
  ".wav": "audio/wav",
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

/** A name that is safe on every file system and inside the tar: letters, digits, `._-`. */
export function safeItemName(name: string): string {
  const base = basename(name).normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  const cleaned = base.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[.-]+/, "").slice(-120);
  return cleaned.length > 0 ? cleaned : "item";
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

async function hashFile(file: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: READ_CHUNK })) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new UserError(ExitCode.usage, "file.missing", { file }, { cause: error });
    throw new UserError(ExitCode.usage, "file.unreadable", { file, reason: code ?? String(error) }, { cause: error });
  }
  return { sha256: hash.digest("hex"), size };
}

export function trustedComment(manifest: Manifest): string {
  const seconds = Math.floor(Date.parse(manifest.created) / 1000);
  return `timestamp:${seconds}\tfile:manifest.json\thashed\tbundle:${manifest.id}`;
}

/** Seal a follow-up. Throws UserError for missing or unreadable input files (exit 2). */
export async function sealBundle(request: SealRequest): Promise<SealedBundle> {
  const now = request.now ?? new Date();
  const id = newBundleId(now);
  const names = uniqueNames(request.items);
  const manifestItems: ManifestItem[] = [];
  for (const [i, item] of request.items.entries()) {
    const { sha256, size } = await hashFile(item.file);
    manifestItems.push({
      path: `items/${names[i]!}`,
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
  const publicKeyLine = encodePublicKey(request.practice.signing).split("\n")[1]!;
  const manifest = manifestSchema.parse({
    format: "nachklang-bundle",
    version: FORMAT_VERSION,
    id,
    created: now.toISOString(),
    practice: {
      ...(request.practice.name !== undefined ? { name: request.practice.name } : {}),
      keyId: request.practice.keyId,
      minisignPublicKey: publicKeyLine,
      ageRecipient: request.practice.ageRecipient,
    },
    client: request.client,
    lang: request.lang,
    message: request.message,
    items: manifestItems,
  } satisfies Manifest);
  const manifestBytes = Buffer.from(JSON.stringify(manifest, null, 2) + "\n", "utf8");
  const signature = Buffer.from(sign(request.practice.signing, manifestBytes, trustedComment(manifest)), "utf8");

  const path = request.outFile ?? join(request.outDir ?? ".", `${id}.age`);
  if (request.outFile === undefined) await ensurePrivateDir(request.outDir ?? ".");
  // An exact --out path: create missing folders (0700), but leave an existing one's mode alone.
  else await mkdir(dirname(request.outFile), { recursive: true, mode: 0o700 });
  const partial = `${path}.partial`;
  const pack = tar.pack();
  const mtime = now;
  const writeEntries = async () => {
    const small = (name: string, data: Buffer) =>
      new Promise<void>((resolve, reject) => pack.entry({ name, size: data.length, mode: 0o644, mtime }, data, (e) => (e ? reject(e) : resolve())));
    await small("manifest.json", manifestBytes);
    await small("manifest.json.minisig", signature);
    for (const [i, item] of request.items.entries()) {
      const declared = manifestItems[i]!;
      // tar-stream's streams are streamx streams, which node's `pipeline` cannot await: use the
      // entry callback. A file that changed since it was hashed fails on the size mismatch.
      await new Promise<void>((resolve, reject) => {
        const entry = pack.entry({ name: declared.path, size: declared.size, mode: 0o644, mtime }, (e) => (e ? reject(e) : resolve()));
        const input = createReadStream(item.file, { highWaterMark: READ_CHUNK });
        input.on("error", (e) => {
          entry.destroy(e);
          reject(e);
        });
        input.pipe(entry);
      });
    }
    pack.finalize();
  };
  const recipients = [request.practice.ageRecipient, ...(request.recipients ?? [])];
  const output = createWriteStream(partial, { flags: "wx", mode: 0o600, highWaterMark: READ_CHUNK });
  trackTemp(partial);
  try {
    const writing = writeEntries().catch((error: unknown) => {
      pack.destroy(error as Error);
      throw error;
    });
    await Promise.all([writing, pipeline(encryptAge(pack as unknown as AsyncIterable<Uint8Array>, recipients), output)]);
    await syncFile(partial);
    await rename(partial, path);
  } catch (error) {
    output.destroy();
    await rm(partial, { force: true });
    throw error;
  } finally {
    untrackTemp(partial);
  }
  return { id, path, manifest, bytes: (await stat(path)).size };
}
