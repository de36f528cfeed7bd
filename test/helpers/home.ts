/** Looking through a home folder as an intruder would: every file, every byte. */
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";

export async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  const visit = async (path: string) => {
    const info = await stat(path).catch(() => undefined);
    if (info === undefined) return;
    if (info.isDirectory()) for (const entry of await readdir(path)) await visit(join(path, entry));
    else out.push(path);
  };
  await visit(dir);
  return out.sort();
}

/**
 * Which of `needles` occur in plain text in any file under `dir` (as UTF-8, and for names also
 * as UTF-16LE, as some tools write). Returns "file: needle" for each find.
 */
export async function plaintextFinds(dir: string, needles: readonly string[]): Promise<string[]> {
  const finds: string[] = [];
  for (const file of await filesUnder(dir)) {
    const bytes = await readFile(file);
    for (const needle of needles) {
      if (bytes.includes(Buffer.from(needle, "utf8")) || bytes.includes(Buffer.from(needle, "utf16le"))) finds.push(`${file}: ${needle}`);
    }
  }
  return finds;
}
