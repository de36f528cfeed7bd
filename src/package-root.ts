/**
 * Files that ship with the package (templates, demo assets, the viewer's decryptor, package.json),
 * found from wherever the running code lives: src/ under the tests, dist/ compiled. The package
 * root is the nearest folder above with nachklang's package.json.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

interface PackageManifest {
  readonly name?: unknown;
  readonly version: string;
}

let found: { root: string; manifest: PackageManifest } | undefined;

function findPackage(): { root: string; manifest: PackageManifest } {
  if (found !== undefined) return found;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, "package.json");
    const manifest = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as PackageManifest) : undefined;
    if (manifest?.name === "nachklang") {
      found = { root: dir, manifest };
      return found;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error("nachklang's package.json was not found above " + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

/** nachklang's package.json, as read while finding the root. */
export function packageManifest(): PackageManifest {
  return findPackage().manifest;
}

/** A path inside the installed package. */
export function packagePath(...parts: string[]): string {
  return join(findPackage().root, ...parts);
}
