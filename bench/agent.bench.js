// @ts-check
// The practice unlocked once (`nachklang unlock`, the agent) against every command unlocking the
// keyring itself (the passphrase from the environment, scrypt at work factor 18), through the real
// CLI in fresh processes, with the reference measured in the same run (docs/agent.md). Printed,
// with the agent and without it beside:
// - `send ALIAS --note … --now --yes` (folder channel) and `status ALIAS` against `node -e 0`,
//   and peak RSS. Goals with the agent: send ≤ 4x and ≤ 120 MB, status ≤ 3x.
// - Sealing and opening a 64 MiB follow-up against the stock `age` CLI, end to end (start, unlock
//   and all). Goal with the agent: ≥ 0.4x age's speed both ways.
// - A follow-up with a 20-minute recording sent twice: the second takes the media cache's
//   result. Goal with the agent: ≥ 20x faster than the first.
// - 20 photos of 12 MP sent in one follow-up, against `vipsthumbnail` run per file (cache
//   cleared before each). Goal with the agent: ≥ 1.2x faster.
// BENCH_RUNS (default 5; start-up: 4x as many) runs each, interleaved, medians. NACHKLANG_BENCH_SMALL=1
// uses 2 minutes of audio, 4 photos of 3 MP and 16 MiB, for a quick look.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { BIN, fmt, hasCommand, measure, median, nachklang, practice, speechLikeWav, workDir } from "./lib.js";

const runs = Number(process.env.BENCH_RUNS ?? 5);
const small = process.env.NACHKLANG_BENCH_SMALL === "1";
const dir = workDir("agent");
/** @type {number | undefined} */
let agentPid;

/** @typedef {import("./lib.js").Measured} Measured */
/** @param {readonly Measured[]} list */
const summary = (list) => ({ seconds: median(list.map((m) => m.seconds)), peakMb: Math.max(...list.map((m) => m.peakMb)) });
const verdict = (/** @type {boolean} */ ok) => (ok ? "OK" : "MISSED");

