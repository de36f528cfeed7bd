// @ts-check
// Bundles the offline viewer's decryptor (src/viewer/browser/main.ts, with age-encryption,
// noble, modern-tar and the message catalogue) into one script that src/viewer/build.ts
// inlines into each viewer page. Run by `npm run build` after tsc.
import { build } from "esbuild";
import { mkdir, readFile, writeFile } from "node:fs/promises";
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

// The viewer page inlines this script, which must not contain "<!--" or "</script"
// (src/viewer/build.ts refuses it). markdown-it carries "<!--" in string and regex literals (its
// HTML rules, unused with html: false); in both, \x3C is the same "<", so the text can be escaped
// without changing what the code does. Anything else is left for build.ts to refuse.
const script = await readFile(outfile, "utf8");
const safe = script.replaceAll("<!--", "\\x3C!--").replace(/<\/script/gi, (m) => `\\x3C${m.slice(1)}`);
if (safe !== script) await writeFile(outfile, safe);
