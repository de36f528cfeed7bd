// @ts-check
// Batch: 30 clients sharing one 10-minute audio exercise, three photos and a homework text, sent
// through the real CLI (`nachklang batch`) into the hand-off folder, with a real keyring.
// Reference, measured in the same run with the same CLI: one follow-up's media (`media photo`
// and `media audio`), one unlock, and thirty seals' payload work (a `seal` of the processed
// files minus a one-byte `seal`, thirty times). Goal: batch ≤ 1.5× the reference.
// Also: the same batch with the cache disabled (`--no-cache`: every follow-up processes its media).
// Smaller quick run: NACHKLANG_BENCH_CLIENTS=5 NACHKLANG_BENCH_AUDIO_SECONDS=60 npm run bench batch
import { cpSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { BIN, clientRecipient, fmt, measure, nachklang, practice, speechLikeWav, workDir } from "./lib.js";

const CLIENTS = Number(process.env.NACHKLANG_BENCH_CLIENTS ?? 30);
const AUDIO_SECONDS = Number(process.env.NACHKLANG_BENCH_AUDIO_SECONDS ?? 600);
const SKIP_NO_CACHE = process.env.NACHKLANG_BENCH_SKIP_NO_CACHE === "1";
const work = workDir("batch");

try {
  const audio = join(work, "exercise-10min.wav");
  speechLikeWav(audio, AUDIO_SECONDS);
  const photos = [
    ["whiteboard.jpg", 2400, 1800],
    ["flipchart.png", 1600, 1200],
    ["tiny.jpg", 320, 240],
  ];
  for (const [name, width, height] of photos) {
    const image = sharp({ create: { width: Number(width), height: Number(height), channels: 3, background: "#f4f4f0", noise: { type: "gaussian", mean: 220, sigma: 12 } } });
    await (String(name).endsWith(".png") ? image.png() : image.jpeg({ quality: 90 })).toFile(join(work, String(name)));
  }

  // A practice with CLIENTS clients who have age keys and consented to the folder channel.
  const template = join(work, "template-home");
  const { env } = practice(template);
  const aliases = Array.from({ length: CLIENTS }, (_, i) => `k${String(i + 1).padStart(3, "0")}`);
  for (const a of aliases) {
    nachklang(["client", "add", a, "--lang", "de", "--age-recipient", clientRecipient()], { env });
    nachklang(["consent", "record", a, "--channel", "folder"], { env });
  }
  const batchFile = join(work, "batch.yaml");
  writeFileSync(
    batchFile,
    [
      "defaults:",
      "  audio: [exercise-10min.wav]",
      `  photos: [${photos.map(([name]) => name).join(", ")}]`,
      "  homework: { id: resource-diary, vars: { days: 7 } }",
      "followups:",
      ...aliases.flatMap((a) => [`  - client: ${a}`, `    note: "Danke für die Sitzung, ${a}."`]),
    ].join("\n") + "\n",
  );

  // Reference: the media of one follow-up, an unlock, and thirty seals' payload work.
  const processed = join(work, "processed");
  const photosRun = await measure(process.execPath, [BIN, "media", "photo", ...photos.map(([name]) => join(work, String(name))), "--out", processed]);
  const audioRun = await measure(process.execPath, [BIN, "media", "audio", audio, "--out", join(processed, "exercise.m4a")]);
  const items = readdirSync(processed).map((f) => join(processed, f));
  const one = join(work, "one.txt");
  writeFileSync(one, "x");
  const sealRun = await measure(process.execPath, [BIN, "seal", ...items, "--to", "b1", "--out", join(work, "ref.age")], { env });
  const oneRun = await measure(process.execPath, [BIN, "seal", one, "--to", "b1", "--out", join(work, "one.age")], { env });
  const media = photosRun.seconds + audioRun.seconds;
  const payload = Math.max(0, sealRun.seconds - oneRun.seconds);
  const reference = media + oneRun.seconds + CLIENTS * payload;

  const runBatch = async (/** @type {string} */ name, /** @type {string[]} */ extra) => {
    const home = join(work, name);
    cpSync(template, home, { recursive: true });
    const r = await measure(process.execPath, [BIN, "batch", batchFile, "--now", ...extra], { env: { ...env, NACHKLANG_HOME: home }, cwd: work });
    rmSync(home, { recursive: true, force: true });
    return r;
  };
  const cached = await runBatch("home-cached", []);
  console.log(`batch of ${CLIENTS} (audio ${AUDIO_SECONDS} s, 3 photos, homework), folder channel, keyring work factor 18`);
  console.log(`  reference: media of one follow-up ${fmt(media)} s + one unlocking seal ${fmt(oneRun.seconds)} s + ${CLIENTS} × ${fmt(payload, 3)} s payload = ${fmt(reference)} s`);
  console.log(`  nachklang batch:            ${fmt(cached.seconds)} s, peak RSS ${fmt(cached.peakMb, 0)} MB  → ${fmt(cached.seconds / reference)}x the reference (goal ≤ 1.5x) ${cached.seconds / reference <= 1.5 ? "OK" : "MISSED"}`);
  if (!SKIP_NO_CACHE) {
    const uncached = await runBatch("home-uncached", ["--no-cache"]);
    console.log(`  nachklang batch --no-cache: ${fmt(uncached.seconds)} s → ${fmt(uncached.seconds / reference)}x the reference; the cache saves ${fmt(uncached.seconds / cached.seconds)}x`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
