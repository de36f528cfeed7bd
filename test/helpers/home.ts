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
 * Shortest needle, in UTF-8 bytes, worth looking for in a home full of ciphertext: a given
 * 4-byte string turns up by chance about once in 4 GiB of random bytes, a 3-byte one once in
 * 16 MiB (a sealed follow-up's size), and a test that finds it fails for no reason. At 8 bytes
 * the chance is 2^-64 per position.
 */
export const SHORTEST_NEEDLE = 8;

/**
 * Which of `needles` occur in plain text in any file under `dir` (as UTF-8, and for names also
 * as UTF-16LE, as some tools write). Returns "file: needle" for each find. A needle shorter than
 * `SHORTEST_NEEDLE` bytes is refused: give the test longer names instead.
 */
export async function plaintextFinds(dir: string, needles: readonly string[]): Promise<string[]> {
  const short = needles.filter((needle) => Buffer.byteLength(needle, "utf8") < SHORTEST_NEEDLE);
  if (short.length > 0) throw new Error(`plaintextFinds: ${short.map((n) => JSON.stringify(n)).join(", ")} shorter than ${SHORTEST_NEEDLE} bytes; random ciphertext contains such strings by chance`);
  const finds: string[] = [];
  for (const file of await filesUnder(dir)) {
    const bytes = await readFile(file);
    for (const needle of needles) {
      if (bytes.includes(Buffer.from(needle, "utf8")) || bytes.includes(Buffer.from(needle, "utf16le"))) finds.push(`${file}: ${needle}`);
    }
  }
  return finds;
}
