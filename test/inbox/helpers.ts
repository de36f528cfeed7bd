/** Running `nachklang inbox serve` as a real process, and looking into a home folder. */
import { spawn, type ChildProcess } from "node:child_process";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { toHex } from "../../src/channels/threema/crypto.js";
import { BIN, PASSPHRASE, ROOT, writeText } from "../helpers/cli.js";
import type { GatewayEmulator } from "../channels/threema/emulator.js";

export interface ServeProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything it wrote to stderr so far (its log). */
  stderr(): string;
  /**
   * Its log from character `since` on, once that matches `pattern` (rejects with the log after ten
   * seconds). The server writes its line before it answers, but the answer and the log reach this
   * process on two channels, in either order: read the log right after the answer and it may be
   * short.
   */
  logged(pattern: RegExp, since?: number): Promise<string>;
  stop(): Promise<void>;
}

/** Start `inbox serve` on a free loopback port and wait until it says where it listens. */
export function startServe(home: string, args: readonly string[] = [], env: Record<string, string | undefined> = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [BIN, "inbox", "serve", "--listen", "127.0.0.1:0", ...args], {
    cwd: ROOT,
    env: { ...process.env, NACHKLANG_HOME: home, NACHKLANG_PASSPHRASE: PASSPHRASE, NACHKLANG_TEST_SCRYPT_LOG_N: "10", LANG: "en_US.UTF-8", LC_ALL: undefined, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const waiting = new Set<() => void>();
  child.stderr.setEncoding("utf8").on("data", (d: string) => {
    stderr += d;
    for (const wake of waiting) wake();
  });
  // "close", not "exit": by then its stderr is read to the end, so the log after stop() is whole.
  const exited = new Promise<void>((resolve) => child.on("close", () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`inbox serve did not start: ${stdout}${stderr}`)), 30_000);
    let started = false;
    child.on("exit", (code) => {
      clearTimeout(timer);
      if (!started) reject(new Error(`inbox serve exited ${code}: ${stderr}`));
    });
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
      const url = / at (http:\/\/\S+)/.exec(stdout)?.[1];
      if (url === undefined) return;
      if (started) return;
      started = true;
      clearTimeout(timer);
      resolve({
        url,
        child,
        stderr: () => stderr,
        logged: (pattern, since = 0) =>
          new Promise<string>((found, missing) => {
            const check = () => {
              if (!pattern.test(stderr.slice(since))) return;
              done();
              found(stderr.slice(since));
            };
            const timeout = setTimeout(() => {
              done();
              missing(new Error(`inbox serve did not log ${String(pattern)} within ten seconds; its log:\n${stderr}`));
            }, 10_000);
            const done = () => {
              clearTimeout(timeout);
              waiting.delete(check);
            };
            waiting.add(check);
            check();
          }),
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
          await exited;
        },
      });
    });
  });
}

/** Every file under `dir` (recursively), with its bytes. */
export async function filesUnder(dir: string): Promise<{ path: string; data: Buffer }[]> {
  const out: { path: string; data: Buffer }[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else if (entry.isFile()) out.push({ path, data: await readFile(path) });
  }
  return out;
}

/** Files under `dir` whose bytes contain any of `needles` (UTF-8, also UTF-16 and base64 and hex of it). */
export async function plaintextHits(dir: string, needles: readonly string[]): Promise<string[]> {
  const forms = needles.flatMap((n) => [Buffer.from(n, "utf8"), Buffer.from(n, "utf16le"), Buffer.from(Buffer.from(n).toString("base64").slice(0, -4)), Buffer.from(Buffer.from(n).toString("hex"))]);
  const hits: string[] = [];
  for (const file of await filesUnder(dir)) {
    if (forms.some((f) => f.length > 0 && file.data.includes(f))) hits.push(file.path);
  }
  return hits;
}

/** Envelopes waiting in the inbox to be decoded. */
export async function pendingEnvelopes(home: string): Promise<number> {
  const dir = join(home, "inbox", "incoming");
  let n = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if ((await stat(join(dir, name))).size > 0) n++;
  }
  return n;
}

/** The arguments of `channels add threema` for the emulator's Gateway ID, its secret and key written beside `home`. */
export async function threemaChannelArgs(home: string, emulator: GatewayEmulator): Promise<string[]> {
  const secretFile = await writeText(join(home, "..", "secret.txt"), `${emulator.secret}\n`);
  const keyFile = await writeText(join(home, "..", "key.txt"), `private:${toHex(emulator.gateway.privateKey)}\n`);
  return ["channels", "add", "threema", "--gateway-id", emulator.gatewayId, "--secret-file", secretFile, "--private-key-file", keyFile, "--api-url", emulator.url];
}
