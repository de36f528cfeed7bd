/**
 * Files that ship with the package (templates, demo assets, the viewer's decryptor, package.json),
 * found from wherever the running code lives: src/ under the tests, dist/ compiled, or the bundled
 * CLI (dist/cli-bundle/). The package root is the nearest folder above with nachklang's package.json.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let root: string | undefined;

export function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown }).name === "nachklang") {
      root = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error("nachklang's package.json was not found above " + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

/** A path inside the installed package. */
export function packagePath(...parts: string[]): string {
  return join(packageRoot(), ...parts);
}
