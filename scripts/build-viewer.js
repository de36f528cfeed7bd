// @ts-check
// Bundles the offline viewer's decryptor (src/viewer/browser/main.ts, with age-encryption,
// noble, modern-tar and the message catalogue) into one script that src/viewer/build.ts
// inlines into each viewer page. Run by `npm run build` after tsc.
import { build } from "esbuild";
import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outfile = join(root, "dist", "viewer", "decryptor.js");
await mkdir(dirname(outfile), { recursive: true });
await build({
  entryPoints: [join(root, "src", "viewer", "browser", "main.ts")],
  outfile,
  bundle: true,
  format: "iife",
  platform: "browser",
  // noble needs BigInt (ES2020); phones from about 2020 on have it.
  target: "es2020",
  minify: true,
  legalComments: "eof",
  charset: "ascii",
  logLevel: "warning",
});
