/**
 * The one module that knows fluent-ffmpeg (deprecated upstream, see docs/decisions/ffmpeg.md):
 * finding ffmpeg/ffprobe, running them, probing files. Replacing fluent-ffmpeg later means
 * rewriting this file only; the rest of the pipeline sees `runFfmpeg`, `probe` and `findFfmpeg`.
 *
 * Discovery order: FFMPEG_PATH/FFPROBE_PATH, then the config keys `ffmpegPath`/`ffprobePath`
 * (handed in by the CLI through `useFfmpegConfig`), then the system PATH, then the builds shipped
 * in the optional npm packages @ffmpeg-installer/ffmpeg and @ffprobe-installer/ffprobe.
 */
import { execFile, spawnSync } from "node:child_process";
import { isExecutable, onPath } from "../executables.js";
import { createRequire } from "node:module";
import type Ffmpeg from "fluent-ffmpeg";
import { ExitCode, UserError } from "../errors.js";
import { firstCodePoints } from "../printable.js";

export interface FfmpegPaths {
  readonly ffmpegPath: string;
  readonly ffprobePath: string;
  readonly source: "env" | "config" | "path" | "bundled";
}

let configured: { ffmpegPath?: string; ffprobePath?: string } = {};
let found: FfmpegPaths | undefined;

/** Hand in the config keys `ffmpegPath`/`ffprobePath` (the CLI does this; libraries cannot read config). */
export function useFfmpegConfig(config: { ffmpegPath?: unknown; ffprobePath?: unknown }): void {
  configured = {
    ...(typeof config.ffmpegPath === "string" && config.ffmpegPath !== "" ? { ffmpegPath: config.ffmpegPath } : {}),
    ...(typeof config.ffprobePath === "string" && config.ffprobePath !== "" ? { ffprobePath: config.ffprobePath } : {}),
  };
  found = undefined;
}

function bundled(pkg: "@ffmpeg-installer/ffmpeg" | "@ffprobe-installer/ffprobe"): string | undefined {
  try {
    const { path } = createRequire(import.meta.url)(pkg) as { path: string };
    return isExecutable(path) ? path : undefined;
  } catch {
    // Optional dependency not installed for this platform.
    return undefined;
  }
}

/** Resolve ffmpeg and ffprobe (each by the first source that has it). Throws `media.ffmpeg.missing`. */
export function findFfmpeg(env: NodeJS.ProcessEnv = process.env): FfmpegPaths {
  if (found && env === process.env) return found;
  type Source = FfmpegPaths["source"];
  const pick = (envVar: string | undefined, conf: string | undefined, name: string, pkg: Parameters<typeof bundled>[0]): [string, Source] | undefined => {
    if (isExecutable(envVar)) return [envVar, "env"];
    if (isExecutable(conf)) return [conf, "config"];
    const p = onPath(name, env);
    if (p) return [p, "path"];
    const b = bundled(pkg);
    return b ? [b, "bundled"] : undefined;
  };
  const f = pick(env.FFMPEG_PATH, configured.ffmpegPath, "ffmpeg", "@ffmpeg-installer/ffmpeg");
  const p = pick(env.FFPROBE_PATH, configured.ffprobePath, "ffprobe", "@ffprobe-installer/ffprobe");
  if (!f || !p) throw new UserError(ExitCode.usage, "media.ffmpeg.missing");
  const result: FfmpegPaths = { ffmpegPath: f[0], ffprobePath: p[0], source: f[1] };
  if (env === process.env) found = result;
  return result;
}

const banners = new Map<string, { version: string; year: number | undefined }>();

/** ffmpeg's version string ("5.1.9-0+deb12u1", or "N-47683-g…-static" for static builds) and its copyright year. */
export function ffmpegBanner(path: string): { version: string; year: number | undefined } {
  const known = banners.get(path);
  if (known) return known;
  const r = spawnSync(path, ["-hide_banner", "-version"], { encoding: "utf8" });
  const banner = parseBanner(r.stdout ?? "");
  banners.set(path, banner);
  return banner;
}

