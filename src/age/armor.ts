/**
 * age's ASCII armor (C2SP age.md, "ASCII armor"), decoded as a stream: a strict subset of PEM,
 * `-----BEGIN AGE ENCRYPTED FILE-----`, lines of exactly 64 base64 columns but the last (at most
 * 64, a multiple of 4, not empty), `-----END AGE ENCRYPTED FILE-----`. As the reference decodes
 * it: whitespace before and after is ignored, lines may end in CRLF, nothing else is. Memory
 * stays at a line whatever the size.
 */
import { base64 } from "@scure/base";

export const ARMOR_BEGIN = "-----BEGIN AGE ENCRYPTED FILE-----";
const ARMOR_END = "-----END AGE ENCRYPTED FILE-----";
/** The longest line that can be valid: the markers (34 and 32 columns) or 64 columns, and a CR. */
const MAX_LINE = 66;
/** What JavaScript's `trim` removes around the file, as latin1 bytes: tab, LF, VT, FF, CR, space, NBSP. */
const isSpace = (byte: number): boolean => byte === 0x20 || (byte >= 0x09 && byte <= 0x0d) || byte === 0xa0;

export class ArmorError extends Error {
  override readonly name = "ArmorError";
}

/** `line` without one CR at its end (CRLF line endings). */
const chomp = (line: string): string => (line.endsWith("\r") ? line.slice(0, -1) : line);
const FULL_LINE = /^[A-Za-z0-9+/]{64}$/;

/**
 * The binary age file inside armored `input`. Fails with ArmorError as soon as the armor is
 * malformed; what was decoded before that is not valid either.
 */
export async function* decodeArmor(input: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  // Changed inside `take`, so kept in an object that type narrowing does not freeze.
  const at: { state: "before" | "body" | "after" } = { state: "before" };
  /** The unfinished line at the end of the pieces so far. */
  let partial = "";
  /** The last data line seen: only once the next line is known can it be judged the last one. */
  let pending: string | undefined;

  /** Handle one complete line; lines known to be full data lines are added to `full`. */
  const take = (raw: string, full: string[]): void => {
    const line = chomp(raw);
    if (at.state === "after") {
      if ([...raw].some((c) => !isSpace(c.charCodeAt(0)))) throw new ArmorError("invalid footer");
      return;
    }
    if (at.state === "before") {
      if (line !== ARMOR_BEGIN) throw new ArmorError("invalid header");
      at.state = "body";
      return;
    }
    if (line.replace(/[\t\v\f\r \u00a0]+$/, "") === ARMOR_END) {
      at.state = "after";
      return;
    }
    if (pending !== undefined) {
      // Not the last line: exactly 64 columns of base64 without padding.
      if (pending.length !== 64) throw new ArmorError("invalid line length");
      if (!FULL_LINE.test(pending)) throw new ArmorError("invalid base64");
      full.push(pending);
    }
    pending = line;
  };

  for await (const piece of input) {
    let text = partial + Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength).toString("latin1");
    if (at.state === "before" && partial === "") {
      // Whitespace before the armor is skipped, as the reference's trim does.
      let i = 0;
      while (i < text.length && isSpace(text.charCodeAt(i))) i++;
      text = text.slice(i);
    }
    const lines = text.split("\n");
    partial = lines.pop()!;
    if (partial.length > MAX_LINE && at.state !== "after") throw new ArmorError("invalid line length");
    const full: string[] = [];
    for (const line of lines) take(line, full);
    if (at.state === "after") {
      if ([...partial].some((c) => !isSpace(c.charCodeAt(0)))) throw new ArmorError("invalid footer");
      partial = "";
    }
    if (full.length > 0) yield Buffer.from(full.join(""), "base64");
  }
  const full: string[] = [];
  if (partial.length > 0) take(partial, full);
  if (full.length > 0) yield Buffer.from(full.join(""), "base64");
  if (at.state !== "after") throw new ArmorError(at.state === "before" ? "invalid header" : "invalid footer");
  if (pending !== undefined) {
    if (pending.length === 0 || pending.length > 64 || pending.length % 4 !== 0) throw new ArmorError("invalid line length");
    if (!/^[A-Za-z0-9+/=]+$/.test(pending)) throw new ArmorError("invalid base64");
    try {
      yield base64.decode(pending);
    } catch (error) {
      throw new ArmorError("invalid base64", { cause: error });
    }
  }
}
