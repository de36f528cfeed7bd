/**
 * Audio through ffmpeg (only via ./ffmpeg.ts): measure first, then encode once with a gain.
 *
 * Why not `loudnorm`: single-pass loudnorm costs about three times the encode on these machines
 * (REFERENCES.md). An `ebur128` pass (integrated loudness + sample peak) costs a tenth to a sixth
 * of an AAC encode (a sixth with Debian's ffmpeg 5.1, whose AAC encoder is fast: 20 minutes are
 * measured in ≈ 2.2 s and encoded in ≈ 13 s), and a `volume` gain during the encode is free.
 * Where the gain would push peaks over the ceiling (quiet speech with sharp consonants has a high
 * crest factor), a soft clipper holds them, so the target loudness is still met; without it,
 * capping the gain by the peak would leave the fixtures' quiet exercise 4 LU short of −16 LUFS.
 */
import { stat, statfs } from "node:fs/promises";
import { join } from "node:path";
import { ExitCode, PolicyError, UserError, systemRefusal } from "../errors.js";
import { withPrivateTemp } from "../temp.js";
import { FfmpegFailure, ffmpegBanner, findFfmpeg, isOldFfmpeg, probe, runFfmpeg, stderrTail, type ProbeResult } from "./ffmpeg.js";
import { checkInput, outputPath, placeOutput, sha256File } from "./files.js";
import type { AudioEvents, AudioProfile, Loudness, MediaWarning, ProcessedAudio } from "./types.js";

export const AUDIO_DEFAULTS = {
  format: "m4a",
  aacKbps: 64,
  opusKbps: 40,
  targetLufs: -16,
  maxTruePeakDb: -1.5,
  maxDurationSeconds: 90 * 60,
  silence: "warn",
  /** Never amplify more than this: beyond it there is mostly noise to amplify. */
  maxGainDb: 24,
  /** Never limit peaks by more than this; beyond it the gain is reduced instead. */
  maxLimitingDb: 12,
  /** Loudness the limiter takes, per dB of limiting, given back as gain (measured on speech). */
  limiterMakeUpPerDb: 0.1,
  /** Sample peak → true peak allowance (inter-sample peaks and codec overshoot). */
  truePeakMarginDb: 1.0,
  /** Silence for trimming: below −50 dBFS for at least half a second. */
  silenceThresholdDb: -50,
  silenceMinSeconds: 0.5,
  /** ebur128 reports −70 LUFS (its absolute gate) for digital silence. */
  silenceLufs: -69.5,
  /** Shorter than one of ebur128's 400 ms gating blocks: no integrated loudness (−70), silent or not. */
  measurableSeconds: 0.4,
} as const;

export type NormalisedAudioProfile = Required<AudioProfile>;

/** The profile with every default filled in: what the cache key is made of. */
export function normaliseAudioProfile(profile: AudioProfile): NormalisedAudioProfile {
  const format = profile.format ?? AUDIO_DEFAULTS.format;
  const bitrateKbps = profile.bitrateKbps ?? (format === "opus" ? AUDIO_DEFAULTS.opusKbps : AUDIO_DEFAULTS.aacKbps);
  if (!Number.isInteger(bitrateKbps) || bitrateKbps < 8 || bitrateKbps > 320) throw new RangeError(`bitrateKbps must be an integer from 8 to 320, not ${bitrateKbps}`);
  const targetLufs = profile.targetLufs ?? AUDIO_DEFAULTS.targetLufs;
  if (!(targetLufs >= -40 && targetLufs <= -5)) throw new RangeError(`targetLufs must be from -40 to -5, not ${targetLufs}`);
  const maxTruePeakDb = profile.maxTruePeakDb ?? AUDIO_DEFAULTS.maxTruePeakDb;
  if (!(maxTruePeakDb >= -9 && maxTruePeakDb <= 0)) throw new RangeError(`maxTruePeakDb must be from -9 to 0, not ${maxTruePeakDb}`);
  const maxDurationSeconds = profile.maxDurationSeconds ?? AUDIO_DEFAULTS.maxDurationSeconds;
  if (!(maxDurationSeconds > 0)) throw new RangeError(`maxDurationSeconds must be positive, not ${maxDurationSeconds}`);
  return {
    format,
    bitrateKbps,
    targetLufs,
    maxTruePeakDb,
    trimSilence: profile.trimSilence ?? false,
    maxDurationSeconds,
    silence: profile.silence ?? AUDIO_DEFAULTS.silence,
    verify: profile.verify ?? false,
  };
}

