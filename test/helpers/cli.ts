/** Run the real `bin/nachklang.js` (compiled by `npm test`'s build step) with a temporary home. */
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");
export const BIN = join(ROOT, "bin", "nachklang.js");
export const FIXTURES = resolve(ROOT, "../shared/fixtures/media");
export const PASSPHRASE = "correct horse battery staple";

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  readonly home?: string;
  readonly cwd?: string;
  readonly env?: Record<string, string | undefined>;
  readonly input?: string;
  /** Another copy of bin/nachklang.js to run (default: this checkout's). */
  readonly bin?: string;
}

export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    NACHKLANG_PASSPHRASE: PASSPHRASE,
    NACHKLANG_TEST_SCRYPT_LOG_N: "10",
    LANG: "en_US.UTF-8",
    LC_ALL: undefined,
    LC_MESSAGES: undefined,
    ...options.env,
  };
  if (options.home !== undefined) env.NACHKLANG_HOME = options.home;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [options.bin ?? BIN, ...args], {
      cwd: options.cwd ?? ROOT,
      env: env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}

/** A fresh temporary folder, removed by the returned cleanup. */
export async function tempDir(prefix = "nachklang-test-"): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A temporary home with an initialised practice (low test-only scrypt work factor). */
export async function initHome(name = "Praxis Test"): Promise<{ home: string; cleanup: () => Promise<void> }> {
  const { dir, cleanup } = await tempDir();
  const home = join(dir, "home");
  const result = await runCli(["init", "--name", name, "--lang", "en"], { home });
  if (result.code !== 0) throw new Error(`init failed: ${result.stderr}`);
  return { home, cleanup };
}

export async function writeText(path: string, text: string): Promise<string> {
  await writeFile(path, text);
  return path;
}