function parseBanner(out: string): { version: string; year: number | undefined } {
  const year = /Copyright \(c\) \d{4}-(\d{4})/.exec(out)?.[1];
  return { version: /ffmpeg version (\S+)/.exec(out)?.[1] ?? "unknown", year: year ? Number(year) : undefined };
}

/** The bundled @ffmpeg-installer build is from 2018 (4.1); anything before 5 or built before 2022 counts as old. */
export function isOldFfmpeg(version: string, year: number | undefined): boolean {
  const major = /^n?(\d+)\./.exec(version)?.[1];
  if (major !== undefined) return Number(major) < 5;
  return year !== undefined && year < 2022;
}

export function ffmpegVersion(path: string): string {
  return ffmpegBanner(path).version;
}

/**
 * The same version string, without blocking: `ffmpeg -version` runs while the caller does other
 * work (the media cache hashes the input meanwhile).
 */
export function ffmpegVersionLater(path: string): Promise<string> {
  const known = banners.get(path);
  if (known) return Promise.resolve(known.version);
  return new Promise((resolve) =>
    execFile(path, ["-hide_banner", "-version"], { encoding: "utf8" }, (_error, stdout) => {
      const banner = parseBanner(stdout);
      banners.set(path, banner);
      resolve(banner.version);
    }),
  );
}

/** The last lines of stderr, without progress noise: enough to say what went wrong. */
export function stderrTail(stderr: string, lines = 3): string {
  const tail = stderr
    .split(/\r?\n|\r/)
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("size=") && !/^frame=|^\[.*\] *$/.test(l))
    .slice(-lines)
    .join(" | ");
  return firstCodePoints(tail, 400);
}

/** fluent-ffmpeg, loaded when ffmpeg or ffprobe first runs: a media cache hit never needs it. */
let fluent: typeof Ffmpeg | undefined;
const ffmpeg = (options?: Ffmpeg.FfmpegCommandOptions): Ffmpeg.FfmpegCommand => (fluent ??= createRequire(import.meta.url)("fluent-ffmpeg") as typeof Ffmpeg)(options);

/** Commands still running, killed when the process exits or is interrupted. */
const running = new Set<Ffmpeg.FfmpegCommand>();
let hooked = false;
function killAll(): void {
  for (const command of running) command.kill("SIGKILL");
  running.clear();
}
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  // Kill children first so nothing writes into temp folders while they are being removed. Only
  // where someone already handles the signal (the CLI): a listener would otherwise take away
  // the signal's default effect for a library caller.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    if (process.listenerCount(signal) > 0) process.prependListener(signal, killAll);
  }
  process.on("exit", killAll);
}

export interface FfmpegJob {
  readonly input: string;
  readonly inputOptions?: readonly string[];
  readonly outputOptions: readonly string[];
  /** Output file; undefined discards the output (measuring passes). */
  readonly output?: string;
  /** Called with the position reached, in seconds of input. */
  readonly onTime?: (seconds: number) => void;
  /** The file to name in error messages. */
  readonly label: string;
}

/** Raised when ffmpeg exits non-zero; the pipeline maps it to a `UserError` naming the file. */
export class FfmpegFailure extends Error {
  constructor(
    readonly tool: "ffmpeg" | "ffprobe",
    readonly exitCode: number | string,
    readonly stderr: string,
  ) {
    super(`${tool} failed with exit code ${exitCode}: ${stderrTail(stderr)}`);
    this.name = "FfmpegFailure";
    // A full disk where ffmpeg writes is the system's refusal, said as such (errors.ts systemRefusal).
    if (/No space left on device/i.test(stderr)) this.code = "ENOSPC";
  }
  /** "ENOSPC" when ffmpeg said the disk is full. */
  readonly code: string | undefined;
}

/** The position in seconds of an ffmpeg progress line (`size=… time=00:01:02.50 bitrate=…`), if it is one. */
export function progressSeconds(line: string): number | undefined {
  const mark = /(?:^|\s)time=\s*(\d+):(\d{2}):(\d{2}(?:\.\d+)?)(?:\s|$)/.exec(line);
  if (mark === null) return undefined;
  return Number(mark[1]) * 3600 + Number(mark[2]) * 60 + Number(mark[3]);
}

