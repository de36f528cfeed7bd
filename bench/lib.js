// @ts-check
// Shared helpers for benchmarks. Every benchmark drives the real CLI (bin/nachklang.js) in fresh
// processes, as a practice runs it, with a real keyring (scrypt work factor 18), and prints
// ratios against reference tools measured in the same run (these machines are noisy).
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
export const BIN = join(ROOT, "bin", "nachklang.js");
export const PASSPHRASE = "bench passphrase, long enough";

/**
 * @typedef {{ seconds: number, peakMb: number }} Measured
 * @typedef {{ env?: NodeJS.ProcessEnv, cwd?: string }} RunOptions
 */

/**
 * Run a command; resolve with wall seconds and the peak resident memory of the process in MB
 * (VmHWM from /proc, sampled every 5 ms and read once more at exit).
 * @param {string} command
 * @param {readonly string[]} args
 * @param {RunOptions} [options]
 * @returns {Promise<Measured>}
 */
export function measure(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"], ...options });
    let peakKb = 0;
    let stderr = "";
    const sample = () => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
        const m = /VmHWM:\s+(\d+) kB/.exec(status);
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        // the process has exited
      }
    };
    const timer = setInterval(sample, 5);
    child.stderr?.on("data", (/** @type {Buffer} */ d) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      clearInterval(timer);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      if (code !== 0) reject(new Error(`${command} ${args.join(" ")} exited ${code}: ${stderr}`));
      else resolve({ seconds, peakMb: peakKb / 1024 });
    });
  });
}

/** @param {string} name */
export function hasCommand(name) {
  return spawnSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" }).status === 0;
}

/** @param {readonly number[]} values */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** @param {number} n @param {number} [digits] */
export const fmt = (n, digits = 2) => n.toFixed(digits);

/** A fresh temporary folder for one benchmark. @param {string} name */
export const workDir = (name) => mkdtempSync(join(tmpdir(), `nachklang-bench-${name}-`));

/**
 * Run nachklang to completion; throws with its stderr when it fails.
 * @param {readonly string[]} args
 * @param {RunOptions} [options]
 */
export function nachklang(args, options = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", ...options });
  if (r.status !== 0) throw new Error(`nachklang ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/**
 * A new practice in `home` with the real keyring work factor (the test-only variables are
 * removed from the environment), a client `b1` with an age key of their own and consent for the
 * folder channel (without either key or viewer `send` refuses the folder channel), and the
 * practice identity exported to `<home>.identity.txt`.
 * @param {string} home
 * @returns {{ env: NodeJS.ProcessEnv, identityFile: string, recipient: string }}
 */
export function practice(home) {
  /** @type {NodeJS.ProcessEnv} */
  const env = { ...process.env, NACHKLANG_HOME: home, NACHKLANG_PASSPHRASE: PASSPHRASE, LANG: "en_US.UTF-8" };
  for (const name of Object.keys(env)) if (name.includes("TEST_SCRYPT")) delete env[name];
  nachklang(["init", "--name", "Praxis Bench", "--lang", "de"], { env });
  nachklang(["client", "add", "b1", "--lang", "de", "--age-recipient", clientRecipient()], { env });
  nachklang(["consent", "record", "b1", "--channel", "folder"], { env });
  const identityFile = `${home}.identity.txt`;
  nachklang(["keys", "export", "--identity", identityFile], { env });
  const recipient = /public key: (age1\S+)/.exec(readFileSync(identityFile, "utf8"))?.[1];
  if (recipient === undefined) throw new Error("no recipient in the exported identity");
  return { env, identityFile, recipient };
}

/**
 * The public key of a fresh age identity, as a client who opens follow-ups with `age` has one
 * (`age-keygen`, installed with age).
 * @returns {string}
 */
export function clientRecipient() {
  const r = spawnSync("age-keygen", [], { encoding: "utf8" });
  const recipient = /public key: (age1\S+)/.exec(`${r.stdout}${r.stderr}`)?.[1];
  if (r.status !== 0 || recipient === undefined) throw new Error("age-keygen is needed for a client's key (it comes with age)");
  return recipient;
}

/**
 * Speech-like audio of `seconds` (pink noise in the voice band with syllable-rate tremolo),
 * 48 kHz stereo WAV as a recorder writes it.
 * @param {string} file @param {number} seconds @param {number} [seed]
 */
export function speechLikeWav(file, seconds, seed = 3) {
  const r = spawnSync("ffmpeg", [
    "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
    `anoisesrc=color=pink:amplitude=0.5:sample_rate=48000:duration=${seconds}:seed=${seed}`,
    "-af", "highpass=f=120,lowpass=f=3800,tremolo=f=4:d=0.9,tremolo=f=0.3:d=0.6",
    "-ac", "2", "-c:a", "pcm_s16le", file,
  ]);
  if (r.status !== 0) throw new Error(`ffmpeg could not generate ${file}: ${r.stderr.toString()}`);
}
