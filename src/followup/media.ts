/**
 * The media pipeline behind the workflow's MediaPort: photos through sharp, audio through
 * ffmpeg, through the encrypted media cache when one is given. Each result gets its own
 * folder and a neutral file name there (`photo.jpg`, `audio.m4a`): the input's own name, often
 * a client's (`Genogramm_Mueller.jpg`), never appears in the temporary folders, not even in
 * what a killed process leaves behind until the next sweep (temp.ts).
 */
import { mkdtemp } from "node:fs/promises";
import { join } from "node:path";
import { processAudio, processPhoto, type AudioProfile, type MediaCache, type MediaWarning, type PhotoProfile } from "../media/index.js";
import type { MediaPort } from "./ports.js";

/** What a channel type gets. Every channel here carries JPEG and AAC (plays everywhere). */
export function photoProfile(_channelType: string): PhotoProfile {
  return { maxEdge: 2048, format: "jpeg" };
}

export function audioProfile(_channelType: string): AudioProfile {
  return { format: "m4a" };
}

export interface MediaPipelineOptions {
  /** The encrypted cache; without it every input is processed afresh. */
  readonly cache?: MediaCache;
  /** Non-fatal findings (e.g. an audio file that is silence), for the CLI to print. */
  readonly onWarning?: (warning: MediaWarning) => void;
}

export function mediaPipeline(options: MediaPipelineOptions = {}): MediaPort {
  const { cache } = options;
  return {
    async photo(input, outDir, channelType) {
      const dir = await mkdtemp(join(outDir, "photo-"));
      const profile = photoProfile(channelType);
      const r = cache ? await cache.processPhoto(input.path, dir, profile, "photo") : await processPhoto(input.path, dir, profile, "photo");
      return { file: r.file, kind: "photo", mime: r.mime, width: r.width, height: r.height, ...(input.caption === undefined ? {} : { caption: input.caption }) };
    },
    async audio(input, outDir, channelType) {
      const dir = await mkdtemp(join(outDir, "audio-"));
      const profile = audioProfile(channelType);
      const r = cache ? await cache.processAudio(input.path, dir, profile, {}, "audio") : await processAudio(input.path, dir, profile, {}, "audio");
      for (const w of r.warnings) options.onWarning?.(w);
      return {
        file: r.file,
        kind: "audio",
        mime: r.mime,
        durationSeconds: r.durationSeconds,
        ...(input.caption === undefined ? {} : { caption: input.caption }),
      };
    },
  };
}
