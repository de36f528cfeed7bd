/**
 * Content-addressed cache of processed media, encrypted at rest. The same exercise sent to thirty
 * clients is transcoded once; every later request decrypts the stored result.
 *
 * Entry file: `<dir>/<64 hex>.age`, an age v1 file to the practice recipient whose plaintext is
 * `u32 BE header length ‖ header JSON ‖ file bytes…`. The header holds the result facts (with
 * file names relative) and each file's role and size. The name is HMAC-SHA-256 under a key
 * derived from the practice identity (practice/keys.ts, purpose `media-cache-name`), over the
 * input's digest ‖ profile ‖ tool versions, where the digest is the same keyed hash over
 * SHA-256(input): without the identity nobody can tell which input a name belongs to, even holding
 * the input. The practice's keys compute it where they are held.
 *
 * Seen file: `<dir>/<64 hex>.seen` remembers an input's digest for the file as it lies on disk
 * (device, inode, size, modification and change time to the nanosecond; the name is the keyed
 * hash of those), so that sending the same long recording again does not read and hash it again
 * — the check git and rsync make. It is written only when the file did not change while it was
 * hashed and its times are at least SETTLED_MS old, so that a later change, even within one tick
 * of a coarse file-system clock, gives another change time. Only a clock set back or a file
 * system that keeps no change time could defeat it (docs/media.md).
 */
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, type BigIntStats } from "node:fs";
import { readFile, readdir, rm, stat } from "node:fs/promises";
import { extname, join } from "node:path";
import { buffer as collectBytes } from "node:stream/consumers";
import { pipeline } from "node:stream/promises";
import { decryptAge, encryptAge } from "../age/index.js";
import type { PracticeKeys } from "../practice/keys.js";
import { UserError } from "../errors.js";
import { ensurePrivateDir, writePrivateFile } from "../files.js";
import { withPrivateTemp } from "../temp.js";
import { AUDIO_OUTPUT_REVISION, normaliseAudioProfile, processAudio } from "./audio.js";
import { ffmpegVersionLater, findFfmpeg } from "./ffmpeg.js";
import { checkInput, outputPath, placeOutput, sha256File } from "./files.js";
import { loadSharp, normalisePhotoProfile, processPhoto } from "./photo.js";
import type { AudioEvents, AudioProfile, PhotoProfile, ProcessedAudio, ProcessedImage, ProcessedPhoto } from "./types.js";

const FORMAT = "nachklang-media-cache/1";
const ENTRY = /^[0-9a-f]{64}\.age$/;
const SEEN = /^[0-9a-f]{64}\.seen$/;
/** How old a file's times must be before its digest is remembered (above FAT's 2 s clock). */
const SETTLED_MS = 3000;
const TOOLS = "ffmpeg.version";

export interface MediaCacheOptions {
  /** Cache folder, e.g. `<home>/cache/media` (created 0700). */
  readonly dir: string;
  /** The practice's keys: entries are sealed to its recipient, opened with its identity, named by its keyed hash. */
  readonly keys: Pick<PracticeKeys, "ageRecipient" | "identity" | "keyedHashes">;
  /** For tests: how old an input's times must be before its digest is remembered (default 3 s). */
  readonly settledMs?: number;
}

interface StoredFile {
  readonly role: "main" | "thumbnail";
  readonly ext: string;
  readonly size: number;
  readonly sha256: string;
}
interface EntryHeader {
  readonly format: typeof FORMAT;
  readonly kind: "photo" | "audio";
  /** The result with `file` fields removed (they depend on where the caller wants the output). */
  readonly result: Record<string, unknown>;
  readonly files: readonly StoredFile[];
}

let toolVersionCache: { photo?: Promise<string>; audio?: Promise<string> } = {};
function toolVersions(kind: "photo" | "audio", dir: string): Promise<string> {
  if (kind === "photo") return (toolVersionCache.photo ??= loadSharp().then((sharp) => `sharp ${sharp.versions.sharp} vips ${sharp.versions.vips}`));
  return (toolVersionCache.audio ??= ffmpegVersionRemembered(dir).then((v) => `ffmpeg ${v}`));
}

/**
 * ffmpeg's version, remembered in `<dir>/ffmpeg.version` for the binary as it lies on disk: asking
 * ffmpeg takes longer (≈0.1 s) than a cached send needs for everything else but the start-up.
 * An upgrade replaces the binary, and with it its identity.
 */
