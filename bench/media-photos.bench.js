// @ts-check
// 20 photos of 12 megapixels → 2048 px JPEG: `nachklang media photo` (one fresh process, as a
// script would call it) against Debian's `vipsthumbnail` run once per file, as a user's shell
// loop would. Goal: at least 1.2x faster. NACHKLANG_BENCH_SMALL=1 runs 4 photos of 3 MP.
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { BIN, fmt, hasCommand, measure, workDir } from "./lib.js";

if (!hasCommand("vipsthumbnail")) {
  console.log("SKIPPED: vipsthumbnail is not installed (apt-get install libvips-tools)");
  process.exit(0);
}
const small = process.env.NACHKLANG_BENCH_SMALL === "1";
const count = small ? 4 : 20;
const [width, height] = small ? [2000, 1500] : [4000, 3000];
const dir = workDir("photos");

try {
  // Synthetic phone photos: a lit gradient with marker-like strokes and sensor grain, each one a
  // little different, saved as quality-92 JPEGs (about what a phone writes).
  const strokes = Array.from({ length: 40 }, (_, i) => `<path d="M${(i * 97) % width} ${(i * 53) % height} q300 120 600 0"/>`).join("");
  const base = await sharp({ create: { width, height, channels: 3, background: "#ffffff", noise: { type: "gaussian", mean: 200, sigma: 18 } } })
    .composite([{ input: Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><g stroke="#203080" stroke-width="14" fill="none">${strokes}</g></svg>`) }])
    .raw()
    .toBuffer({ resolveWithObject: true });
  /** @type {string[]} */
  const inputs = [];
  for (let i = 0; i < count; i++) {
    const file = join(dir, `photo-${String(i).padStart(2, "0")}.jpg`);
    await sharp(base.data, { raw: base.info }).modulate({ brightness: 0.9 + i * 0.01, hue: i * 7 }).jpeg({ quality: 92 }).toFile(file);
    inputs.push(file);
  }

  const ours = await measure(process.execPath, [BIN, "media", "photo", ...inputs, "--out", join(dir, "ours")]);

  const theirs = join(dir, "vips");
  mkdirSync(theirs);
  const t = performance.now();
  for (const file of inputs) {
    const r = spawnSync("vipsthumbnail", [file, "--size", "2048", "-o", join(theirs, "%s.jpg[Q=82,strip]")], { stdio: "inherit" });
    if (r.status !== 0) throw new Error(`vipsthumbnail failed on ${file}`);
  }
  const vipsSeconds = (performance.now() - t) / 1000;

  const ratio = vipsSeconds / ours.seconds;
  console.log(`photos: ${count} × ${(width * height) / 1e6} MP → 2048 px JPEG`);
  console.log(`  nachklang media photo:  ${fmt(ours.seconds)} s, peak RSS ${fmt(ours.peakMb, 0)} MB`);
  console.log(`  vipsthumbnail per file: ${fmt(vipsSeconds)} s`);
  console.log(`  ratio: ${fmt(ratio)}x faster (goal ≥ 1.2x) ${ratio >= 1.2 ? "OK" : "MISSED"}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
