/**
 * Fast start for `seal`, `open` and `verify`, whose start-up counts against every payload:
 * the whole CLI as one CommonJS module (dist/cli-fast/cli.js, built from the same sources as
 * the split build by scripts/build-cli.js) compiled with V8's code cache (cli.cache, made at
 * build time by loading the commands' modules once). Node 20 has no code cache for ES modules;
 * compiling the modules these commands load is about a third of their own start-up here.
 * Everything else starts from the split build (dist/cli-bundle/), which loads only the command
 * it runs. bin/nachklang.js decides which.
 *
 * A cache made by another Node version, or damaged, is refused by V8 (it checks the version,
 * the flags and the source): the CLI is then compiled as usual, only slower. Rebuild
 * (`npm run build`) after changing Node to get the speed back.
 */
import type { Script as ScriptType } from "node:vm";
import { prepared, WORKER_FROM_BYTES, type PreparedWorker } from "../bundle/worker-ahead.js";

// Builtins through process.getBuiltinModule rather than `import`: an ES module gets a module
// facade made for each builtin it imports, about 15 ms of CPU time at every start of these
// commands here (docs/decisions/fast-start.md); the CLI itself requires them without facades.
const { readFileSync, statSync } = process.getBuiltinModule("node:fs");
const { createRequire } = process.getBuiltinModule("node:module");
const path = process.getBuiltinModule("node:path");
const { fileURLToPath } = process.getBuiltinModule("node:url");
const { Script, constants } = process.getBuiltinModule("node:vm");

interface FastCli {
  main(argv: readonly string[]): Promise<void>;
  warmUp(): Promise<void>;
  handOver(worker: PreparedWorker): void;
}

/** A file of the build. This module is src/cli/ (tests) or dist/cli/: the package is two folders up. */
const built = (name: string) => fileURLToPath(new URL(`../../dist/${name}`, import.meta.url));
/** One function expression, as Node wraps a CommonJS module, in plain ASCII (scripts/build-cli.js). */
const source = () => built("cli-fast/cli.js");
const cacheFile = () => built("cli-fast/cli.cache");

/** The CLI's CommonJS build, compiled with the code cache if there is one V8 accepts. */
export function loadFastCli(useCache = true): { cli: FastCli; script: ScriptType } {
  const file = source();
  let cachedData: Buffer | undefined;
  if (useCache) {
    try {
      cachedData = readFileSync(cacheFile());
    } catch {
      // No cache (not built yet): compiled as usual.
    }
  }
  // ASCII: read as Latin-1, V8 keeps it as a one-byte string.
  const script = new Script(readFileSync(file, "latin1"), {
    filename: file,
    ...(cachedData !== undefined ? { cachedData } : {}),
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const module = { exports: {} as FastCli };
  (script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file));
  return { cli: module.exports, script };
}

/** Whether V8 took the code cache (false: there was none, or it was refused). */
export function codeCacheUsed(): boolean {
  const { script } = loadFastCli();
  return script.cachedDataRejected === false;
}

/**
 * The payload worker (the file worker-spare.ts starts), started now if the files the arguments
 * name come to WORKER_FROM_BYTES or more, as the commands decide it: the bundle of a large
 * `open` or `verify`, the items of a large `seal`. Its start-up (30–110 ms here) then runs
 * beside loading the CLI rather than after it; starting it with the command's arguments parsed
 * was often too late, and the payload waited for it. Arguments are not parsed here, only looked
 * at: an option's value that names a file counts too, and should that start a worker the
 * command does not use, the worker does not keep the process alive.
 */
export function workerAhead(args: readonly string[]): PreparedWorker | undefined {
  let total = 0;
  for (const arg of args) {
    if (arg.startsWith("-")) continue;
    try {
      const info = statSync(arg, { throwIfNoEntry: false });
      if (info?.isFile() === true) total += info.size;
    } catch {
      // Not a path (a NUL in it, say): the command reports what it makes of it.
    }
  }
  if (total < WORKER_FROM_BYTES) return undefined;
  try {
    const { Worker } = process.getBuiltinModule("node:worker_threads");
    return prepared(new Worker(built("cli-bundle/payload-worker.cjs")));
  } catch {
    // Only a head start: the command starts the worker itself, and reports if that fails.
    return undefined;
  }
}

export async function start(argv: readonly string[]): Promise<void> {
  const worker = workerAhead(argv.slice(2));
  const { cli } = loadFastCli();
  if (worker !== undefined) cli.handOver(worker);
  await cli.main(argv);
}

/**
 * Build time: load the fast commands' modules, run each command once on a throwaway practice
 * (so that what they run is compiled too: about 8 ms more of a small `seal` here), and keep
 * what V8 compiled. Should the practice not come about, the cache holds the modules alone.
 */
export async function makeCodeCache(): Promise<number> {
  const { spawnSync } = await import("node:child_process");
  const { randomBytes } = await import("node:crypto");
  const { mkdtempSync, rmSync, writeFileSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { packagePath } = await import("../package-root.js");
  const { cli, script } = loadFastCli(false);
  await cli.warmUp();
  const dir = mkdtempSync(path.join(tmpdir(), "nachklang-cache-"));
  try {
    // The split build makes the practice (init and client are not in the fast build); a random
    // passphrase and the tests' low scrypt work factor: nothing here is ever used again.
    const env = { ...process.env, NACHKLANG_HOME: path.join(dir, "home"), NACHKLANG_PASSPHRASE: randomBytes(16).toString("hex"), NACHKLANG_TEST_SCRYPT_LOG_N: "10" };
    const bin = packagePath("bin", "nachklang.js");
    const made = [["init", "--name", "Cache"], ["client", "add", "c1", "--lang", "en"]].every(
      (args) => spawnSync(process.execPath, [bin, ...args], { env, stdio: "ignore" }).status === 0,
    );
    if (made) {
      writeFileSync(path.join(dir, "note.txt"), "nachklang");
      Object.assign(process.env, env);
      for (const args of [
        ["seal", path.join(dir, "note.txt"), "--to", "c1", "--out", path.join(dir, "note.age")],
        ["verify", path.join(dir, "note.age")],
        ["open", path.join(dir, "note.age"), "--out", path.join(dir, "opened")],
      ]) {
        await cli.main(["node", "nachklang", ...args]);
      }
      process.exitCode = 0;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const data = script.createCachedData();
  writeFileSync(cacheFile(), data, { mode: 0o644 });
  return data.length;
}
