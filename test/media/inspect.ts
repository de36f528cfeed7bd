/** Read media back with independent tools (exiftool, ffprobe, ffmpeg's ebur128) for the media tests. */
import { execFileSync } from "node:child_process";

export type Tags = Record<string, unknown>;

/** Every tag exiftool finds, keyed "Group:Tag" (group 1: IFD0, GPS, XMP-dc, PNG, QuickTime, …). */
export function exiftool(file: string): Tags {
  return exiftoolAll([file])[0] ?? {};
}

/** `exiftool` for many files in one run (about 0.3 s each saved), in the order given. */
export function exiftoolAll(files: readonly string[]): Tags[] {
  const out = execFileSync("exiftool", ["-j", "-a", "-G1", "-n", ...files], { encoding: "utf8" });
  return JSON.parse(out) as Tags[];
}

export interface Probe {
  streams: { codec_type: string; codec_name: string; channels?: number; tags?: Record<string, string>; disposition?: Record<string, number> }[];
  format: { format_name: string; duration: string; tags?: Record<string, string> };
  chapters: unknown[];
}

export function ffprobe(file: string): Probe {
  const out = execFileSync("ffprobe", ["-v", "error", "-show_format", "-show_streams", "-show_chapters", "-of", "json", file], { encoding: "utf8" });
  return JSON.parse(out) as Probe;
}

function parseEbur(stderr: string): { lufs: number; truePeak: number } {
  const summary = stderr.slice(stderr.lastIndexOf("Summary:"));
  const i = /I:\s+(-?[\d.]+|-inf) LUFS/.exec(summary)?.[1];
  const tp = /True peak:\s+Peak:\s+(-?[\d.]+|-inf) dBFS/.exec(summary)?.[1];
  const num = (s: string | undefined) => (s === undefined ? NaN : s === "-inf" ? -Infinity : Number(s));
  return { lufs: num(i), truePeak: num(tp) };
}

/** Integrated loudness (LUFS) and true peak (dBTP) measured by ffmpeg's ebur128 filter. */
export function ebur128(file: string): { lufs: number; truePeak: number } {
  // ebur128 reports on stderr; the shell merges it into stdout.
  const out = execFileSync("sh", ["-c", 'ffmpeg -hide_banner -nostats -i "$1" -af ebur128=peak=true:framelog=verbose -f null - 2>&1', "sh", file], { encoding: "utf8" });
  return parseEbur(out);
}
