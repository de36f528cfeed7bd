// @ts-check
// One 12 MP iPhone-sized HEIC photo (4032×3024) → JPEG: `nachklang media photo` (one fresh
// process, heic-decode's WebAssembly libheif, then sharp) against Debian's native `heif-convert`
// (libheif with libde265) measured in the same run; medians of three runs each. Both write the
// full size (`--max-edge 4032`), so both decode and encode the same 12 MP; the default 2048 px
// profile is timed too, as users get it. The photo is made here with `heif-enc` (x265).
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { BIN, fmt, hasCommand, measure, median, workDir } from "./lib.js";

const missing = ["heif-enc", "heif-convert"].filter((c) => !hasCommand(c));
if (missing.length > 0) {
  console.log(`SKIPPED: ${missing.join(" and ")} not installed (apt-get install libheif-examples libheif-plugin-x265)`);
  process.exit(0);
}
const [width, height] = [4032, 3024];
const runs = 3;
const dir = workDir("heic");

try {
  // A synthetic phone photo: grain on a light background with marker-like strokes.
  const strokes = Array.from({ length: 40 }, (_, i) => `<path d="M${(i * 97) % width} ${(i * 53) % height} q300 120 600 0"/>`).join("");
  const jpeg = join(dir, "source.jpg");
  await sharp({ create: { width, height, channels: 3, background: "#ffffff", noise: { type: "gaussian", mean: 200, sigma: 18 } } })
    .composite([{ input: Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><g stroke="#203080" stroke-width="14" fill="none">${strokes}</g></svg>`) }])
    .jpeg({ quality: 92 })
    .toFile(jpeg);
  const heic = join(dir, "IMG_0001.heic");
  const enc = spawnSync("heif-enc", ["-q", "50", "-o", heic, jpeg], { stdio: ["ignore", "ignore", "inherit"] });
  if (enc.status !== 0) {
    console.log("SKIPPED: heif-enc could not write HEVC (apt-get install libheif-plugin-x265)");
    process.exit(0);
  }

  /** @type {number[]} */ const full = [];
  /** @type {number[]} */ const fitted = [];
  /** @type {number[]} */ const native = [];
  let peakMb = 0;
  for (let i = 0; i < runs; i++) {
    const a = await measure(process.execPath, [BIN, "media", "photo", heic, "--max-edge", "4032", "--out", join(dir, `full-${i}`)]);
    full.push(a.seconds);
    peakMb = Math.max(peakMb, a.peakMb);
    fitted.push((await measure(process.execPath, [BIN, "media", "photo", heic, "--out", join(dir, `fitted-${i}`)])).seconds);
    native.push((await measure("heif-convert", ["--quiet", "-q", "82", heic, join(dir, `native-${i}.jpg`)])).seconds);
  }
  const [ours, theirs, users] = [median(full), median(native), median(fitted)];
  console.log(`HEIC: ${(width * height) / 1e6} MP → JPEG, median of ${runs} fresh processes`);
  console.log(`  nachklang media photo (full size):  ${fmt(ours)} s, peak RSS ${fmt(peakMb, 0)} MB`);
  console.log(`  nachklang media photo (2048 px):    ${fmt(users)} s`);
  console.log(`  heif-convert (native, full size):   ${fmt(theirs)} s`);
  console.log(`  ratio: nachklang takes ${fmt(ours / theirs)}x the time of heif-convert (WebAssembly against native code)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
