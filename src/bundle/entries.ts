/**
 * Reading a bundle's tar: each entry's header, its data, and the SHA-256 and length of exactly
 * the bytes it carried. Nothing here judges an entry: the caller (open.ts) checks names, types
 * and sizes before it writes a byte.
 */
import { createHash } from "node:crypto";
import { pipeline } from "node:stream/promises";
import tar from "tar-stream";

export type EntryEvent =
  /** A new entry; `kind` is tar-stream's type name ("file", "symlink", "directory", …), "unknown" for a type it does not know. */
  | { readonly type: "entry"; readonly name: string; readonly kind: string; readonly size: number }
  /** The next bytes of the current entry, in order. */
  | { readonly type: "data"; readonly data: Buffer }
  /** The current entry is complete: the digest and length of all its data. */
  | { readonly type: "end"; readonly sha256: string; readonly size: number };

/** The plaintext is not a well-formed tar (as opposed to a fault of the reader). */
export class EntryError extends Error {
  override readonly name = "EntryError";
}

/**
 * The entries of the tar in `plaintext`, in order. Ends with EntryError if the tar is
 * malformed or truncated; an error of `plaintext` itself (a damaged payload) comes through
 * unchanged. Stopping early stops reading `plaintext`.
 */
export async function* readEntries(plaintext: AsyncIterable<Uint8Array>): AsyncGenerator<EntryEvent> {
  let sourceFailure: { error: unknown } | undefined;
  // Recorded as it happens: the tar reader only sees its consequence (a destroyed stream).
  async function* source(): AsyncGenerator<Uint8Array> {
    try {
      yield* plaintext;
    } catch (error) {
      sourceFailure = { error };
      throw error;
    }
  }
  const extractor = tar.extract();
  const feeding = pipeline(source(), extractor).then(
    () => undefined,
    (error: unknown) => ({ error }),
  );
  try {
    // tar-stream's streams are streamx streams: iterate them rather than `pipeline` them.
    for await (const entry of extractor) {
      const { name, type, size } = entry.header;
      yield { type: "entry", name, kind: type ?? "unknown", size: size ?? 0 };
      const hash = createHash("sha256");
      let count = 0;
      for await (const chunk of entry) {
        const data = chunk as Buffer;
        hash.update(data);
        count += data.length;
        yield { type: "data", data };
      }
      yield { type: "end", sha256: hash.digest("hex"), size: count };
    }
    const failed = await feeding;
    if (failed !== undefined) throw failed.error;
  } catch (error) {
    if (sourceFailure !== undefined) throw sourceFailure.error;
    throw new EntryError(error instanceof Error ? error.message : String(error), { cause: error });
  } finally {
    extractor.destroy();
  }
}
