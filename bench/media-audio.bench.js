// A 20-minute WAV: nachklang's measure-then-gain normalisation plus AAC encode against a plain
// ffmpeg encode of the same file with the same codec and bitrate (AAC-LC 64 kbit/s mono).
// Goals: at most 1.15x the plain encode; peak memory under 200 MB whatever the length.
// NACHKLANG_BENCH_SMALL=1 uses 2 minutes. Peak RSS comes from GNU time (largest process:
// node or one of its ffmpeg children).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const small = process.env.NACHKLANG_BENCH_SMALL === "1";
const minutes = small ? 2 : 20;
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dir = mkdtempSync(join(tmpdir(), "nachklang-bench-audio-"));
const timeBin = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

/** Run a command; wall time in ms and peak RSS in MB (when GNU time is there). */
function measure(command, args) {
  const t = performance.now();
  const r = timeBin
    ? spawnSync(timeBin, ["-f", "MAXRSS %M", command, ...args], { encoding: "utf8" })
    : spawnSync(command, args, { encoding: "utf8" });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${command} failed: ${r.stderr}`);
  const kb = /MAXRSS (\d+)/.exec(r.stderr ?? "")?.[1];
  return { ms, rssMb: kb ? Number(kb) / 1024 : undefined };
}

try {
  // Speech-like: pink noise shaped to the voice band, syllable-rate tremolo, a quiet level
  // (about −30 LUFS) with peaks, 48 kHz stereo like a recorder writes.
  const wav = join(dir, "exercise.wav");
  const gen = spawnSync("ffmpeg", [
    "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i",
    `anoisesrc=color=pink:amplitude=0.5:sample_rate=48000:duration=${minutes * 60}:seed=3`,
    "-af", "highpass=f=120,lowpass=f=3800,tremolo=f=4:d=0.9,tremolo=f=0.3:d=0.6",
    "-ac", "2", "-c:a", "pcm_s16le", wav,
  ]);
  if (gen.status !== 0) throw new Error("could not generate the input");

  // Two plain encodes: `-ac 1` as a user would type it, and the same downmix as a filter (which
  // is what nachklang does, and faster here). The ratio is taken against the faster one.
  const plainArgs = (downmix) => ["-hide_banner", "-loglevel", "error", "-y", "-i", wav, "-map", "0:a:0", ...downmix, "-c:a", "aac", "-b:a", "64k", "-f", "mp4", join(dir, "plain.m4a")];
  const plainAc = measure("ffmpeg", plainArgs(["-ac", "1"]));
  const plainAf = measure("ffmpeg", plainArgs(["-af", "aformat=channel_layouts=mono"]));
  const plain = plainAc.ms < plainAf.ms ? plainAc : plainAf;

  const script = `import { processAudio } from ${JSON.stringify(join(root, "dist", "media", "index.js"))};
const r = await processAudio(${JSON.stringify(wav)}, ${JSON.stringify(join(dir, "ours"))}, { format: "m4a" });
console.error("RESULT " + JSON.stringify(r.loudness));`;
  const t = performance.now();
  const r = timeBin
    ? spawnSync(timeBin, ["-f", "MAXRSS %M", process.execPath, "--input-type=module", "-e", script], { encoding: "utf8" })
    : spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  const oursMs = performance.now() - t;
  if (r.status !== 0) throw new Error(`nachklang failed: ${r.stderr}`);
  const oursRss = /MAXRSS (\d+)/.exec(r.stderr)?.[1];
  const loudness = /RESULT (.*)/.exec(r.stderr)?.[1];

  const ratio = oursMs / plain.ms;
  const rss = oursRss ? Number(oursRss) / 1024 : undefined;
  console.log(`audio: ${minutes} min WAV (48 kHz stereo) → AAC-LC 64 kbit/s mono`);
  console.log(`  plain ffmpeg encode (-ac 1):    ${(plainAc.ms / 1000).toFixed(1)} s, peak RSS ${plainAc.rssMb?.toFixed(0) ?? "?"} MB`);
  console.log(`  plain ffmpeg encode (aformat):  ${(plainAf.ms / 1000).toFixed(1)} s, peak RSS ${plainAf.rssMb?.toFixed(0) ?? "?"} MB`);
  console.log(`  nachklang measure+gain+encode:  ${(oursMs / 1000).toFixed(1)} s, peak RSS ${rss?.toFixed(0) ?? "?"} MB  ${loudness ?? ""}`);
  console.log(`  ratio: ${ratio.toFixed(2)}x the faster plain encode (goal ≤ 1.15x) ${ratio <= 1.15 ? "OK" : "MISSED"}`);
  if (rss !== undefined) console.log(`  peak memory: ${rss.toFixed(0)} MB (goal < 200 MB) ${rss < 200 ? "OK" : "MISSED"}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
