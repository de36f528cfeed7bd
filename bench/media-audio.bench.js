// @ts-check
// A 20-minute WAV: `nachklang media audio` (measure loudness, then encode with a plain gain)
// against a plain ffmpeg encode of the same file with the same codec and bitrate (AAC-LC
// 64 kbit/s mono). Goals: at most 1.15x the plain encode; peak memory under 200 MB whatever the
// length. NACHKLANG_BENCH_SMALL=1 uses 2 minutes. Peak RSS comes from GNU time (the largest
// process: node or one of its ffmpeg children).
import { spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { BIN, fmt, speechLikeWav, workDir } from "./lib.js";

const small = process.env.NACHKLANG_BENCH_SMALL === "1";
const minutes = small ? 2 : 20;
const dir = workDir("audio");
const timeBin = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

/** Run a command; wall seconds and peak RSS in MB (when GNU time is there). @param {string} command @param {string[]} args */
function run(command, args) {
  const t = performance.now();
  const r = timeBin ? spawnSync(timeBin, ["-f", "MAXRSS %M", command, ...args], { encoding: "utf8" }) : spawnSync(command, args, { encoding: "utf8" });
  const seconds = (performance.now() - t) / 1000;
  if (r.status !== 0) throw new Error(`${command} failed: ${r.stderr}`);
  const kb = /MAXRSS (\d+)/.exec(r.stderr ?? "")?.[1];
  return { seconds, rssMb: kb === undefined ? undefined : Number(kb) / 1024 };
}

try {
  const wav = join(dir, "exercise.wav");
  speechLikeWav(wav, minutes * 60);
  // Two plain encodes: `-ac 1` as a user would type it, and the same downmix as a filter (which
  // is what nachklang does). The ratio is taken against the faster one.
  const plainArgs = (/** @type {string[]} */ downmix) => ["-hide_banner", "-loglevel", "error", "-y", "-i", wav, "-map", "0:a:0", ...downmix, "-c:a", "aac", "-b:a", "64k", "-f", "mp4", join(dir, "plain.m4a")];
  const plainAc = run("ffmpeg", plainArgs(["-ac", "1"]));
  const plainAf = run("ffmpeg", plainArgs(["-af", "aformat=channel_layouts=mono"]));
  const plain = plainAc.seconds < plainAf.seconds ? plainAc : plainAf;
  const ours = run(process.execPath, [BIN, "media", "audio", wav, "--out", join(dir, "ours.m4a")]);

  const ratio = ours.seconds / plain.seconds;
  console.log(`audio: ${minutes} min WAV (48 kHz stereo) → AAC-LC 64 kbit/s mono`);
  console.log(`  plain ffmpeg encode (-ac 1):    ${fmt(plainAc.seconds, 1)} s, peak RSS ${plainAc.rssMb?.toFixed(0) ?? "?"} MB`);
  console.log(`  plain ffmpeg encode (aformat):  ${fmt(plainAf.seconds, 1)} s, peak RSS ${plainAf.rssMb?.toFixed(0) ?? "?"} MB`);
  console.log(`  nachklang media audio:          ${fmt(ours.seconds, 1)} s, peak RSS ${ours.rssMb?.toFixed(0) ?? "?"} MB`);
  console.log(`  ratio: ${fmt(ratio)}x the faster plain encode (goal ≤ 1.15x) ${ratio <= 1.15 ? "OK" : "MISSED"}`);
  if (ours.rssMb !== undefined) console.log(`  peak memory: ${fmt(ours.rssMb, 0)} MB (goal < 200 MB) ${ours.rssMb < 200 ? "OK" : "MISSED"}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
