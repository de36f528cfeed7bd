/**
 * `nachklang media photo|audio`: run the media pipeline on files and write plain (unencrypted)
 * results where the user asks, for previewing and scripting. No practice or passphrase needed.
 */
import { join } from "node:path";
import { ExitCode, UserError, isUserError } from "../../errors.js";
import { PHOTOS_AT_ONCE, processAudio, processPhoto, useFfmpegConfig, type AudioProfile, type PhotoProfile, type ProcessedAudio, type ProcessedPhoto } from "../../media/index.js";
import { distinctOutputNames, placeOutput } from "../../media/files.js";
import { mapPool } from "../../pool.js";
import { withPrivateTemp } from "../../temp.js";
import type { CliContext } from "../context.js";

interface PhotoOptions {
  out: string;
  enhance?: "whiteboard";
  maxEdge?: string;
  format?: "jpeg" | "webp";
  thumbnail?: boolean;
}

interface AudioOptions {
  out: string;
  format?: "m4a" | "opus";
  trimSilence?: boolean;
}

function wholeNumber(option: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw new UserError(ExitCode.usage, "media.badNumber", { option, value, min, max });
  return n;
}

const kb = (bytes: number) => Math.max(1, Math.round(bytes / 1024));

export async function photo(ctx: CliContext, files: string[], opts: PhotoOptions): Promise<void> {
  const profile: PhotoProfile = {
    ...(opts.maxEdge !== undefined ? { maxEdge: wholeNumber("--max-edge", opts.maxEdge, 16, 16384) } : {}),
    ...(opts.format ? { format: opts.format } : {}),
    ...(opts.enhance ? { enhance: opts.enhance } : {}),
    ...(opts.thumbnail ? { thumbnail: true } : {}),
  };
  const results: ProcessedPhoto[] = [];
  const failures: UserError[] = [];
  // Two inputs of one base name (a/scan.png, b/scan.jpg) get distinct outputs (scan.jpg, scan-2.jpg).
  const names = distinctOutputNames(files);
  // Prepared two at a time (PHOTOS_AT_ONCE), told in the order given as soon as each is done.
  const outcomes = new Array<{ file: string; photo: ProcessedPhoto } | UserError | undefined>(files.length);
  let told = 0;
  const tell = () => {
    for (; told < files.length; told++) {
      const o = outcomes[told];
      if (o === undefined) return;
      if (isUserError(o)) {
        failures.push(o);
        ctx.out.warn(o.key, o.params);
        continue;
      }
      const r = o.photo;
      results.push(r);
      ctx.out.say("media.photo.done", { file: o.file, out: r.file, width: r.width, height: r.height, kb: kb(r.bytes) });
      if (r.thumbnail) ctx.out.say("media.photo.thumbDone", { out: r.thumbnail.file, width: r.thumbnail.width, height: r.thumbnail.height, kb: kb(r.thumbnail.bytes) });
    }
  };
  await mapPool(files, PHOTOS_AT_ONCE, async (file, i) => {
    try {
      outcomes[i] = { file, photo: await processPhoto(file, opts.out, profile, names[i]) };
    } catch (error) {
      if (!isUserError(error) || files.length === 1) throw error;
      outcomes[i] = error;
    }
    tell();
  });
  ctx.out.result({ photos: results, failed: failures.map((e) => ({ key: e.key, params: e.params, code: e.code, message: ctx.out.text(e.key, e.params) })) });
  if (failures.length > 0) {
    if (results.length > 0) ctx.out.warn("media.partial", { ok: results.length, total: files.length });
    // Some written: "partial". None: all failed for the same reason → that reason's code, else a failure.
    const codes = new Set(failures.map((e) => e.code));
    process.exitCode = results.length > 0 ? ExitCode.partial : codes.size === 1 ? [...codes][0]! : ExitCode.failure;
  }
}

function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/** A one-line progress bar on stderr when it is a terminal; nothing in scripts or --json. */
function progressBar(ctx: CliContext): { onProgress(percent: number): void; done(): void } {
  if (!ctx.out.interactive || ctx.json) return { onProgress() {}, done() {} };
  let shown = false;
  return {
    onProgress(percent) {
      const width = 30;
      const filled = Math.round((percent / 100) * width);
      process.stderr.write(`\r[${"#".repeat(filled)}${" ".repeat(width - filled)}] ${String(percent).padStart(3)} %`);
      shown = true;
    },
    done() {
      if (shown) process.stderr.write("\r" + " ".repeat(40) + "\r");
    },
  };
}

export async function audio(ctx: CliContext, file: string, opts: AudioOptions): Promise<void> {
  useFfmpegConfig({ ffmpegPath: ctx.settings.ffmpegPath, ffprobePath: ctx.settings.ffprobePath });
  // The file's name says what it holds: an MP4 named .mp3 or .wav would not play as one.
  const named = /\.(ogg|opus|oga)$/i.test(opts.out) ? "opus" : /\.(m4a|mp4)$/i.test(opts.out) ? "m4a" : undefined;
  if (named === undefined || (opts.format !== undefined && opts.format !== named)) {
    const format = opts.format ?? "m4a";
    throw new UserError(ExitCode.usage, "media.audio.outExtension", { file: opts.out, format, extension: format === "opus" ? ".ogg" : ".m4a" });
  }
  const format = named;
  const profile: AudioProfile = { format, ...(opts.trimSilence ? { trimSilence: true } : {}) };
  const bar = progressBar(ctx);
  let result: ProcessedAudio;
  try {
    result = await withPrivateTemp(async (tmp) => {
      const r = await processAudio(file, join(tmp, "out"), profile, { onProgress: (p) => bar.onProgress(p) });
      await placeOutput(r.file, opts.out);
      return { ...r, file: opts.out };
    }, "nachklang-media-");
  } finally {
    bar.done();
  }
  for (const w of result.warnings) ctx.out.warn(w.key, w.params);
  ctx.out.say("media.audio.done", {
    file,
    out: result.file,
    duration: formatDuration(result.durationSeconds),
    kb: kb(result.bytes),
    inputLufs: result.loudness.inputLufs,
    target: -16,
    gain: result.loudness.gainDb,
  });
  ctx.out.result(result);
}
