import type { MessageKey, MessageParams } from "../messages/index.js";
import type { FfmpegInfo } from "./types.js";

/** One doctor finding, shaped like a channel `HealthReport` line. */
export interface DoctorLine {
  readonly key: MessageKey;
  readonly params?: MessageParams;
  readonly ok: boolean;
}

/**
 * Which ffmpeg/ffprobe the pipeline uses (FFMPEG_PATH/FFPROBE_PATH, then config keys
 * `ffmpegPath`/`ffprobePath`, then PATH, then the bundled npm builds) and ffmpeg's version.
 * Throws `UserError(media.ffmpeg.missing)` when none is found.
 */
export async function describeFfmpeg(config?: { ffmpegPath?: string; ffprobePath?: string }): Promise<FfmpegInfo> {
  await Promise.resolve();
  throw new Error(`not implemented yet ${JSON.stringify(config)}`);
}

/** Doctor lines for the media pipeline: ffmpeg (which, version, old build warning), ffprobe, sharp/libvips, HEIC support. Never throws. */
export async function mediaDoctorLines(config?: { ffmpegPath?: string; ffprobePath?: string }): Promise<DoctorLine[]> {
  await Promise.resolve();
  throw new Error(`not implemented yet ${JSON.stringify(config)}`);
}
