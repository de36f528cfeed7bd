/**
 * Armored input is decoded as a stream: 250 MiB of ASCII-armored bundle through `verify`, with a
 * real keyring (scrypt work factor 18, not the test setting), peaks below 400 MB of resident
 * memory — the unlock itself takes about 300 MB of that. Peak RSS is VmHWM from /proc, sampled
 * while the process runs (as bench/lib.js does) and read once more at its exit.
 */
import { spawn } from "node:child_process";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { once } from "node:events";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, PASSPHRASE, runCli, tempDir } from "../helpers/cli.js";

/** The real work factor: the test-only variable is unset for every command here. */
const REAL = { NACHKLANG_INSECURE_TEST_SCRYPT_LOG_N: undefined };

let dir: string;
let cleanup: () => Promise<void>;
let home: string;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir("nachklang-armor-"));
  home = join(dir, "home");
});
afterAll(async () => {
  await cleanup();
});

/** Write `input` as age armor: the markers, 64-column base64 lines, read and written piece by piece. */
async function armor(input: string, output: string): Promise<void> {
  const out = createWriteStream(output);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, "drain");
  };
  await write("-----BEGIN AGE ENCRYPTED FILE-----\n");
  let carry = Buffer.alloc(0);
  // 48 bytes are one 64-column line; read in multiples of it.
  for await (const piece of createReadStream(input, { highWaterMark: 48 * 16384 }) as AsyncIterable<Buffer>) {
    const data = carry.length > 0 ? Buffer.concat([carry, piece]) : piece;
    const whole = data.length - (data.length % 48);
    const b64 = Buffer.from(data.subarray(0, whole).toString("base64"), "latin1");
    const lines = Buffer.allocUnsafe((b64.length / 64) * 65);
    for (let i = 0, o = 0; i < b64.length; i += 64, o += 65) {
      b64.copy(lines, o, i, i + 64);
      lines[o + 64] = 0x0a;
    }
    if (!out.write(lines)) await once(out, "drain");
    carry = Buffer.from(data.subarray(whole));
  }
  if (carry.length > 0) await write(carry.toString("base64") + "\n");
  await write("-----END AGE ENCRYPTED FILE-----\n");
  out.end();
  await once(out, "close");
}

/** Run the CLI; its peak resident memory in MB (VmHWM), sampled every 5 ms and read at exit. */
async function peakRss(args: string[]): Promise<{ code: number; stdout: string; stderr: string; peakMb: number }> {
  const hwmFile = join(dir, `hwm-${Date.now()}`);
  const preload = join(dir, "hwm.mjs");
  await writeFile(
    preload,
    `import { readFileSync, writeFileSync } from "node:fs";
process.on("exit", () => writeFileSync(${JSON.stringify(hwmFile)}, /VmHWM:\\s+(\\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))[1]));
`,
  );
  const child = spawn(process.execPath, ["--import", preload, BIN, ...args], {
    env: { ...process.env, NACHKLANG_HOME: home, NACHKLANG_PASSPHRASE: PASSPHRASE, NACHKLANG_INSECURE_TEST_SCRYPT_LOG_N: undefined, LANG: "en_US.UTF-8" },
  });
  let peakKb = 0;
  const timer = setInterval(() => {
    readFile(`/proc/${child.pid}/status`, "utf8").then(
      (status) => (peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0))),
      () => undefined,
    );
  }, 5);
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const [code] = (await once(child, "close")) as [number | null];
  clearInterval(timer);
  peakKb = Math.max(peakKb, Number(await readFile(hwmFile, "utf8")));
  return { code: code ?? -1, stdout, stderr, peakMb: peakKb / 1024 };
}

describe("armored input through verify", () => {
  it("250 MiB armored, with a real work-factor-18 unlock: peak RSS below 400 MB", async () => {
    expect((await runCli(["init", "--name", "Praxis Armor", "--lang", "en"], { home, env: REAL })).code).toBe(0);
    expect((await runCli(["client", "add", "k042"], { home, env: REAL })).code).toBe(0);
    const work = join(dir, "work");
    await mkdir(work);
    const input = join(work, "recording.bin");
    // 186 MiB binary is 252 MiB armored (4/3, plus a newline per 64 columns).
    const chunk = randomBytes(1024 * 1024);
    const out = createWriteStream(input);
    for (let i = 0; i < 186; i++) if (!out.write(chunk)) await once(out, "drain");
    out.end();
    await once(out, "close");
    const sealed = await runCli(["seal", input, "--to", "k042", "--out", join(work, "bundle.age")], { home, env: REAL });
    expect(sealed.code, sealed.stderr).toBe(0);
    await rm(input);
    const armored = join(work, "bundle.age.asc");
    await armor(join(work, "bundle.age"), armored);
    await rm(join(work, "bundle.age"));
    expect((await stat(armored)).size).toBeGreaterThan(250 * 1024 * 1024);

    const verified = await peakRss(["verify", armored]);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toContain("signature and all checksums valid");
    console.log(`verify of ${((await stat(armored)).size / 2 ** 20).toFixed(0)} MiB armored, work factor 18: peak RSS ${verified.peakMb.toFixed(0)} MB`);
    expect(verified.peakMb).toBeLessThan(400);
  }, 240_000);
});
