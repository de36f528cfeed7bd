/**
 * The media pipeline's public types. The pipeline takes a *profile* (what the output should be)
 * and never knows about channels or clients; channels pick the profile.
 */
import type { MessageKey, MessageParams } from "../messages/index.js";

/**
 * Photos prepared at once (a follow-up's, `media photo`'s, `seal`'s). sharp runs libvips on one
 * thread on glibc (no jemalloc), so a second photo keeps the second core busy: 20 photos of 12 MP
 * take about 0.55 of the time one at a time here (bench/media-photos.bench.js). Kept beside the
 * types so that a module can name it without loading the pipeline.
 */
export const PHOTOS_AT_ONCE = 2;

/** How a photo is prepared. Every field has a default; `{}` is a valid profile. */
export interface PhotoProfile {
  /** Longest edge in pixels; smaller images are never enlarged. Default 2048. */
  readonly maxEdge?: number;
  /** Output format. Default "jpeg". */
  readonly format?: "jpeg" | "webp";
  /** Encoder quality 1–100. Default 82 (JPEG) / 80 (WebP). */
  readonly quality?: number;
  /** Optional enhancement: "whiteboard" evens out background and lighting, raises contrast, sharpens strokes. */
  readonly enhance?: "whiteboard";
  /** Also produce a thumbnail (longest edge 512 px, JPEG). Default false. */
  readonly thumbnail?: boolean;
  /** Refuse inputs with more pixels than this, before decoding them. Default 100 000 000. */
  readonly maxPixels?: number;
}

/** One written image file. `file` is an absolute path; `sha256` is lower-case hex of its bytes. */
export interface ProcessedImage {
  readonly file: string;
  readonly mime: "image/jpeg" | "image/webp";
  readonly width: number;
  readonly height: number;
  readonly bytes: number;
  readonly sha256: string;
}

export interface ProcessedPhoto extends ProcessedImage {
  /** Present exactly when the profile asked for a thumbnail. */
  readonly thumbnail?: ProcessedImage;
}

/** How an audio recording is prepared. Every field has a default; `{}` is a valid profile. */
export interface AudioProfile {
  /** "m4a" = AAC-LC in MPEG-4 (default, plays everywhere); "opus" = Opus in Ogg (`.ogg`). */
  readonly format?: "m4a" | "opus";
  /** Bitrate in kbit/s. Default 64 (AAC) / 40 (Opus). */
  readonly bitrateKbps?: number;
  /** Integrated loudness target in LUFS. Default −16. */
  readonly targetLufs?: number;
  /** Ceiling for the (estimated) true peak in dBTP. Default −1.5. */
  readonly maxTruePeakDb?: number;
  /** Cut leading and trailing silence (below −50 dBFS for at least 0.5 s). Default false. */
  readonly trimSilence?: boolean;
  /** Refuse longer recordings. Default 5400 s (90 minutes). */
  readonly maxDurationSeconds?: number;
  /** Digital silence or near-silence: "warn" (default; encoded without gain, with a warning) or "refuse". */
  readonly silence?: "warn" | "refuse";
  /** Measure the output's loudness once more (an extra ebur128 pass) and report `outputLufs`. Default false. */
  readonly verify?: boolean;
}

/** A non-fatal finding, as a catalogue key the CLI prints in the user's language. */
export interface MediaWarning {
  readonly key: MessageKey;
  readonly params: MessageParams;
}

export interface Loudness {
  /** Integrated loudness of the (mono) input, LUFS (ebur128). −70 means silence. */
  readonly inputLufs: number;
  /** Integrated loudness of the output, measured only when `profile.verify`. */
  readonly outputLufs?: number;
  /** Estimated true peak of the output in dBTP (never above the profile's ceiling; −70 at most for silence). */
  readonly truePeak: number;
  /** The gain applied, in dB (0 for silence). */
  readonly gainDb: number;
}

export interface ProcessedAudio {
  readonly file: string;
  readonly mime: "audio/mp4" | "audio/ogg";
  readonly durationSeconds: number;
  readonly bytes: number;
  readonly sha256: string;
  readonly loudness: Loudness;
  readonly warnings: readonly MediaWarning[];
}

export interface AudioEvents {
  /** 0–100, increasing; called at most a few times a second. */
  onProgress?(percent: number): void;
}

/** What `describeFfmpeg()` found, for `nachklang doctor`. */
export interface FfmpegInfo {
  readonly ffmpegPath: string;
  readonly ffprobePath: string;
  /** ffmpeg's version string, e.g. "5.1.9-0+deb12u1". */
  readonly version: string;
  readonly source: "env" | "config" | "path" | "bundled";
  /** True for the 2018 static build shipped in @ffmpeg-installer/ffmpeg (or any ffmpeg before 5). */
  readonly old: boolean;
}
