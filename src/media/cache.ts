import type { AudioEvents, AudioProfile, PhotoProfile, ProcessedAudio, ProcessedPhoto } from "./types.js";

export interface MediaCacheOptions {
  /** Cache folder, e.g. `<home>/cache/media` (created 0700). */
  readonly dir: string;
  /** The practice's age recipient (`age1…`): entries are encrypted to it at rest. */
  readonly recipient: string;
  /** The practice's age identity (`AGE-SECRET-KEY-1…`): decrypts entries and keys the file names. */
  readonly identity: string;
}

/**
 * A content-addressed cache of processed media. The key is the SHA-256 of the input bytes, the
 * normalised profile and the tool versions (sharp/libvips, ffmpeg); the entry (output bytes and
 * result facts) is age-encrypted to the practice recipient. File names are keyed hashes only
 * (HMAC with a key derived from the identity), so they reveal nothing about the input.
 * `processPhoto`/`processAudio` behave exactly like the free functions of the same name
 * (same outputs, same errors) and add `cached: true` when the result came from the cache.
 * A damaged or undecryptable entry is treated as a miss and replaced.
 */
export class MediaCache {
  readonly dir: string;
  readonly #recipient: string;
  readonly #identity: string;

  constructor(options: MediaCacheOptions) {
    this.dir = options.dir;
    this.#recipient = options.recipient;
    this.#identity = options.identity;
  }

  async processPhoto(input: string, outDir: string, profile: PhotoProfile = {}): Promise<ProcessedPhoto & { cached: boolean }> {
    await Promise.resolve();
    throw new Error(`not implemented yet ${input} ${outDir} ${JSON.stringify(profile)} ${this.#recipient.length} ${this.#identity.length}`);
  }

  async processAudio(input: string, outDir: string, profile: AudioProfile = {}, events: AudioEvents = {}): Promise<ProcessedAudio & { cached: boolean }> {
    await Promise.resolve();
    throw new Error(`not implemented yet ${input} ${outDir} ${JSON.stringify(profile)} ${typeof events}`);
  }

  /** Remove every entry; returns how many were removed. */
  clear(): Promise<number> {
    return clearMediaCache(this.dir);
  }
}

/** Remove every cache entry in `dir` (no keys needed); returns how many were removed. */
export async function clearMediaCache(dir: string): Promise<number> {
  await Promise.resolve();
  throw new Error(`not implemented yet ${dir}`);
}
