// Batch benchmark: 30 clients sharing one 10-minute audio exercise, three photos and a homework
// text, sent through the real CLI (`nachklang batch`) into the hand-off folder.
// Reference, measured in the same run: one follow-up's media processing (the three photos and
// the audio through sharp/ffmpeg) plus thirty seals. Goal: batch ≤ 1.5× the reference.
// Also: the same batch with the cache disabled (`--no-cache`: every follow-up processes its media).
// Smaller quick run: NACHKLANG_BENCH_CLIENTS=5 NACHKLANG_BENCH_AUDIO_SECONDS=60 npm run bench batch
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { fmt, measure } from "./lib.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const fixtures = join(root, "../shared/fixtures/media");
const CLIENTS = Number(process.env.NACHKLANG_BENCH_CLIENTS ?? 30);
const AUDIO_SECONDS = Number(process.env.NACHKLANG_BENCH_AUDIO_SECONDS ?? 600);
const SKIP_NO_CACHE = process.env.NACHKLANG_BENCH_SKIP_NO_CACHE === "1";
const PASSPHRASE = "bench passphrase";
const env = { ...process.env, NACHKLANG_PASSPHRASE: PASSPHRASE, NACHKLANG_TEST_SCRYPT_LOG_N: "10", LANG: "en_US.UTF-8" };
const bin = join(root, "bin", "nachklang.js");

const { processPhoto, processAudio } = await import("../dist/media/index.js");
const { sealBundle } = await import("../dist/bundle/seal.js");
const { unlockKeyring } = await import("../dist/practice/keyring.js");
const { loadTemplateLibrary, renderTemplate } = await import("../dist/templates/index.js");

const work = mkdtempSync(join(tmpdir(), "nachklang-bench-batch-"));
const cli = (home, args) => {
  const r = spawnSync(process.execPath, [bin, ...args], { env: { ...env, NACHKLANG_HOME: home }, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`nachklang ${args.join(" ")}: ${r.stderr}`);
  return r;
};
try {
  // Inputs: a 10-minute exercise (the German fixture looped), three photos.
  const audio = join(work, "exercise-10min.wav");
  const ff = spawnSync("ffmpeg", ["-v", "error", "-stream_loop", "-1", "-i", join(fixtures, "exercise-de.wav"), "-t", String(AUDIO_SECONDS), "-y", audio]);
  if (ff.status !== 0) throw new Error(`ffmpeg: ${ff.stderr}`);
  const photos = ["whiteboard.jpg", "flipchart.png", "tiny.jpg"].map((f) => {
    cpSync(join(fixtures, f), join(work, f));
    return f;
  });

  // A practice with CLIENTS clients who consented to the folder channel.
  const template = join(work, "template-home");
  cli(template, ["init", "--name", "Praxis Bench", "--lang", "de"]);
  const aliases = Array.from({ length: CLIENTS }, (_, i) => `k${String(i + 1).padStart(3, "0")}`);
  for (const a of aliases) {
    cli(template, ["client", "add", a, "--lang", "de"]);
    cli(template, ["consent", "record", a, "--channel", "folder"]);
  }
  const batchFile = join(work, "batch.yaml");
  writeFileSync(
    batchFile,
    [
      "defaults:",
      "  audio: [exercise-10min.wav]",
      `  photos: [${photos.join(", ")}]`,
      "  homework: { id: resource-diary, vars: { days: 7 } }",
      "followups:",
      ...aliases.flatMap((a) => [`  - client: ${a}`, `    note: "Danke für die Sitzung, ${a}."`]),
    ].join("\n") + "\n",
  );

  // Reference: one follow-up's media processing plus thirty seals.
  const keyring = await unlockKeyring(join(template, "keyring.age"), PASSPHRASE);
  const library = await loadTemplateLibrary({});
  const refStart = process.hrtime.bigint();
  const out = join(work, "reference");
  const items = [];
  for (const [i, p] of photos.entries()) {
    const dir = join(out, `p${i}`);
    const r = await processPhoto(join(work, p), dir, { maxEdge: 2048, format: "jpeg" });
    items.push({ file: r.file, kind: "photo", mime: r.mime, width: r.width, height: r.height });
  }
  const a = await processAudio(audio, join(out, "a"), { format: "m4a" });
  items.push({ file: a.file, kind: "audio", mime: a.mime, durationSeconds: a.durationSeconds });
  const rendered = await renderTemplate(library.get("resource-diary", "de"), { days: "7" });
  writeFileSync(join(out, "resource-diary.txt"), `${rendered.title}\n\n${rendered.text}\n`);
  items.push({ file: join(out, "resource-diary.txt"), kind: "homework", mime: "text/plain; charset=utf-8" });
  const mediaSeconds = Number(process.hrtime.bigint() - refStart) / 1e9;
  for (const alias of aliases) {
    await sealBundle({
      items,
      message: `Danke für die Sitzung, ${alias}.`,
      client: alias,
      lang: "de",
      practice: { name: "Praxis Bench", ageRecipient: keyring.ageRecipient, keyId: keyring.keyId, signing: keyring.signing },
      outDir: join(out, "sealed"),
    });
  }
  const reference = Number(process.hrtime.bigint() - refStart) / 1e9;

  const runBatch = async (name, extra) => {
    const home = join(work, name);
    cpSync(template, home, { recursive: true });
    const r = await measure(process.execPath, [bin, "batch", batchFile, ...extra], { env: { ...env, NACHKLANG_HOME: home } });
    rmSync(home, { recursive: true, force: true });
    return r;
  };
  const cached = await runBatch("home-cached", []);
  console.log(`batch of ${CLIENTS} (audio ${AUDIO_SECONDS} s, 3 photos, homework), folder channel`);
  console.log(`  reference: media of one follow-up ${fmt(mediaSeconds)} s + ${CLIENTS} seals = ${fmt(reference)} s`);
  console.log(`  nachklang batch:            ${fmt(cached.seconds)} s, peak RSS ${fmt(cached.peakMb, 0)} MB  → ${fmt(cached.seconds / reference)}x the reference (goal ≤ 1.5x)`);
  if (!SKIP_NO_CACHE) {
    const uncached = await runBatch("home-uncached", ["--no-cache"]);
    console.log(`  nachklang batch --no-cache: ${fmt(uncached.seconds)} s → ${fmt(uncached.seconds / reference)}x the reference; the cache saves ${fmt(uncached.seconds / cached.seconds)}x`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
