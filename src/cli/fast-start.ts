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
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { Script, constants } from "node:vm";
import { packagePath } from "../package-root.js";

interface FastCli {
  main(argv: readonly string[]): Promise<void>;
  warmUp(): Promise<void>;
}

/** One function expression, as Node wraps a CommonJS module, in plain ASCII (scripts/build-cli.js). */
const source = () => packagePath("dist", "cli-fast", "cli.js");
const cacheFile = () => packagePath("dist", "cli-fast", "cli.cache");

/** The CLI's CommonJS build, compiled with the code cache if there is one V8 accepts. */
export function loadFastCli(useCache = true): { cli: FastCli; script: Script } {
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
  (script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return { cli: module.exports, script };
}

/** Whether V8 took the code cache (false: there was none, or it was refused). */
export function codeCacheUsed(): boolean {
  const { script } = loadFastCli();
  return script.cachedDataRejected === false;
}

export async function start(argv: readonly string[]): Promise<void> {
  await loadFastCli().cli.main(argv);
}

/** Build time: load the fast commands' modules once and keep what V8 compiled for them. */
export async function makeCodeCache(): Promise<number> {
  const { cli, script } = loadFastCli(false);
  await cli.warmUp();
  const data = script.createCachedData();
  writeFileSync(cacheFile(), data, { mode: 0o644 });
  return data.length;
}