async function ffmpegVersionRemembered(dir: string): Promise<string> {
  const path = findFfmpeg().ffmpegPath;
  const file = join(dir, TOOLS);
  const binary = await stat(path, { bigint: true }).catch(() => undefined);
  if (binary === undefined) return ffmpegVersionLater(path);
  const identity = fileIdentity(binary);
  const remembered = await readFile(file, "utf8").then((text) => JSON.parse(text) as unknown, () => undefined);
  if (isRememberedVersion(remembered) && remembered.path === path && remembered.identity === identity) return remembered.version;
  const version = await ffmpegVersionLater(path);
  if (version !== "unknown" && settledBefore(binary, SETTLED_MS)) await remember(file, JSON.stringify({ path, identity, version }));
  return version;
}

function isRememberedVersion(value: unknown): value is { path: string; identity: string; version: string } {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.path === "string" && typeof v.identity === "string" && typeof v.version === "string" && v.version !== "";
}

/** For tests: forget the remembered tool versions (as after an upgrade). */
export function resetToolVersions(): void {
  toolVersionCache = {};
}

/**
 * A content-addressed cache of processed media. The key is the SHA-256 of the input bytes, the
 * normalised profile and the tool versions (sharp/libvips, ffmpeg); the entry (output bytes and
 * result facts) is age-encrypted to the practice recipient. File names are keyed hashes only.
 * `processPhoto`/`processAudio` behave exactly like the free functions of the same name (same
 * outputs, same errors, same output paths) and add `cached: true` when the result came from the
 * cache. A damaged, foreign or undecryptable entry counts as a miss and is replaced. Progress
 * on a hit jumps to 100.
 */
export class MediaCache {
  readonly dir: string;
  readonly #keys: MediaCacheOptions["keys"];
  readonly #settledMs: number;

  constructor(options: MediaCacheOptions) {
    this.dir = options.dir;
    this.#keys = options.keys;
    this.#settledMs = options.settledMs ?? SETTLED_MS;
  }