try {
  const { env: withPassphrase, identityFile, recipient } = practice(join(dir, "home"));
  /** Commands that find the agent need no passphrase: it is left out, so none could be used. */
  const withAgent = { ...withPassphrase };
  delete withAgent.NACHKLANG_PASSPHRASE;
  delete withAgent.XDG_RUNTIME_DIR;
  delete withPassphrase.XDG_RUNTIME_DIR;
  const cli = (/** @type {string[]} */ args, /** @type {NodeJS.ProcessEnv} */ env) => measure(process.execPath, [BIN, ...args], { env, cwd: dir });

  // --- inputs ---
  const mib = small ? 16 : 64;
  const followUp = join(dir, "followup");
  mkdirSync(followUp);
  const files = [join(followUp, "exercise.bin")];
  writeFileSync(files[0] ?? "", randomBytes((mib - 8) * 1024 * 1024));
  for (let i = 0; i < 8; i++) {
    const file = join(followUp, `photo-${i}.bin`);
    writeFileSync(file, randomBytes(1024 * 1024));
    files.push(file);
  }
  const tar = join(dir, "followup.tar");
  spawnSync("tar", ["cf", tar, "-C", followUp, "."]);

  const count = small ? 4 : 20;
  const [width, height] = small ? [2000, 1500] : [4000, 3000];
  const strokes = Array.from({ length: 40 }, (_, i) => `<path d="M${(i * 97) % width} ${(i * 53) % height} q300 120 600 0"/>`).join("");
  const base = await sharp({ create: { width, height, channels: 3, background: "#ffffff", noise: { type: "gaussian", mean: 200, sigma: 18 } } })
    .composite([{ input: Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><g stroke="#203080" stroke-width="14" fill="none">${strokes}</g></svg>`) }])
    .raw()
    .toBuffer({ resolveWithObject: true });
  /** @type {string[]} */
  const photos = [];
  for (let i = 0; i < count; i++) {
    const file = join(dir, `photo-${String(i).padStart(2, "0")}.jpg`);
    await sharp(base.data, { raw: base.info }).modulate({ brightness: 0.9 + i * 0.01, hue: i * 7 }).jpeg({ quality: 92 }).toFile(file);
    photos.push(file);
  }
  const minutes = small ? 2 : 20;
  const wav = join(dir, "exercise.wav");
  speechLikeWav(wav, minutes * 60);

  /** @type {Record<string, Record<string, any>>} */
  const results = { agent: {}, passphrase: {} };

  /** Everything measured in one mode (the agent running, or not). */
  const measureMode = async (/** @type {"agent" | "passphrase"} */ mode, /** @type {NodeJS.ProcessEnv} */ env) => {
    const r = results[mode] ?? {};
    // Start-up: many short runs, interleaved with node -e 0.
    const startRuns = mode === "agent" ? runs * 4 : runs;
    /** @type {Record<string, Measured[]>} */
    const start = { node: [], status: [], send: [] };
    for (let i = 0; i < startRuns; i++) {
      start.node?.push(await measure(process.execPath, ["-e", "0"]));
      start.status?.push(await cli(["status", "b1"], env));
      start.send?.push(await cli(["send", "b1", "--note", "Danke für die Sitzung.", "--now", "--yes"], env));
    }
    r.node = summary(start.node ?? []);
    r.status = summary(start.status ?? []);
    r.send = summary(start.send ?? []);
    r.startRuns = startRuns;

    // 64 MiB end to end, against age on the same bytes (the tar of the same files).
    const ours = join(dir, `ours-${mode}.age`);
    const theirs = join(dir, `age-${mode}.age`);
    /** @type {Record<string, Measured[]>} */
    const big = { ageEncrypt: [], seal: [], ageDecrypt: [], open: [] };
    for (let i = 0; i < runs; i++) {
      for (const path of [ours, theirs, join(dir, "age.out"), join(dir, "opened")]) rmSync(path, { recursive: true, force: true });
      big.ageEncrypt?.push(await measure("age", ["-r", recipient, "-o", theirs, tar]));
      big.seal?.push(await cli(["seal", ...files, "--to", "b1", "--out", ours], env));
      big.ageDecrypt?.push(await measure("age", ["-d", "-i", identityFile, "-o", join(dir, "age.out"), theirs]));
      big.open?.push(await cli(["open", ours, "--out", join(dir, "opened")], env));
    }
    for (const [name, list] of Object.entries(big)) r[name] = summary(list);

    // 20 photos in one follow-up, the media cache cleared before each run.
    /** @type {Measured[]} */
    const sends = [];
    /** @type {number[]} */
    const vips = [];
    for (let i = 0; i < Math.max(1, Math.ceil(runs / 2)); i++) {
      nachklang(["cache", "clear"], { env: withPassphrase });
      sends.push(await cli(["send", "b1", ...photos.flatMap((p) => ["--photo", p]), "--now", "--yes"], env));
      const out = join(dir, `vips-${mode}-${i}`);
      mkdirSync(out);
      const t = performance.now();
      for (const file of photos) {
        const v = spawnSync("vipsthumbnail", [file, "--size", "2048", "-o", join(out, "%s.jpg[Q=82,strip]")], { stdio: "inherit" });
        if (v.status !== 0) throw new Error(`vipsthumbnail failed on ${file}`);
      }
      vips.push((performance.now() - t) / 1000);
    }
    r.photos = summary(sends);
    r.vips = median(vips);

    // The same recording twice: processed, then from the cache.
    nachklang(["cache", "clear"], { env: withPassphrase });
    r.cold = await cli(["send", "b1", "--audio", wav, "--now", "--yes"], env);
    /** @type {Measured[]} */
    const warm = [];
    for (let i = 0; i < runs; i++) warm.push(await cli(["send", "b1", "--audio", wav, "--now", "--yes"], env));
    r.cached = summary(warm);
  };

  if (!hasCommand("age") || !hasCommand("vipsthumbnail")) {
    console.log("SKIPPED: needs the age CLI and vipsthumbnail (apt-get install age libvips-tools)");
    process.exit(0);
  }
  agentPid = JSON.parse(nachklang(["--json", "unlock", "--for", "8h"], { env: withPassphrase })).pid;
  await measureMode("agent", withAgent);
  nachklang(["lock"], { env: withAgent });
  agentPid = undefined;
  await measureMode("passphrase", withPassphrase);

  const a = results.agent ?? {};
  const p = results.passphrase ?? {};
  const ratio = (/** @type {{seconds: number}} */ m, /** @type {{seconds: number}} */ node) => m.seconds / node.seconds;
  const line = (/** @type {string} */ label, /** @type {(r: Record<string, any>) => string} */ show) => console.log(`  ${label.padEnd(34)} ${show(a).padEnd(34)} ${show(p)}`);
  console.log(`keyring work factor 18; folder channel; ${mib} MiB; ${count} photos of ${(width * height) / 1e6} MP; ${minutes}-minute recording`);
  console.log(`  ${"".padEnd(34)} ${"with the agent".padEnd(34)} without (passphrase, scrypt each time)`);
  line("node -e 0", (r) => `${fmt(r.node.seconds * 1000, 0)} ms (median of ${r.startRuns})`);
  line("status b1", (r) => `${fmt(r.status.seconds, 3)} s = ${fmt(ratio(r.status, r.node))}x, ${fmt(r.status.peakMb, 0)} MB`);
  line("send b1 --note … --now --yes", (r) => `${fmt(r.send.seconds, 3)} s = ${fmt(ratio(r.send, r.node))}x, ${fmt(r.send.peakMb, 0)} MB`);
  line(`seal ${mib} MiB (age: encrypt)`, (r) => `${fmt(r.seal.seconds)} s (${fmt(r.ageEncrypt.seconds)} s) = ${fmt(r.ageEncrypt.seconds / r.seal.seconds)}x age`);
  line(`open ${mib} MiB (age: decrypt)`, (r) => `${fmt(r.open.seconds)} s (${fmt(r.ageDecrypt.seconds)} s) = ${fmt(r.ageDecrypt.seconds / r.open.seconds)}x age`);
  line(`send ${count} photos (vipsthumbnail)`, (r) => `${fmt(r.photos.seconds)} s (${fmt(r.vips)} s) = ${fmt(r.vips / r.photos.seconds)}x faster`);
  line("recording sent: first, again", (r) => `${fmt(r.cold.seconds, 1)} s, ${fmt(r.cached.seconds, 2)} s = ${fmt(r.cold.seconds / r.cached.seconds, 1)}x`);
  line("peak RSS: send photos, recording", (r) => `${fmt(r.photos.peakMb, 0)} MB, ${fmt(Math.max(r.cold.peakMb, r.cached.peakMb), 0)} MB`);
  console.log("goals with the agent:");
  console.log(`  send ≤ 4x node: ${fmt(ratio(a.send, a.node))}x ${verdict(ratio(a.send, a.node) <= 4)}; peak RSS ≤ 120 MB: ${fmt(a.send.peakMb, 0)} MB ${verdict(a.send.peakMb <= 120)}`);
  console.log(`  status ≤ 3x node: ${fmt(ratio(a.status, a.node))}x ${verdict(ratio(a.status, a.node) <= 3)}`);
  console.log(`  seal ≥ 0.4x age: ${fmt(a.ageEncrypt.seconds / a.seal.seconds)}x ${verdict(a.ageEncrypt.seconds / a.seal.seconds >= 0.4)}; open ≥ 0.4x age: ${fmt(a.ageDecrypt.seconds / a.open.seconds)}x ${verdict(a.ageDecrypt.seconds / a.open.seconds >= 0.4)}`);
  console.log(`  cached follow-up ≥ 20x faster: ${fmt(a.cold.seconds / a.cached.seconds, 1)}x ${verdict(a.cold.seconds / a.cached.seconds >= 20)}`);
  console.log(`  ${count} photos ≥ 1.2x vipsthumbnail: ${fmt(a.vips / a.photos.seconds)}x ${verdict(a.vips / a.photos.seconds >= 1.2)}`);
} finally {
  if (agentPid !== undefined) {
    try {
      process.kill(agentPid, "SIGTERM");
    } catch {
      // already gone
    }
  }
  rmSync(dir, { recursive: true, force: true });
}
