// Seal/open throughput and peak memory against the stock `age` CLI on the same file, and
// `nachklang --help` start-up against `node -e 0`. Prints ratios from one run.
// Size: BENCH_MB (default 256). The keyring uses the test-only low scrypt work factor so the
// figures measure bundle throughput, not the deliberate ~1.3–2.5 s unlock.
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

  // Warm the page cache once so neither side pays for the first read.
  spawnSync("cat", [input], { stdio: ["ignore", "ignore", "ignore"] });

  const ageEnc = await measure("age", ["-r", recipient, "-o", join(dir, "age.age"), input]);
  const ourSeal = await measure(process.execPath, [bin, "seal", input, "--to", "b1", "--out", join(dir, "ours.age")], { env });
  const ageDec = await measure("age", ["-d", "-i", join(dir, "id.txt"), "-o", join(dir, "age.out"), join(dir, "age.age")]);
  const ourOpen = await measure(process.execPath, [bin, "open", join(dir, "ours.age"), "--out", join(dir, "opened")], { env });

  const rate = (s) => mb / s;
  console.log(`file: ${mb} MiB of random bytes`);
  console.log(`age encrypt      ${fmt(ageEnc.seconds)} s  ${fmt(rate(ageEnc.seconds), 0)} MB/s  peak ${fmt(ageEnc.peakMb, 0)} MB`);
  console.log(`nachklang seal   ${fmt(ourSeal.seconds)} s  ${fmt(rate(ourSeal.seconds), 0)} MB/s  peak ${fmt(ourSeal.peakMb, 0)} MB`);
  console.log(`age decrypt      ${fmt(ageDec.seconds)} s  ${fmt(rate(ageDec.seconds), 0)} MB/s  peak ${fmt(ageDec.peakMb, 0)} MB`);
  console.log(`nachklang open   ${fmt(ourOpen.seconds)} s  ${fmt(rate(ourOpen.seconds), 0)} MB/s  peak ${fmt(ourOpen.peakMb, 0)} MB`);
  console.log(`ratio seal/age-encrypt throughput: ${fmt(ageEnc.seconds / ourSeal.seconds)}  (goal >= 0.5)`);
  console.log(`ratio open/age-decrypt throughput: ${fmt(ageDec.seconds / ourOpen.seconds)}  (goal >= 0.5)`);
  console.log(`peak RSS seal ${fmt(ourSeal.peakMb, 0)} MB, open ${fmt(ourOpen.peakMb, 0)} MB  (goal < 150 MB)`);

  const runs = 15;
  const helpTimes = [];
  const nodeTimes = [];
  for (let i = 0; i < runs; i++) {
    nodeTimes.push((await measure(process.execPath, ["-e", "0"])).seconds);
    helpTimes.push((await measure(process.execPath, [bin, "--help"])).seconds);
  }
  const help = median(helpTimes);
  const node = median(nodeTimes);
  console.log(`nachklang --help ${fmt(help * 1000, 0)} ms, node -e 0 ${fmt(node * 1000, 0)} ms (median of ${runs})`);
  console.log(`ratio --help/node: ${fmt(help / node)}  (goal <= 1.5)`);
  await writeFile(join(dir, "done"), "");
} finally {
  await rm(dir, { recursive: true, force: true });
}
