// Bundles the command-line program (src/cli/main.ts and every command it loads on demand) into
// dist/cli-bundle/, one chunk per command, for bin/nachklang.js. Loading a few bundled files
// instead of some thousand modules roughly halves the start-up of every command.
// tsc still compiles src/ to dist/ (benchmarks and tests import single modules from there).
// Run by `npm run build` after tsc.
import { build } from "esbuild";
import { rm } from "node:fs/promises";
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
const outdir = join(root, "dist", "cli-bundle");
await rm(outdir, { recursive: true, force: true });
await build({
  // The payload worker is a second entry: the worker thread of sealing loads it by path.
  entryPoints: { main: join(root, "src", "cli", "main.ts"), "payload-worker": join(root, "src", "bundle", "payload-worker.ts") },
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20.19",
  sourcemap: true,
  // Native or self-locating packages stay in node_modules: sharp (libvips), the ffmpeg
  // wrappers and binaries, and conf (required on first use, see src/practice/config.ts).
  external: ["sharp", "fluent-ffmpeg", "@ffmpeg-installer/*", "@ffprobe-installer/*", "conf", "playwright-core"],
  // CommonJS dependencies inside ES module chunks need a `require`.
  banner: { js: 'import { createRequire as __nachklangRequire } from "node:module"; const require = __nachklangRequire(import.meta.url);' },
  legalComments: "linked",
  logLevel: "warning",
  plugins: [zodEnglishOnly],
});
