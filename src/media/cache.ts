/**
 * Content-addressed cache of processed media, encrypted at rest. The same exercise sent to thirty
 * clients is transcoded once; every later request decrypts the stored result.
 *
 * Entry file: `<dir>/<64 hex>.age`, an age v1 file to the practice recipient whose plaintext is
 * `u32 BE header length ‖ header JSON ‖ file bytes…`. The header holds the result facts (with
 * file names relative) and each file's role and size. The name is HMAC-SHA-256 under a key
 * derived from the practice identity (practice/keys.ts, purpose `media-cache-name`), over
 * SHA-256(input) ‖ profile ‖ tool versions: without the identity nobody can tell which input a
 * name belongs to, even holding the input. The practice's keys compute it where they are held.
 */
import { createReadStream, createWriteStream } from "node:fs";
import { readdir, rm, stat } from "node:fs/promises";
import { extname, join } from "node:path";
import { buffer as collectBytes } from "node:stream/consumers";
import { pipeline } from "node:stream/promises";
import { decryptAge, encryptAge } from "../age/index.js";
import type { PracticeKeys } from "../practice/keys.js";
import { UserError } from "../errors.js";
import { ensurePrivateDir, writePrivateFile } from "../files.js";
import { withPrivateTemp } from "../temp.js";
import { normaliseAudioProfile, processAudio } from "./audio.js";
import { ffmpegVersionLater, findFfmpeg } from "./ffmpeg.js";
import { checkInput, outputPath, placeOutput, sha256File } from "./files.js";
import { loadSharp, normalisePhotoProfile, processPhoto } from "./photo.js";
import type { AudioEvents, AudioProfile, PhotoProfile, ProcessedAudio, ProcessedImage, ProcessedPhoto } from "./types.js";

const FORMAT = "nachklang-media-cache/1";
const ENTRY = /^[0-9a-f]{64}\.age$/;

export interface MediaCacheOptions {
  /** Cache folder, e.g. `<home>/cache/media` (created 0700). */
  readonly dir: string;
  /** The practice's keys: entries are sealed to its recipient, opened with its identity, named by its keyed hash. */
  readonly keys: Pick<PracticeKeys, "ageRecipient" | "identity" | "keyedHashes">;
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
function toolVersions(kind: "photo" | "audio"): Promise<string> {
  if (kind === "photo") return (toolVersionCache.photo ??= loadSharp().then((sharp) => `sharp ${sharp.versions.sharp} vips ${sharp.versions.vips}`));
  return (toolVersionCache.audio ??= ffmpegVersionLater(findFfmpeg().ffmpegPath).then((v) => `ffmpeg ${v}`));
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

  constructor(options: MediaCacheOptions) {
    this.dir = options.dir;
    this.#keys = options.keys;
  }

  /** The entry path for an input under a profile (the key as described above). */
  async entryPath(input: string, kind: "photo" | "audio", normalisedProfile: object): Promise<string> {
    // ffmpeg is asked for its version while the input is hashed.
    const [tools, inputHash] = await Promise.all([toolVersions(kind), sha256File(input)]);
    const material = JSON.stringify([FORMAT, kind, inputHash, normalisedProfile, tools]);
    const [name] = await this.#keys.keyedHashes("media-cache-name", [new TextEncoder().encode(material)]);
    return join(this.dir, Buffer.from(name!).toString("hex") + ".age");
  }

  async processPhoto(input: string, outDir: string, profile: PhotoProfile = {}): Promise<ProcessedPhoto & { cached: boolean }> {
    const normalised = normalisePhotoProfile(profile);
    await checkInput(input, "photo");
    const entry = await this.entryPath(input, "photo", normalised);
    const hit = await this.#restore(entry, "photo", input, outDir);
    if (hit) return { ...(hit as unknown as ProcessedPhoto), cached: true };
    return withPrivateTemp(async (tmp) => {
      const result = await processPhoto(input, tmp, profile);
      const files: { role: StoredFile["role"]; path: string }[] = [{ role: "main", path: result.file }];
      if (result.thumbnail) files.push({ role: "thumbnail", path: result.thumbnail.file });
      await this.#store(entry, "photo", result as unknown as Record<string, unknown>, files);
      return { ...(await this.#place(input, outDir, result as unknown as Record<string, unknown>, files)), cached: false } as unknown as ProcessedPhoto & { cached: boolean };
    }, "nachklang-cache-");
  }

  async processAudio(input: string, outDir: string, profile: AudioProfile = {}, events: AudioEvents = {}): Promise<ProcessedAudio & { cached: boolean }> {
    const normalised = normaliseAudioProfile(profile);
    await checkInput(input, "audio");
    const entry = await this.entryPath(input, "audio", normalised);
    const hit = await this.#restore(entry, "audio", input, outDir);
    if (hit) {
      events.onProgress?.(100);
      return { ...(hit as unknown as ProcessedAudio), cached: true };
    }
    return withPrivateTemp(async (tmp) => {
      const result = await processAudio(input, tmp, profile, events);
      const files = [{ role: "main" as const, path: result.file }];
      await this.#store(entry, "audio", result as unknown as Record<string, unknown>, files);
      return { ...(await this.#place(input, outDir, result as unknown as Record<string, unknown>, files)), cached: false } as unknown as ProcessedAudio & { cached: boolean };
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
  async #restore(entry: string, kind: "photo" | "audio", input: string, outDir: string): Promise<Record<string, unknown> | undefined> {
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
          async function* slice(): AsyncGenerator<Buffer> {
            while (remaining > 0) {
              if (buffer.length === 0) {
                const next = await reader.next();
                if (next.done) throw new Error("cache entry truncated");
                buffer = next.value;
              }
              const take = Math.min(remaining, buffer.length);
              yield buffer.subarray(0, take);
              buffer = buffer.subarray(take);
              remaining -= take;
            }
          }
          await pipeline(slice(), out);
          if ((await sha256File(path)) !== f.sha256) throw new Error("cache entry hash mismatch");
          files.push({ role: f.role, path });
        }
        if (buffer.length > 0 || !(await reader.next()).done) throw new Error("cache entry has trailing data");
        return this.#place(input, outDir, header.result, files);
      }, "nachklang-cache-");
    } catch (error) {
      // A user-facing problem placing the output (e.g. it exists) is the caller's to see.
      if (error instanceof UserError) throw error;
      await rm(entry, { force: true });
      return undefined;
    }
  }

  /** Move the files to where the free function would have written them; fill in `file` fields. */
  async #place(input: string, outDir: string, result: Record<string, unknown>, files: readonly { role: StoredFile["role"]; path: string }[]): Promise<Record<string, unknown>> {
    const placed: Record<string, unknown> = { ...withoutFiles(result) };
    const main = files.find((f) => f.role === "main");
    const thumb = files.find((f) => f.role === "thumbnail");
    if (!main) throw new Error("cache entry without main file");
    const mainDest = outputPath(input, outDir, extOf(main.path));
    const thumbDest = outputPath(input, outDir, ".thumb" + extOf(thumb?.path ?? ".jpg"));
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
    } else if (name.endsWith(".tmp")) {
      // Left over from a write that was interrupted (writePrivateFile's temporary sibling).
      await rm(join(dir, name), { force: true });
    }
  }
  return removed;
}