/** Run ffmpeg once; resolves with its complete stderr (summaries of measuring filters live there). */
export function runFfmpeg(job: FfmpegJob): Promise<string> {
  const { ffmpegPath } = findFfmpeg();
  hookExit();
  return new Promise((resolve, reject) => {
    const command = ffmpeg({ source: job.input, stdoutLines: 0 }).setFfmpegPath(ffmpegPath);
    command.inputOptions(["-hide_banner", ...(job.inputOptions ?? [])]);
    command.outputOptions([...job.outputOptions]);
    command.output(job.output ?? nullSink());
    if (job.output === undefined) command.outputOptions(["-f", "null"]);
    if (job.onTime) {
      // From ffmpeg's own progress lines: a "progress" listener would make fluent-ffmpeg run
      // ffprobe on the input once more, for a percentage nachklang computes itself.
      const onTime = job.onTime;
      command.on("stderr", (line: string) => {
        const seconds = progressSeconds(line);
        if (seconds !== undefined) onTime(seconds);
      });
    }
    command.on("end", (_stdout: string | null, stderr: string | null) => {
      running.delete(command);
      resolve(stderr ?? "");
    });
    command.on("error", (error: Error, _stdout: string | null, stderr: string | null) => {
      running.delete(command);
      const m = /ffmpeg exited with code (\d+)|killed with signal (\w+)/.exec(error.message);
      reject(new FfmpegFailure("ffmpeg", m?.[1] ?? m?.[2] ?? "?", stderr ?? error.message));
    });
    running.add(command);
    command.run();
  });
}

function nullSink(): string {
  return process.platform === "win32" ? "NUL" : "/dev/null";
}

export interface ProbeStream {
  readonly index: number;
  readonly codec_type?: string;
  readonly codec_name?: string;
  readonly channels?: number;
  readonly sample_rate?: number | string;
  readonly duration?: number | string;
  readonly tags?: Record<string, string | number>;
  /** `attached_pic` 1: a cover picture, not a film. */
  readonly disposition?: { readonly attached_pic?: number };
}
export interface ProbeResult {
  readonly streams: readonly ProbeStream[];
  readonly format: { readonly duration?: number | string; readonly format_name?: string; readonly tags?: Record<string, string | number> };
  readonly chapters: readonly unknown[];
}

/** ffprobe a file (format, streams, chapters). Rejects with `FfmpegFailure` when ffprobe cannot read it. */
export function probe(file: string): Promise<ProbeResult> {
  const { ffprobePath } = findFfmpeg();
  return new Promise((resolve, reject) => {
    const command = ffmpeg().setFfprobePath(ffprobePath);
    command.input(file).ffprobe(["-show_chapters"], (error: Error | null, data: ProbeResult | undefined) => {
      if (error || !data) reject(new FfmpegFailure("ffprobe", /code (\d+)/.exec(error?.message ?? "")?.[1] ?? "?", error?.message ?? ""));
      else resolve(data);
    });
  });
}

/**
 * What a container that may hold a film or a recording (sniff.ts "container": MP4/QuickTime,
 * Matroska, ASF/WMA, AVI, MPEG-TS, FLV) holds: "video" when ffprobe finds a picture stream that
 * is not a cover, "audio" when it finds sound and nothing else, undefined when ffprobe cannot
 * read it (the caller decides). Without ffprobe: `media.ffmpeg.missing` (exit 2).
 */
export async function containerHolds(file: string): Promise<"audio" | "video" | undefined> {
  findFfmpeg();
  const info = await probe(file).catch(() => undefined);
  if (info === undefined) return undefined;
  const film = info.streams.some((s) => s.codec_type === "video" && s.disposition?.attached_pic !== 1);
  return !film && info.streams.some((s) => s.codec_type === "audio") ? "audio" : "video";
}
