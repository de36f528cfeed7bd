/** What `nachklang doctor` says about the media tools. */
import type { MessageKey, MessageParams } from "../messages/index.js";
import { isUserError } from "../errors.js";
import { ffmpegBanner, findFfmpeg, isOldFfmpeg, useFfmpegConfig } from "./ffmpeg.js";
import { heicDecoderStatus } from "./heic.js";
import { loadSharp } from "./photo.js";
import type { FfmpegInfo } from "./types.js";

/** One doctor finding, shaped like a channel `HealthReport` line. */
export interface DoctorLine {
  readonly key: MessageKey;
  readonly params?: MessageParams;
  readonly ok: boolean;
  /** A warning rather than a failure (the old bundled ffmpeg works, but should be replaced). */
  readonly optional?: boolean;
}

/**
 * Which ffmpeg/ffprobe the pipeline uses (FFMPEG_PATH/FFPROBE_PATH, then config keys
 * `ffmpegPath`/`ffprobePath` — passed here or earlier through `useFfmpegConfig` — then PATH,
 * then the bundled npm builds) and ffmpeg's version. Throws `UserError(media.ffmpeg.missing)`
 * when none is found.
 */
export async function describeFfmpeg(config?: { ffmpegPath?: string; ffprobePath?: string }): Promise<FfmpegInfo> {
  if (config) useFfmpegConfig(config);
  await Promise.resolve();
  const found = findFfmpeg();
  const { version, year } = ffmpegBanner(found.ffmpegPath);
  return { ...found, version, old: isOldFfmpeg(version, year) || (year === undefined && found.source === "bundled") };
}

/** Doctor lines for the media pipeline: ffmpeg (which, version, old-build warning), ffprobe, sharp/libvips and the HEIC decoder. Never throws. */
export async function mediaDoctorLines(config?: { ffmpegPath?: string; ffprobePath?: string }): Promise<DoctorLine[]> {
  const lines: DoctorLine[] = [];
  try {
    const info = await describeFfmpeg(config);
    lines.push(
      info.old
        ? { key: "media.doctor.ffmpegOld", params: { version: info.version, path: info.ffmpegPath }, ok: false, optional: true }
        : { key: "media.doctor.ffmpeg", params: { version: info.version, source: info.source, path: info.ffmpegPath }, ok: true },
    );
    lines.push({ key: "media.doctor.ffprobe", params: { path: info.ffprobePath }, ok: true });
  } catch (error) {
    if (!isUserError(error)) throw error;
    lines.push({ key: error.key, params: error.params, ok: false });
  }
  const sharp = await loadSharp();
  lines.push({ key: "media.doctor.sharp", params: { sharp: sharp.versions.sharp ?? "?", vips: sharp.versions.vips }, ok: true });
  const heic = await heicDecoderStatus();
  lines.push(heic.ok ? { key: "media.doctor.heic", params: { version: heic.version }, ok: true } : { key: "media.doctor.heicBroken", params: { reason: heic.reason }, ok: false });
  return lines;
}