  /** The entry path for an input under a profile (the key as described above). */
  async entryPath(input: string, kind: "photo" | "audio", normalisedProfile: object): Promise<string> {
    // The tool's version is asked for while the input is looked at (ffmpeg starts in a child).
    const [tools, digest] = await Promise.all([toolVersions(kind, this.dir), this.#inputDigest(input)]);
    const material = JSON.stringify([FORMAT, kind, digest, normalisedProfile, tools]);
    return join(this.dir, (await this.#keyed(material)) + ".age");
  }

  /** The keyed digest of the input's bytes: remembered for the file as it lies on disk, else hashed. */
  async #inputDigest(input: string): Promise<string> {
    const before = await stat(input, { bigint: true });
    const seen = join(this.dir, (await this.#keyed(JSON.stringify([FORMAT, "seen", fileIdentity(before)]))) + ".seen");
    const remembered = await readFile(seen, "utf8").catch(() => "");
    if (/^[0-9a-f]{64}$/.test(remembered)) return remembered;
    const digest = await this.#keyed(JSON.stringify([FORMAT, "input", await sha256File(input)]));
    const after = await stat(input, { bigint: true });
    if (fileIdentity(after) === fileIdentity(before) && settledBefore(after, this.#settledMs)) await remember(seen, digest);
    return digest;
  }

  async #keyed(material: string): Promise<string> {
    const [hash] = await this.#keys.keyedHashes("media-cache-name", [new TextEncoder().encode(material)]);
    return Buffer.from(hash!).toString("hex");
  }

  async processPhoto(input: string, outDir: string, profile: PhotoProfile = {}, name?: string): Promise<ProcessedPhoto & { cached: boolean }> {
    const normalised = normalisePhotoProfile(profile);
    await checkInput(input, "photo");
    const entry = await this.entryPath(input, "photo", normalised);
    const hit = await this.#restore(entry, "photo", input, outDir, name);
    if (hit) return { ...(hit as unknown as ProcessedPhoto), cached: true };
    return withPrivateTemp(async (tmp) => {
      // Inside the cache's own folder the files have neutral names; #place gives the wanted one.
      const result = await processPhoto(input, tmp, profile, "photo");
      const files: { role: StoredFile["role"]; path: string }[] = [{ role: "main", path: result.file }];
      if (result.thumbnail) files.push({ role: "thumbnail", path: result.thumbnail.file });
      await this.#store(entry, "photo", result as unknown as Record<string, unknown>, files);
      return { ...(await this.#place(input, outDir, result as unknown as Record<string, unknown>, files, name)), cached: false } as unknown as ProcessedPhoto & { cached: boolean };
    }, "nachklang-cache-");
  }

  async processAudio(input: string, outDir: string, profile: AudioProfile = {}, events: AudioEvents = {}, name?: string): Promise<ProcessedAudio & { cached: boolean }> {
    const normalised = normaliseAudioProfile(profile);
    await checkInput(input, "audio");
    const entry = await this.entryPath(input, "audio", { ...normalised, revision: AUDIO_OUTPUT_REVISION });
    const hit = await this.#restore(entry, "audio", input, outDir, name);
    if (hit) {
      events.onProgress?.(100);
      return { ...(hit as unknown as ProcessedAudio), cached: true };
    }
    return withPrivateTemp(async (tmp) => {
      const result = await processAudio(input, tmp, profile, events, "audio");
      const files = [{ role: "main" as const, path: result.file }];
      await this.#store(entry, "audio", result as unknown as Record<string, unknown>, files);
      return { ...(await this.#place(input, outDir, result as unknown as Record<string, unknown>, files, name)), cached: false } as unknown as ProcessedAudio & { cached: boolean };
    }, "nachklang-cache-");
  }

  /** Remove every entry; returns how many were removed. */
  clear(): Promise<number> {
    return clearMediaCache(this.dir);
  }

  async #store(entry: string, kind: "photo" | "audio", result: Record<string, unknown>, files: readonly { role: StoredFile["role"]; path: string }[]): Promise<void> {
    const stored: StoredFile[] = [];
    for (const f of files) stored.push({ role: f.role, ext: extOf(f.path), size: (await stat(f.path)).size, sha256: await sha256File(f.path) });
    const header: EntryHeader = { format: FORMAT, kind, result: withoutFiles(result), files: stored };
    const json = Buffer.from(JSON.stringify(header));
    const length = Buffer.alloc(4);
    length.writeUInt32BE(json.length);
    async function* plaintext(): AsyncGenerator<Uint8Array> {
      yield length;
      yield json;
      for (const f of files) for await (const chunk of createReadStream(f.path)) yield chunk as Buffer;
    }
    const encrypted = await collectBytes(encryptAge(plaintext(), [this.#keys.ageRecipient]));
    await ensurePrivateDir(this.dir);
    await writePrivateFile(entry, encrypted);
  }

  /** Decrypt an entry into place; undefined on a miss (absent, damaged, other key, wrong kind). */
  async #restore(entry: string, kind: "photo" | "audio", input: string, outDir: string, name: string | undefined): Promise<Record<string, unknown> | undefined> {
    try {
      await stat(entry);
    } catch {
      return undefined;
    }
    try {
      return await withPrivateTemp(async (tmp) => {
        const plain = await decryptAge(createReadStream(entry), { identities: [this.#keys.identity] });
        const reader = plain[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
        let buffer: Buffer = Buffer.alloc(0);
        const need = async (n: number) => {
          while (buffer.length < n) {
            const next = await reader.next();
            if (next.done) throw new Error("cache entry truncated");
            buffer = Buffer.concat([buffer, next.value]);
          }
        };
        await need(4);
        const headerLength = buffer.readUInt32BE(0);
        if (headerLength > 1024 * 1024) throw new Error("cache entry header too large");
        await need(4 + headerLength);
        const header = JSON.parse(buffer.subarray(4, 4 + headerLength).toString("utf8")) as EntryHeader;
        buffer = buffer.subarray(4 + headerLength);
        if (header.format !== FORMAT || header.kind !== kind) throw new Error("cache entry of another kind");
        const files: { role: StoredFile["role"]; path: string }[] = [];
        for (const [i, f] of header.files.entries()) {
          const path = join(tmp, `${i}${f.ext}`);
          const out = createWriteStream(path, { mode: 0o600 });
          let remaining = f.size;
          // Hashed as it is written: the file is not read back.
          const digest = createHash("sha256");
          async function* slice(): AsyncGenerator<Buffer> {
            while (remaining > 0) {
              if (buffer.length === 0) {
                const next = await reader.next();
                if (next.done) throw new Error("cache entry truncated");
                buffer = next.value;
              }
              const take = Math.min(remaining, buffer.length);
              const piece = buffer.subarray(0, take);
              digest.update(piece);
              yield piece;
              buffer = buffer.subarray(take);
              remaining -= take;
            }
          }
          await pipeline(slice(), out);
          if (digest.digest("hex") !== f.sha256) throw new Error("cache entry hash mismatch");
          files.push({ role: f.role, path });
        }
        if (buffer.length > 0 || !(await reader.next()).done) throw new Error("cache entry has trailing data");
        return this.#place(input, outDir, header.result, files, name);
      }, "nachklang-cache-");
    } catch (error) {
      // A user-facing problem placing the output (e.g. it exists) is the caller's to see.
      if (error instanceof UserError) throw error;
      await rm(entry, { force: true });
      return undefined;
    }
  }

  /** Move the files to where the free function would have written them; fill in `file` fields. */
  async #place(input: string, outDir: string, result: Record<string, unknown>, files: readonly { role: StoredFile["role"]; path: string }[], name: string | undefined): Promise<Record<string, unknown>> {
    const placed: Record<string, unknown> = { ...withoutFiles(result) };
    const main = files.find((f) => f.role === "main");
    const thumb = files.find((f) => f.role === "thumbnail");
    if (!main) throw new Error("cache entry without main file");
    const mainDest = outputPath(input, outDir, extOf(main.path), name);
    const thumbDest = outputPath(input, outDir, ".thumb" + extOf(thumb?.path ?? ".jpg"), name);
    if (thumb) await placeOutput(thumb.path, thumbDest);
    try {
      await placeOutput(main.path, mainDest);
    } catch (error) {
      if (thumb) await rm(thumbDest, { force: true });
      throw error;
    }
    placed.file = mainDest;
    if (thumb && typeof result.thumbnail === "object" && result.thumbnail !== null) {
      placed.thumbnail = { ...(result.thumbnail as ProcessedImage), file: thumbDest };
    }
    return placed;
  }
}

/**
 * Write down something remembered (a digest, a tool's version; writePrivateFile creates the
 * folder 0700). Only a shortcut: where it cannot be written, the next request does the work again.
 */
async function remember(file: string, text: string): Promise<void> {
  await writePrivateFile(file, text).catch(() => undefined);
}

/** A file as it lies on disk: the same file unchanged has the same identity. */
function fileIdentity(s: BigIntStats): string {
  return [s.dev, s.ino, s.size, s.mtimeNs, s.ctimeNs].join(":");
}

/** Both of the file's times lie at least `ms` in the past. */
function settledBefore(s: BigIntStats, ms: number): boolean {
  const limit = BigInt(Date.now() - ms) * 1_000_000n;
  return s.mtimeNs < limit && s.ctimeNs < limit;
}

function extOf(path: string): string {
  return extname(path).toLowerCase();
}

function withoutFiles(result: Record<string, unknown>): Record<string, unknown> {
  const { file: _file, ...rest } = result;
  if (typeof rest.thumbnail === "object" && rest.thumbnail !== null) {
    const { file: _thumbFile, ...thumb } = rest.thumbnail as Record<string, unknown>;
    rest.thumbnail = thumb;
  }
  if ("cached" in rest) delete rest.cached;
  return rest;
}

/** Where the media cache lives under the home's cache folder (`HomePaths.cache`). */
export function mediaCacheDir(cacheRoot: string): string {
  return join(cacheRoot, "media");
}

/** Remove every cache entry in `dir` (no keys needed); returns how many were removed. */
export async function clearMediaCache(dir: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    if (ENTRY.test(name)) {
      await rm(join(dir, name), { force: true });
      removed++;
    } else if (SEEN.test(name) || name === TOOLS || name.endsWith(".tmp")) {
      // Remembered digests and ffmpeg's version go with the entries; a .tmp is left over from a write that was
      // interrupted (writePrivateFile's temporary sibling).
      await rm(join(dir, name), { force: true });
    }
  }
  return removed;
}
