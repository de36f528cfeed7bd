// Bundles the command-line program (src/cli/main.ts and every command it loads on demand) into
// dist/cli-bundle/, one chunk per command, for bin/nachklang.js. Loading a few bundled files
// instead of some thousand modules roughly halves the start-up of every command.
// tsc still compiles src/ to dist/ (benchmarks and tests import single modules from there).
// Run by `npm run build` after tsc.
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { readFile, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

// zod re-exports its error messages in every language (`z.locales`, about half of its code).
// nachklang never uses them (its messages come from src/messages/; zod's English default is
// imported by zod itself): only English is bundled, which halves what every command compiles.
const zodEnglishOnly = {
  name: "zod-english-only",
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer) ? { path: "zod-locales", namespace: "zod-english-only" } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "zod-english-only" }, () => ({
      contents: 'export { default as en } from "zod/v4/locales/en.js";',
      resolveDir: root,
      loader: "js",
    }));
  },
};
// commander requires child_process at load, only to run executable subcommands (nachklang has
// none); loading it also loads net, dgram and more, about 4 ms of every start (`--help`
// included). Required on first use instead.
const lazyChildProcess = {
  name: "lazy-child-process",
  setup(build) {
    build.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      /[\\/]commander[\\/]/.test(args.importer) ? { path: "child_process", namespace: "lazy-child-process" } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "lazy-child-process" }, () => ({
      contents: 'module.exports = new Proxy({}, { get: (_, name) => require("node:child_process")[name] });',
      loader: "js",
    }));
  },
};
const outdir = join(root, "dist", "cli-bundle");
await rm(outdir, { recursive: true, force: true });
const shared = {
  bundle: true,
  platform: "node",
  target: "node20.19",
  // Native or self-locating packages stay in node_modules: sharp (libvips), the ffmpeg
  // wrappers and binaries, and conf (required on first use, see src/practice/config.ts).
  external: ["sharp", "fluent-ffmpeg", "@ffmpeg-installer/*", "@ffprobe-installer/*", "conf", "playwright-core"],
  legalComments: "linked",
  logLevel: "warning",
  plugins: [zodEnglishOnly, lazyChildProcess],
};
await build({
  entryPoints: { main: join(root, "src", "cli", "main.ts") },
  ...shared,
  outdir,
  splitting: true,
  format: "esm",
  sourcemap: true,
  // CommonJS dependencies inside ES module chunks need a `require`.
  banner: { js: 'import { createRequire as __nachklangRequire } from "node:module"; const require = __nachklangRequire(import.meta.url);' },
});

// The payload worker (src/bundle/payload-worker.ts), which large seals, opens and verifies load
// by path on their second thread: one CommonJS file of its own. A worker that loads ES modules
// starts Node's ES module loader and reads each shared chunk; this file is up about 10 ms
// sooner, and the worker's start-up is on the path of a large seal (docs/decisions/payload-thread.md).
await build({
  ...shared,
  entryPoints: [join(root, "src", "bundle", "payload-worker.ts")],
  outfile: join(outdir, "payload-worker.cjs"),
  format: "cjs",
  minifyWhitespace: true,
  sourcemap: true,
});

// The fast start of seal, open and verify (src/cli/fast-start.ts): the same program as one
// CommonJS module, which Node 20 can compile with V8's code cache; then the cache, made in a
// plain `node` (V8 refuses a cache made under other flags) by loading those commands' modules
// and running each once on a throwaway practice (makeCodeCache).
const fastDir = join(root, "dist", "cli-fast");
// Only those three commands run from it (bin/nachklang.js): the command table's other commands
// are left out (about two thirds of the file, read at every start). Should one be called
// anyway, it says so instead of running.
const fastOnly = {
  name: "fast-commands-only",
  setup(build) {
    build.onResolve({ filter: /^\.\/commands\/[a-z-]+\.js$/ }, (args) =>
      args.importer.endsWith(join("src", "cli", "program.ts")) && !/\/(seal|open)\.js$/.test(args.path)
        ? { path: args.path, namespace: "fast-commands-only" }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "fast-commands-only" }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`${args.path} is not in the fast start (dist/cli-fast): run it through dist/cli-bundle`)});`,
      loader: "js",
    }));
  },
};
await rm(fastDir, { recursive: true, force: true });
// The file is one function expression, as Node's CommonJS loader would wrap it, so that it is
// compiled from the file's text as it is (no copy joined at run time), and plain ASCII without
// comments, so that the text is read into a one-byte string (both keep peak memory down).
const fastFile = join(fastDir, "cli.js");
await build({
  ...shared,
  entryPoints: [join(root, "src", "cli", "fast-main.ts")],
  outfile: fastFile,
  format: "cjs",
  plugins: [zodEnglishOnly, lazyChildProcess, fastOnly],
  minifyWhitespace: true,
  charset: "ascii",
  define: { "import.meta.url": "__nachklangUrl" },
  banner: { js: '(function (exports, require, module, __filename, __dirname) {var __nachklangUrl = require("node:url").pathToFileURL(__filename).href;' },
  footer: { js: "\n})" },
});
if ((await readFile(fastFile)).some((byte) => byte > 0x7f)) throw new Error(`${fastFile} is not plain ASCII`);
const made = spawnSync(process.execPath, ["--input-type=module", "-e", 'const { makeCodeCache } = await import("./dist/cli/fast-start.js"); await makeCodeCache();'], {
  cwd: root,
  stdio: ["ignore", "ignore", "inherit"],
});
if (made.status !== 0) throw new Error("making the code cache of the fast start failed");
