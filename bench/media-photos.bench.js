// 20 photos of 12 megapixels → 2048 px JPEG: nachklang (sharp, in parallel) against Debian's
// `vipsthumbnail` run once per file, as a user's shell loop would. Goal: at least 1.2x faster.
// NACHKLANG_BENCH_SMALL=1 runs 4 photos of 3 MP for a quick check.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { processPhoto } from "../dist/media/index.js";

const small = process.env.NACHKLANG_BENCH_SMALL === "1";
const count = small ? 4 : 20;
const [width, height] = small ? [2000, 1500] : [4000, 3000];
const dir = mkdtempSync(join(tmpdir(), "nachklang-bench-photos-"));

try {
  // Synthetic phone photos: a lit gradient with marker-like strokes and sensor grain, each one a
  // little different, saved as quality-92 JPEGs (about what a phone writes).
  const base = await sharp({ create: { width, height, channels: 3, noise: { type: "gaussian", mean: 200, sigma: 18 } } })
    .composite([{ input: Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><g stroke="#203080" stroke-width="14" fill="none">${Array.from({ length: 40 }, (_, i) => `<path d="M${(i * 97) % width} ${(i * 53) % height} q300 120 600 0"/>`).join("")}</g></svg>`) }])
    .raw()
    .toBuffer({ resolveWithObject: true });
  const inputs = [];
  for (let i = 0; i < count; i++) {
    const file = join(dir, `photo-${String(i).padStart(2, "0")}.jpg`);
    await sharp(base.data, { raw: base.info }).modulate({ brightness: 0.9 + i * 0.01, hue: i * 7 }).jpeg({ quality: 92 }).toFile(file);
    inputs.push(file);
  }

  // nachklang: all photos, a few at a time (sharp/libvips also uses threads inside each).
  const ours = join(dir, "ours");
  const concurrency = Math.max(2, cpus().length);
  let t = performance.now();
  const queue = [...inputs];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let file = queue.shift(); file !== undefined; file = queue.shift()) await processPhoto(file, ours, { maxEdge: 2048 });
    }),
  );
  const oursMs = performance.now() - t;

  // vipsthumbnail, once per file: fit in 2048, JPEG Q 82, no metadata.
  const theirs = join(dir, "vips");
  mkdirSync(theirs);
  t = performance.now();
  for (const file of inputs) {
    const r = spawnSync("vipsthumbnail", [file, "--size", "2048", "-o", join(theirs, "%s.jpg[Q=82,strip]")], { stdio: "inherit" });
    if (r.status !== 0) throw new Error(`vipsthumbnail failed on ${file}`);
  }
  const vipsMs = performance.now() - t;

  const ratio = vipsMs / oursMs;
  console.log(`photos: ${count} × ${(width * height) / 1e6} MP → 2048 px JPEG`);
  console.log(`  nachklang (sharp, ${concurrency} at a time): ${(oursMs / 1000).toFixed(2)} s`);
  console.log(`  vipsthumbnail per file:                ${(vipsMs / 1000).toFixed(2)} s`);
  console.log(`  ratio: ${ratio.toFixed(2)}x faster (goal ≥ 1.2x) ${ratio >= 1.2 ? "OK" : "MISSED"}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
