// @ts-check
// The build: esbuild bundles the command-line program into dist/ (docs/decisions/start-up.md).
// Entries: dist/cli/main.js (bin/nachklang.js loads it), dist/agent/main.js (the agent process
// that `nachklang unlock` starts), and two modules that tests load by path in a child process
// (dist/delivery/ledger.js, dist/temp.js), and the Threema crypto the inbox benchmark uses. Everything they load on demand (each command, the
// channels, media, templates) becomes a chunk under dist/chunks/, loaded only when used.
// Type checking is `npm run typecheck` (tsc); tsc emits nothing. Run by `npm run build`.
import { build } from "esbuild";
import { rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");

// commander requires child_process when it loads, only to run executable subcommands (nachklang
// has none); that also loads net, dgram and more for every command. Required on first use.
/** @type {import("esbuild").Plugin} */
const lazyChildProcess = {
  name: "lazy-child-process",
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      /[\\/]commander[\\/]/.test(args.importer) ? { path: "child_process", namespace: "lazy-child-process" } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "lazy-child-process" }, () => ({
      contents: 'module.exports = new Proxy({}, { get: (_, name) => require("node:child_process")[name] });',
      loader: "js",
    }));
  },
};

// zod re-exports its error messages in some 40 languages as one namespace (`locales`), which the
// bundle keeps whole (≈300 KB parsed by every command). nachklang writes its own messages and never
// reads zod's translations, so that namespace is reduced to the English one zod configures itself.
/** @type {import("esbuild").Plugin} */
const zodEnglishOnly = {
  name: "zod-english-only",
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/]/.test(args.importer) ? { path: join(dirname(args.importer), "..", "locales", "en.js"), namespace: "zod-english-only" } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "zod-english-only" }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      loader: "js",
      resolveDir: dirname(args.path),
    }));
  },
};

// The viewer's decryptor (dist/viewer/decryptor.js) is built afterwards by build-viewer.js.
await rm(dist, { recursive: true, force: true });
await build({
  entryPoints: {
    "cli/main": join(root, "src", "cli", "main.ts"),
    "agent/main": join(root, "src", "agent", "main.ts"),
    "delivery/ledger": join(root, "src", "delivery", "ledger.ts"),
    temp: join(root, "src", "temp.ts"),
    // The inbox benchmark builds Gateway callbacks with the same crypto the server checks.
    "channels/threema/crypto": join(root, "src", "channels", "threema", "crypto.ts"),
    "channels/threema/callback": join(root, "src", "channels", "threema", "callback.ts"),
  },
  outdir: dist,
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20.19",
  // Native or self-locating packages stay in node_modules: sharp (libvips), the ffmpeg wrapper
  // and binaries, heic-decode (reads its WebAssembly next to itself), and conf (required on
  // first use, see src/practice/config.ts).
  external: ["sharp", "fluent-ffmpeg", "@ffmpeg-installer/*", "@ffprobe-installer/*", "heic-decode", "conf"],
  // Whitespace and syntax only: stack traces (--debug) keep their names.
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: true,
  legalComments: "linked",
  logLevel: "warning",
  plugins: [lazyChildProcess, zodEnglishOnly],
  // CommonJS dependencies inside ES module chunks need a `require`.
  banner: { js: 'import { createRequire as __nachklangRequire } from "node:module"; const require = __nachklangRequire(import.meta.url);' },
});
