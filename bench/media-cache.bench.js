// A cache hit against a miss on the same audio: the miss measures, encodes and stores (encrypted);
// the hit decrypts the stored result. Goal: the hit at least 20x faster.
// Uses a 10-minute recording (NACHKLANG_BENCH_SMALL=1: 1 minute).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateIdentity, identityToRecipient } from "age-encryption";
import { MediaCache } from "../dist/media/index.js";

const small = process.env.NACHKLANG_BENCH_SMALL === "1";
const minutes = small ? 1 : 10;
const dir = mkdtempSync(join(tmpdir(), "nachklang-bench-cache-"));

try {
  const wav = join(dir, "exercise.wav");
  const gen = spawnSync("ffmpeg", [
    "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i",
    `anoisesrc=color=pink:amplitude=0.5:sample_rate=48000:duration=${minutes * 60}:seed=5`,
    "-af", "highpass=f=120,lowpass=f=3800,tremolo=f=4:d=0.9", "-ac", "2", "-c:a", "pcm_s16le", wav,
  ]);
  if (gen.status !== 0) throw new Error("could not generate the input");
  const identity = await generateIdentity();
  const cache = new MediaCache({ dir: join(dir, "cache"), recipient: await identityToRecipient(identity), identity });

  let t = performance.now();
  const miss = await cache.processAudio(wav, join(dir, "out-miss"));
  const missMs = performance.now() - t;
  const hits = [];
  for (let i = 0; i < 5; i++) {
    t = performance.now();
    const hit = await cache.processAudio(wav, join(dir, `out-hit-${i}`));
    hits.push(performance.now() - t);
    if (!hit.cached || hit.sha256 !== miss.sha256) throw new Error("expected a hit with the same output");
  }
  const hitMs = hits.sort((a, b) => a - b)[Math.floor(hits.length / 2)];
  const ratio = missMs / hitMs;
  console.log(`cache: ${minutes} min WAV → AAC (${(miss.bytes / 1e6).toFixed(1)} MB output, encrypted at rest)`);
  console.log(`  miss (measure, encode, store): ${(missMs / 1000).toFixed(2)} s`);
  console.log(`  hit (hash input, decrypt):     ${(hitMs / 1000).toFixed(3)} s (median of 5)`);
  console.log(`  ratio: ${ratio.toFixed(1)}x faster (goal ≥ 20x) ${ratio >= 20 ? "OK" : "MISSED"}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
