// Seal/open throughput and peak memory against the stock `age` CLI on the same file, and
// `nachklang --help` start-up against `node -e 0`. Prints ratios from one run.
//
// Size: BENCH_MB (default 256); BENCH_RUNS (default 5: single runs here vary by 20 % and more)
// runs of each, interleaved, medians shown.
// Before every timed run the page cache of the input is warmed and dirty pages are flushed
// (`sync`), so that neither tool pays for the other's write-back; these machines' disks are noisy.
// The keyring uses the test-only low scrypt work factor so the figures measure bundle
// throughput, not the deliberate ~1.3–2.5 s unlock.
//
// Two ratios per direction: end to end (wall time of the whole command, the goal), and
// steady state: bytes per second once started, i.e. size / (time for the file − time for a
// one-byte file), which takes out each tool's fixed start-up (Node, modules, keyring, signing).
import { spawnSync } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm, writeFile, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { measure, hasCommand, median, fmt } from "./lib.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = join(root, "bin", "nachklang.js");
const mb = Number(process.env.BENCH_MB ?? 256);
const runs = Number(process.env.BENCH_RUNS ?? 5);

if (!hasCommand("age")) {
  console.log("SKIPPED: the age CLI is not installed (apt-get install age)");
  process.exit(0);
}

const dir = await mkdtemp(join(tmpdir(), "nachklang-bench-"));
try {
  const env = { ...process.env, NACHKLANG_HOME: join(dir, "home"), NACHKLANG_PASSPHRASE: "bench", NACHKLANG_TEST_SCRYPT_LOG_N: "10" };
  const cli = (...args) => spawnSync(process.execPath, [bin, ...args], { env, encoding: "utf8" });
  cli("init", "--name", "Bench");
  cli("client", "add", "b1");
  cli("keys", "export", "--identity", join(dir, "id.txt"));
  const recipient = (await readFile(join(dir, "id.txt"), "utf8")).match(/public key: (age1\S+)/)[1];

  const input = join(dir, "input.bin");
  const out = createWriteStream(input);
  const block = randomBytes(1 << 20);
  for (let i = 0; i < mb; i++) if (!out.write(block)) await new Promise((r) => out.once("drain", r));
  await new Promise((r) => out.end(r));
  const tiny = join(dir, "tiny.bin");
  await writeFile(tiny, "x");

  /** One timed run of `args`, after warming `reads` and flushing dirty pages; outputs removed first. */
  const timed = async (command, args, reads, outputs, options) => {
    for (const path of outputs) await rm(path, { recursive: true, force: true });
    for (const path of reads) spawnSync("cat", [path], { stdio: ["ignore", "ignore", "ignore"] });
    spawnSync("sync");
    return measure(command, args, options);
  };
  const cases = (file, tag) => {
    const ageOut = join(dir, `age-${tag}.age`);
    const ours = join(dir, `ours-${tag}.age`);
    return {
      ageEnc: () => timed("age", ["-r", recipient, "-o", ageOut, file], [file], [ageOut]),
      seal: () => timed(process.execPath, [bin, "seal", file, "--to", "b1", "--out", ours], [file], [ours], { env }),
      ageDec: () => timed("age", ["-d", "-i", join(dir, "id.txt"), "-o", join(dir, `age-${tag}.out`), ageOut], [ageOut], [join(dir, `age-${tag}.out`)]),
      open: () => timed(process.execPath, [bin, "open", ours, "--out", join(dir, `opened-${tag}`)], [ours], [join(dir, `opened-${tag}`)], { env }),
    };
  };
  const results = { big: {}, tiny: {} };
  for (const [tag, file] of [
    ["big", input],
    ["tiny", tiny],
  ]) {
    const c = cases(file, tag);
    for (const name of Object.keys(c)) results[tag][name] = [];
    for (let i = 0; i < runs; i++) {
      // Encrypt before decrypt: each decrypt reads what its encrypt just wrote.
      for (const name of ["ageEnc", "seal", "ageDec", "open"]) results[tag][name].push(await c[name]());
    }
  }
  const seconds = (tag, name) => median(results[tag][name].map((r) => r.seconds));
  const peak = (name) => Math.max(...results.big[name].map((r) => r.peakMb));
  const rate = (s) => mb / s;
  const line = (label, name) =>
    console.log(`${label} ${fmt(seconds("big", name))} s  ${fmt(rate(seconds("big", name)), 0)} MB/s  peak ${fmt(peak(name), 0)} MB  (1-byte file: ${fmt(seconds("tiny", name))} s)`);
  const steady = (name) => mb / Math.max(1e-3, seconds("big", name) - seconds("tiny", name));

  console.log(`file: ${mb} MiB of random bytes; median of ${runs} runs each`);
  line("age encrypt     ", "ageEnc");
  line("nachklang seal  ", "seal");
  line("age decrypt     ", "ageDec");
  line("nachklang open  ", "open");
  console.log(`ratio seal/age-encrypt throughput, end to end: ${fmt(seconds("big", "ageEnc") / seconds("big", "seal"))}  (goal >= 0.5)`);
  console.log(`ratio open/age-decrypt throughput, end to end: ${fmt(seconds("big", "ageDec") / seconds("big", "open"))}  (goal >= 0.5)`);
  console.log(`ratio seal/age-encrypt throughput, steady state: ${fmt(steady("seal") / steady("ageEnc"))}  (${fmt(steady("seal"), 0)} vs ${fmt(steady("ageEnc"), 0)} MB/s)`);
  console.log(`ratio open/age-decrypt throughput, steady state: ${fmt(steady("open") / steady("ageDec"))}  (${fmt(steady("open"), 0)} vs ${fmt(steady("ageDec"), 0)} MB/s)`);
  console.log(`peak RSS seal ${fmt(peak("seal"), 0)} MB, open ${fmt(peak("open"), 0)} MB  (goal < 150 MB)`);

  // Each run is short and these machines are noisy: many runs, interleaved, for a stable median.
  const helpRuns = 41;
  const helpTimes = [];
  const nodeTimes = [];
  for (let i = 0; i < helpRuns; i++) {
    nodeTimes.push((await measure(process.execPath, ["-e", "0"])).seconds);
    helpTimes.push((await measure(process.execPath, [bin, "--help"])).seconds);
  }
  const help = median(helpTimes);
  const node = median(nodeTimes);
  console.log(`nachklang --help ${fmt(help * 1000, 0)} ms, node -e 0 ${fmt(node * 1000, 0)} ms (median of ${helpRuns})`);
  console.log(`ratio --help/node: ${fmt(help / node)}  (goal <= 1.5)`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
