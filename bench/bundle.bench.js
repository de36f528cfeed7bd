// @ts-check
// Seal and open against the stock `age` CLI on the same bytes, with a real keyring (scrypt work
// factor 18), and `nachklang --help` against `node -e 0`.
//
// A 64 MiB follow-up is the largest real one (a 90-minute exercise plus 20 photos). Per byte:
// each side's one-byte time is subtracted from its 64 MiB time, so the unlock (and Node's
// start) cancel out: ratio = (age 64 MiB − age 1 byte) / (nachklang 64 MiB − nachklang 1 byte).
// Goal ≥ 0.4. Peak RSS beyond the unlock's own (64 MiB minus one byte) < 150 MB.
// 256 MiB is printed too, without a goal. BENCH_RUNS (default 5) runs each, interleaved, medians.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BIN, fmt, hasCommand, measure, median, practice, workDir } from "./lib.js";

const runs = Number(process.env.BENCH_RUNS ?? 5);

if (!hasCommand("age")) {
  console.log("SKIPPED: the age CLI is not installed (apt-get install age)");
  process.exit(0);
}

const dir = workDir("bundle");
try {
  const { env, identityFile, recipient } = practice(join(dir, "home"));

  /** A follow-up of `mib` MiB: one recording of most of it and 20 one-MiB "photos"; also as one tar for age. */
  const followUp = (/** @type {string} */ name, /** @type {number} */ mib) => {
    const folder = join(dir, name);
    mkdirSync(folder);
    const files = [join(folder, "exercise.bin")];
    writeFileSync(files[0] ?? "", randomBytes((mib - (mib > 20 ? 20 : 0)) * 1024 * 1024));
    if (mib > 20) {
      for (let i = 0; i < 20; i++) {
        const photo = join(folder, `photo-${i}.bin`);
        writeFileSync(photo, randomBytes(1024 * 1024));
        files.push(photo);
      }
    }
    const tar = join(dir, `${name}.tar`);
    spawnSync("tar", ["cf", tar, "-C", folder, "."]);
    return { files, tar };
  };
  const one = join(dir, "one.bin");
  writeFileSync(one, "x");
  const oneTar = join(dir, "one.tar");
  spawnSync("tar", ["cf", oneTar, "-C", dir, "one.bin"]);

  /** One timed run, after reading `reads` into the page cache and flushing dirty pages; outputs removed first. */
  const timed = async (/** @type {string} */ command, /** @type {string[]} */ args, /** @type {string[]} */ reads, /** @type {string[]} */ outputs, /** @type {NodeJS.ProcessEnv} */ runEnv = process.env) => {
    for (const path of outputs) rmSync(path, { recursive: true, force: true });
    for (const path of reads) spawnSync("cat", [path], { stdio: "ignore" });
    spawnSync("sync");
    return measure(command, args, { env: runEnv });
  };

  /** Medians of `runs` interleaved runs of the four commands on one follow-up. */
  const compare = async (/** @type {string} */ tag, /** @type {string[]} */ files, /** @type {string} */ tar) => {
    const ageOut = join(dir, `age-${tag}.age`);
    const ours = join(dir, `ours-${tag}.age`);
    const plain = join(dir, `age-${tag}.out`);
    const opened = join(dir, `opened-${tag}`);
    /** @type {Record<string, () => Promise<import("./lib.js").Measured>>} */
    const commands = {
      ageEncrypt: () => timed("age", ["-r", recipient, "-o", ageOut, tar], [tar], [ageOut]),
      seal: () => timed(process.execPath, [BIN, "seal", ...files, "--to", "b1", "--out", ours], files, [ours], env),
      ageDecrypt: () => timed("age", ["-d", "-i", identityFile, "-o", plain, ageOut], [ageOut], [plain]),
      open: () => timed(process.execPath, [BIN, "open", ours, "--out", opened], [ours], [opened], env),
    };
    /** @type {Record<string, import("./lib.js").Measured[]>} */
    const results = { ageEncrypt: [], seal: [], ageDecrypt: [], open: [] };
    for (let i = 0; i < runs; i++) for (const [name, run] of Object.entries(commands)) results[name]?.push(await run());
    /** @type {Record<string, { seconds: number, peakMb: number }>} */
    const summary = {};
    for (const [name, list] of Object.entries(results)) summary[name] = { seconds: median(list.map((r) => r.seconds)), peakMb: Math.max(...list.map((r) => r.peakMb)) };
    return summary;
  };

  const small = await compare("one", [one], oneTar);
  for (const mib of [64, 256]) {
    const { files, tar } = followUp(`f${mib}`, mib);
    const big = await compare(`f${mib}`, files, tar);
    const get = (/** @type {Record<string, { seconds: number, peakMb: number }>} */ s, /** @type {string} */ name) => s[name] ?? { seconds: Number.NaN, peakMb: Number.NaN };
    const perByte = (/** @type {string} */ ours, /** @type {string} */ theirs) =>
      (get(big, theirs).seconds - get(small, theirs).seconds) / (get(big, ours).seconds - get(small, ours).seconds);
    const goal = mib === 64;
    console.log(`\n${mib} MiB follow-up (1 recording + 20 photos of random bytes), keyring work factor 18, median of ${runs}`);
    for (const [label, name] of [["age encrypt   ", "ageEncrypt"], ["nachklang seal", "seal"], ["age decrypt   ", "ageDecrypt"], ["nachklang open", "open"]]) {
      console.log(`  ${label} ${fmt(get(big, name ?? "").seconds)} s (one byte: ${fmt(get(small, name ?? "").seconds)} s), peak RSS ${fmt(get(big, name ?? "").peakMb, 0)} MB (one byte: ${fmt(get(small, name ?? "").peakMb, 0)} MB)`);
    }
    const sealRatio = perByte("seal", "ageEncrypt");
    const openRatio = perByte("open", "ageDecrypt");
    console.log(`  ratio seal/age per byte: ${fmt(sealRatio)}${goal ? `  (goal >= 0.4) ${sealRatio >= 0.4 ? "OK" : "MISSED"}` : ""}`);
    console.log(`  ratio open/age per byte: ${fmt(openRatio)}${goal ? `  (goal >= 0.4) ${openRatio >= 0.4 ? "OK" : "MISSED"}` : ""}`);
    for (const name of ["seal", "open"]) {
      const beyond = Math.round(get(big, name).peakMb - get(small, name).peakMb) || 0;
      console.log(`  ${name} peak RSS beyond the unlock's own: ${fmt(beyond, 0)} MB${goal ? `  (goal < 150 MB) ${beyond < 150 ? "OK" : "MISSED"}` : ""}`);
    }
  }

  // Each run is short and these machines are noisy: many runs, interleaved, for a stable median.
  const helpRuns = 41;
  /** @type {number[]} */
  const help = [];
  /** @type {number[]} */
  const node = [];
  for (let i = 0; i < helpRuns; i++) {
    node.push((await measure(process.execPath, ["-e", "0"])).seconds);
    help.push((await measure(process.execPath, [BIN, "--help"])).seconds);
  }
  const ratio = median(help) / median(node);
  console.log(`\nnachklang --help ${fmt(median(help) * 1000, 0)} ms, node -e 0 ${fmt(median(node) * 1000, 0)} ms (median of ${helpRuns})`);
  console.log(`ratio --help/node: ${fmt(ratio)}  (goal <= 1.5) ${ratio <= 1.5 ? "OK" : "MISSED"}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