export interface Measurement {
  /** Integrated loudness of the mono downmix, LUFS. */
  readonly integratedLufs: number;
  /** Sample peak of the mono downmix, dBFS (−Infinity for digital silence). */
  readonly samplePeakDb: number;
  /** Seconds decoded. */
  readonly durationSeconds: number;
  /** Leading/trailing silence, when asked for. */
  readonly silences: readonly { start: number; end?: number }[];
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** Parse ebur128's summary (and silencedetect lines) from ffmpeg's stderr. */
export function parseMeasurement(stderr: string): Omit<Measurement, "durationSeconds"> & { durationSeconds?: number } {
  const summary = stderr.slice(stderr.lastIndexOf("Summary:"));
  const integrated = /Integrated loudness:\s+I:\s+(-?[\d.]+|-inf) LUFS/.exec(summary);
  const peak = /(?:Sample|True) peak:\s+Peak:\s+(-?[\d.]+|-inf) dBFS/.exec(summary);
  if (!integrated || !peak) throw new Error(`ebur128 summary not found in ffmpeg output: ${stderrTail(stderr)}`);
  const num = (s: string | undefined) => (s === undefined || s === "-inf" ? -Infinity : Number(s));
  const silences: { start: number; end?: number }[] = [];
  for (const m of stderr.matchAll(/silence_(start|end): (-?[\d.]+)/g)) {
    const value = Number(m[2]);
    if (m[1] === "start") silences.push({ start: Math.max(0, value) });
    else {
      const last = silences[silences.length - 1];
      if (last && last.end === undefined) last.end = value;
    }
  }
  const times = [...stderr.matchAll(/time=(\d+):(\d+):([\d.]+)/g)];
  const lastTime = times[times.length - 1];
  const durationSeconds = lastTime ? Number(lastTime[1]) * 3600 + Number(lastTime[2]) * 60 + Number(lastTime[3]) : undefined;
  return { integratedLufs: num(integrated[1]), samplePeakDb: num(peak[1]), silences, ...(durationSeconds !== undefined ? { durationSeconds } : {}) };
}

export interface GainPlan {
  readonly gainDb: number;
  /** Sample-peak ceiling for the limiter in dBFS, or undefined when no limiting is needed. */
  readonly limitDb?: number;
  readonly truePeak: number;
  readonly warnings: readonly MediaWarning[];
  readonly silent: boolean;
}

/**
 * Decide the gain from a measurement. Pure, so the rules can be tested with properties:
 * silence → 0 dB; gain ≤ maxGainDb; estimated output true peak ≤ the profile's ceiling (by the
 * limiter, which never works harder than maxLimitingDb).
 */
export function planGain(m: Pick<Measurement, "integratedLufs" | "samplePeakDb">, p: NormalisedAudioProfile, file: string): GainPlan {
  const warnings: MediaWarning[] = [];
  if (!Number.isFinite(m.integratedLufs) || !Number.isFinite(m.samplePeakDb) || m.integratedLufs <= AUDIO_DEFAULTS.silenceLufs) {
    // No gain; a click in the silence may still need holding under the ceiling.
    const peak = Number.isFinite(m.samplePeakDb) ? m.samplePeakDb + AUDIO_DEFAULTS.truePeakMarginDb : -70;
    const limit = peak > p.maxTruePeakDb ? { limitDb: p.maxTruePeakDb - AUDIO_DEFAULTS.truePeakMarginDb } : {};
    return { gainDb: 0, ...limit, truePeak: round1(Math.max(-70, Math.min(peak, p.maxTruePeakDb))), warnings, silent: true };
  }
  let gain = p.targetLufs - m.integratedLufs;
  if (gain > AUDIO_DEFAULTS.maxGainDb) {
    gain = AUDIO_DEFAULTS.maxGainDb;
    warnings.push({ key: "media.audio.quiet", params: { file, lufs: round1(m.integratedLufs), gain: gain } });
  }
  const peakEstimate = m.samplePeakDb + AUDIO_DEFAULTS.truePeakMarginDb;
  let over = peakEstimate + gain - p.maxTruePeakDb;
  if (over > AUDIO_DEFAULTS.maxLimitingDb) {
    gain -= over - AUDIO_DEFAULTS.maxLimitingDb;
    over = AUDIO_DEFAULTS.maxLimitingDb;
  }
  const limitDb = over > 0 ? p.maxTruePeakDb - AUDIO_DEFAULTS.truePeakMarginDb : undefined;
  // Limiting takes some loudness with the peaks (about 0.1 LU per dB of soft clipping on speech,
  // measured on the fixtures); add it back so the integrated loudness still meets the target.
  if (over > 0) gain += AUDIO_DEFAULTS.limiterMakeUpPerDb * over;
  if (over > 6) warnings.push({ key: "media.audio.limited", params: { file, db: round1(over) } });
  return {
    gainDb: round1(gain),
    ...(limitDb !== undefined ? { limitDb } : {}),
    truePeak: round1(Math.min(peakEstimate + gain, p.maxTruePeakDb)),
    warnings,
    silent: false,
  };
}

/** A full disk under `dir` (less than a MiB left) as the one line for it; undefined otherwise. */
async function fullDisk(dir: string, error: unknown): Promise<UserError | undefined> {
  const space = await statfs(dir).catch(() => undefined);
  if (space === undefined || space.bavail * space.bsize >= 1024 * 1024) return undefined;
  return new UserError(ExitCode.failure, "file.noSpace", { file: dir }, { cause: error });
}

function unreadable(file: string, error: unknown): UserError {
  // The disk being full is no fault of the recording.
  const full = systemRefusal(error);
  if (full !== undefined) return full;
  const reason = error instanceof FfmpegFailure ? stderrTail(error.stderr, 1) || `exit code ${error.exitCode}` : error instanceof Error ? error.message : String(error);
  return new UserError(ExitCode.failure, "media.audio.unreadable", { file, reason: reason.replace(/^.*?: /, "") }, { cause: error });
}

function durationOf(info: ProbeResult): number | undefined {
  const candidates = [info.format.duration, ...info.streams.filter((s) => s.codec_type === "audio").map((s) => s.duration)];
  for (const c of candidates) {
    const n = typeof c === "string" ? Number(c) : c;
    if (typeof n === "number" && Number.isFinite(n) && n > 0) return n;
  }
  return undefined;
}

let modernFfmpeg: boolean | undefined;
/** ffmpeg 5 or newer (the bundled 2018 build is 4.1: no `framelog`, no `asoftclip`). */
function isModernFfmpeg(): boolean {
  if (modernFfmpeg === undefined) {
    const { version, year } = ffmpegBanner(findFfmpeg().ffmpegPath);
    modernFfmpeg = !isOldFfmpeg(version, year) && (/^n?\d+\./.test(version) || (year ?? 0) >= 2022);
  }
  return modernFfmpeg;
}

/** `ebur128=framelog=verbose` keeps per-frame lines out of stderr. */
function framelogOption(): string {
  return isModernFfmpeg() ? ":framelog=verbose" : "";
}

/**
 * Hold peaks at `limitDb` dBFS. A quintic soft clipper is memoryless and costs next to nothing
 * per sample; a look-ahead limiter (`alimiter`) sounds cleaner on hard transients but costs
 * about 40 % of the AAC encode here (bench/media-audio.bench.js), which would break the
 * "normalisation nearly free" budget. Old ffmpeg builds without `asoftclip` get `alimiter`.
 */
function peakLimiter(limitDb: number): string {
  const linear = Math.pow(10, limitDb / 20).toFixed(4);
  return isModernFfmpeg() ? `asoftclip=type=quintic:threshold=${linear}` : `alimiter=limit=${linear}:level=0`;
}

/** One decoding pass over the first audio stream, downmixed to mono as the output will be. */
export async function measureAudio(input: string, options: { trimSilence?: boolean; onTime?: (s: number) => void } = {}): Promise<Measurement> {
  const filters = ["aformat=channel_layouts=mono", `ebur128=peak=sample${framelogOption()}`];
  if (options.trimSilence) filters.push(`silencedetect=n=${AUDIO_DEFAULTS.silenceThresholdDb}dB:d=${AUDIO_DEFAULTS.silenceMinSeconds}`);
  const stderr = await runFfmpeg({
    input,
    outputOptions: ["-map", "0:a:0", "-vn", "-sn", "-dn", "-af", filters.join(",")],
    label: input,
    ...(options.onTime ? { onTime: options.onTime } : {}),
  });
  const parsed = parseMeasurement(stderr);
  return { ...parsed, durationSeconds: parsed.durationSeconds ?? 0 };
}

/** Where to cut, from silencedetect's findings: keep a little air (0.25 s) at both ends. */
export function trimRange(silences: Measurement["silences"], duration: number): { start: number; end: number } | undefined {
  const air = 0.25;
  let start = 0;
  let end = duration;
  const first = silences[0];
  if (first && first.start <= 0.05 && first.end !== undefined) start = Math.max(0, first.end - air);
  const last = silences[silences.length - 1];
  if (last && (last.end === undefined || last.end >= duration - 0.05) && last.start > start) end = Math.min(duration, last.start + air);
  if (start <= 0 && end >= duration) return undefined;
  if (end - start < 0.5) return undefined;
  return { start: round1(start * 100) / 100, end: round1(end * 100) / 100 };
}

/** Encode options for the profile: first audio stream only, mono, nothing but the sound. */
function encodeOptions(p: NormalisedAudioProfile, filters: readonly string[]): string[] {
  const common = [
    "-map", "0:a:0",
    "-vn", "-sn", "-dn",
    "-map_metadata", "-1",
    "-map_chapters", "-1",
    // bitexact: no "encoder=Lavf…" tag, no random stream serials; the muxers then write only
    // generic handler names (checked in the tests with exiftool and ffprobe).
    "-fflags", "+bitexact",
    "-flags:a", "+bitexact",
    "-ac", "1",
  ];
  common.push("-af", filters.join(","));
  if (p.format === "opus") return [...common, "-c:a", "libopus", "-b:a", `${p.bitrateKbps}k`, "-f", "ogg"];
  return [...common, "-c:a", "aac", "-b:a", `${p.bitrateKbps}k`, "-movflags", "+faststart", "-f", "mp4"];
}

/**
 * The revision of what the encoding writes into an output, part of the media cache's key: raised
 * when an output made before would differ from one made now (2: Opus without the encoder tag), so
 * that a cached output from before is made again rather than served.
 */
export const AUDIO_OUTPUT_REVISION = 2;

/**
 * Opus only: the encoded file copied into a new Ogg file, stream and all, without its tags.
 * ffmpeg gives every stream it encodes an `encoder` tag ("Lavc libopus" with bitexact), which the
 * Ogg muxer writes into the OpusTags comments; an empty `-metadata:s:a:0 encoder=` only brings the
 * default back, so the encoding pass cannot leave it out. A stream copy encodes nothing and so
 * adds no such tag, and `-map_metadata -1` drops the one it reads. What stays is OpusTags' vendor
 * string, "ffmpeg" under bitexact, which no option removes (docs/media.md).
 */
const OPUS_RETAG_OPTIONS = ["-map", "0:a:0", "-map_metadata", "-1", "-map_chapters", "-1", "-c", "copy", "-fflags", "+bitexact", "-f", "ogg"];

/**
 * Prepare one recording for sending: first audio stream only, mono, loudness measured (ebur128,
 * cheap) and then normalised with a plain gain (plus a peak limiter only when the gain would
 * push peaks over the ceiling) to `profile.targetLufs`, encoded as AAC-LC `.m4a` or Opus `.ogg`
 * with no tags, chapters, cover art or video. Writes `<outDir>/<name>.<m4a|ogg>`, `name`
 * defaulting to the input's base name.
 * `events.onProgress` receives increasing percentages (measuring and encoding together).
 *
 * Throws `UserError` naming `input` for: a missing (exit 2) or empty file, unreadable audio, no
 * audio stream, digital silence when `profile.silence === "refuse"` (exit 1), and `PolicyError`
 * (exit 4) for a recording longer than `profile.maxDurationSeconds`. Otherwise silence is
 * encoded without gain and reported in `warnings`. Throws `UserError(file.exists)` rather than
 * overwrite. Temporary files live in a private temp folder removed on success, failure and
 * Ctrl-C; no partial output is left behind. Other exceptions are bugs.
 */
export async function processAudio(input: string, outDir: string, profile: AudioProfile = {}, events: AudioEvents = {}, name?: string): Promise<ProcessedAudio> {
  const p = normaliseAudioProfile(profile);
  await checkInput(input, "audio");
  let info: ProbeResult;
  try {
    info = await probe(input);
  } catch (error) {
    throw unreadable(input, error);
  }
  if (!info.streams.some((s) => s.codec_type === "audio")) throw new UserError(ExitCode.failure, "media.audio.noAudio", { file: input });
  const probed = durationOf(info);
  if (probed !== undefined && probed > p.maxDurationSeconds) {
    throw new PolicyError("media.audio.tooLong", { file: input, minutes: Math.ceil(probed / 60), limit: Math.round(p.maxDurationSeconds / 60) });
  }

  // Progress: measuring is about a tenth of the work, encoding the rest.
  let reported = -1;
  const progress = (percent: number) => {
    const whole = Math.max(0, Math.min(100, Math.floor(percent)));
    if (whole > reported) {
      reported = whole;
      events.onProgress?.(whole);
    }
  };
  const total = probed ?? 0;
  const phase = (from: number, span: number, length: number) => (seconds: number) => {
    if (length > 0) progress(from + (span * Math.min(seconds, length)) / length);
  };

  let m: Measurement;
  try {
    m = await measureAudio(input, { trimSilence: p.trimSilence, onTime: phase(0, 10, total) });
  } catch (error) {
    throw unreadable(input, error);
  }
  if (m.durationSeconds > p.maxDurationSeconds) {
    throw new PolicyError("media.audio.tooLong", { file: input, minutes: Math.ceil(m.durationSeconds / 60), limit: Math.round(p.maxDurationSeconds / 60) });
  }
  // An audio stream without a single sample would be encoded into a file with no stream at all.
  if (m.durationSeconds <= 0) throw new UserError(ExitCode.failure, "media.audio.noSound", { file: input });
  const plan = planGain(m, p, input);
  const warnings = [...plan.warnings];
  // Sound that ends well before the length the file's header gives: cut off on the way (a copy
  // interrupted, a recorder that stopped). ffmpeg stops where the data stops and says nothing.
  if (probed !== undefined && probed >= 2 && m.durationSeconds < probed * 0.9 - 0.5) {
    warnings.push({ key: "media.audio.cutShort", params: { file: input, seconds: Math.round(m.durationSeconds), expected: Math.round(probed) } });
  }
  if (plan.silent) {
    // Sound too short to measure (a cut-off file, most likely) is not silence: said as what it is.
    const short = m.durationSeconds < AUDIO_DEFAULTS.measurableSeconds && m.samplePeakDb > AUDIO_DEFAULTS.silenceThresholdDb;
    const seconds = Math.round(m.durationSeconds * 100) / 100;
    if (p.silence === "refuse") throw new UserError(ExitCode.failure, short ? "media.audio.tooShortRefused" : "media.audio.silenceRefused", { file: input, seconds });
    warnings.push(short ? { key: "media.audio.tooShort", params: { file: input, seconds } } : { key: "media.audio.silence", params: { file: input } });
  }

  // Downmix first, exactly as measured, so gain and limiter work on the signal that is encoded.
  const filters: string[] = ["aformat=channel_layouts=mono"];
  const length = m.durationSeconds || total;
  let encodedLength = length;
  if (p.trimSilence && !plan.silent) {
    const range = trimRange(m.silences, length);
    if (range) {
      filters.push(`atrim=start=${range.start}:end=${range.end}`, "asetpts=PTS-STARTPTS");
      encodedLength = range.end - range.start;
    }
  } else if (p.trimSilence && plan.silent) {
    warnings.push({ key: "media.audio.trimmedAll", params: { file: input } });
  }
  if (plan.gainDb !== 0) filters.push(`volume=${plan.gainDb}dB`);
  if (plan.limitDb !== undefined) filters.push(peakLimiter(plan.limitDb));

  const ext = p.format === "opus" ? ".ogg" : ".m4a";
  const dest = outputPath(input, outDir, ext, name);
  return withPrivateTemp(async (tmp) => {
    const encoded = join(tmp, "audio" + ext);
    const first = p.format === "opus" ? join(tmp, "encoded" + ext) : encoded;
    try {
      await runFfmpeg({ input, output: first, outputOptions: encodeOptions(p, filters), label: input, onTime: phase(10, 90, encodedLength) });
      if (first !== encoded) await runFfmpeg({ input: first, output: encoded, outputOptions: OPUS_RETAG_OPTIONS, label: input });
    } catch (error) {
      throw unreadable(input, error);
    }
    let outputLufs: number | undefined;
    let out: ProbeResult;
    try {
      if (p.verify) outputLufs = (await measureAudio(encoded)).integratedLufs;
      out = await probe(encoded);
    } catch (error) {
      // Our own output unreadable: ffmpeg ran out of room while it finished the file (it moves
      // the index to the front) without saying so. The disk, not the recording.
      throw (await fullDisk(tmp, error)) ?? error;
    }
    const loudness: Loudness = {
      inputLufs: round1(m.integratedLufs),
      ...(outputLufs !== undefined ? { outputLufs: round1(outputLufs) } : {}),
      truePeak: plan.truePeak,
      gainDb: plan.gainDb,
    };
    const result: ProcessedAudio = {
      file: dest,
      mime: p.format === "opus" ? "audio/ogg" : "audio/mp4",
      durationSeconds: Math.round((durationOf(out) ?? encodedLength) * 1000) / 1000,
      bytes: (await stat(encoded)).size,
      sha256: await sha256File(encoded),
      loudness,
      warnings,
    };
    await placeOutput(encoded, dest);
    progress(100);
    return result;
  }, "nachklang-audio-");
}
