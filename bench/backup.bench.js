// @ts-check
// Backup and restore of a home the size the issue met after one afternoon (an archive of a few
// hundred MB of bundles), against stock tar | age and age -d | tar on the same files in the same
// run. NACHKLANG_BENCH_BACKUP_MB sets the archive size (default 200). Backup (it signs its list;
// no agent runs here) and restore each include one keyring unlock at the real work factor
// (scrypt 18); restore with the recovery key includes
// storing the keyring under a new passphrase (one scrypt more).
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BIN, fmt, hasCommand, measure, median, nachklang, practice, workDir } from "./lib.js";

if (!hasCommand("age") || !hasCommand("tar")) {
  console.log("SKIPPED: age and tar are needed as the reference.");
  process.exit(0);
}
const totalMb = Number(process.env.NACHKLANG_BENCH_BACKUP_MB ?? "200");
const runs = 3;
const dir = workDir("backup");
try {
  const home = join(dir, "home");
  const { env, identityFile, recipient } = practice(home);
  const recoveryFile = join(dir, "recovery.txt");
  nachklang(["keys", "recovery", "--out", recoveryFile], { env });
  // Bundles are age files: incompressible, 1 to 8 MB each.
  let written = 0;
  for (let i = 0; written < totalMb * 1024 * 1024; i++) {
    const size = (1 + (i % 8)) * 1024 * 1024;
    writeFileSync(join(home, "archive", `${i.toString(16).padStart(26, "0")}.age`), randomBytes(size));
    written += size;
  }
  const out = join(dir, "backup.age");
  const reference = join(dir, "reference.age");

  /** @param {() => Promise<import("./lib.js").Measured>} run @param {() => void} reset */
  const series = async (run, reset) => {
    /** @type {import("./lib.js").Measured[]} */
    const all = [];
    for (let i = 0; i < runs; i++) {
      reset();
      all.push(await run());
    }
    return { seconds: median(all.map((m) => m.seconds)), peakMb: Math.max(...all.map((m) => m.peakMb)) };
  };
  const gone = (/** @type {string} */ path) => () => rmSync(path, { recursive: true, force: true });

  const backup = await series(() => measure(process.execPath, [BIN, "backup", "--out", out], { env }), gone(out));
  const tarAge = await series(() => measure("sh", ["-c", `tar -C '${home}' --exclude=./cache -cf - . | age -r '${recipient}' -o '${reference}'`]), gone(reference));
  const target = join(dir, "restored");
  const restore = await series(() => measure(process.execPath, [BIN, "restore", out], { env: { ...env, NACHKLANG_HOME: target } }), gone(target));
  const recovered = await series(
    () => measure(process.execPath, [BIN, "restore", out, "--recovery-key", recoveryFile], { env: { ...env, NACHKLANG_HOME: target, NACHKLANG_PASSPHRASE: "a new bench passphrase" } }),
    gone(target),
  );
  const ageTar = await series(
    () => {
      mkdirSync(target);
      return measure("sh", ["-c", `age -d -i '${identityFile}' '${reference}' | tar -C '${target}' -xf -`]);
    },
    gone(target),
  );
  gone(target)();

  const mb = written / (1024 * 1024);
  console.log(`home: ${fmt(mb, 0)} MB in archive/, backup file ${fmt(statSync(out).size / (1024 * 1024), 0)} MB; median of ${runs} runs`);
  console.log("step                              nachklang        peak RSS   tar+age     ratio   MB/s");
  const row = (/** @type {string} */ name, /** @type {{seconds: number, peakMb: number}} */ m, /** @type {{seconds: number}} */ ref) =>
    console.log(`${name.padEnd(33)} ${fmt(m.seconds).padStart(7)} s  ${fmt(m.peakMb, 0).padStart(7)} MB  ${fmt(ref.seconds).padStart(7)} s  ${fmt(m.seconds / ref.seconds, 1).padStart(5)}x  ${fmt(mb / m.seconds, 0).padStart(5)}`);
  row("backup", backup, tarAge);
  row("restore (passphrase)", restore, ageTar);
  row("restore (recovery key, new pass)", recovered, ageTar);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
