/**
 * Reading a bundle's tar: each entry's header, its data, and the SHA-256 and length of exactly
 * the bytes it carried. Only the subset nachklang writes is read (docs/bundle-format.md, "Tar"):
 * POSIX ustar headers with valid checksums and octal sizes, then the end-of-archive marker and
 * nothing but zeros after it. Extended headers (pax, pax global, GNU long names) are reported
 * as entries of their own kind and never applied, so no later entry is read differently from
 * how GNU tar would read it. Nothing here judges names or kinds: the caller (open.ts) does,
 * before it writes a byte.
 *
 * Hand-written rather than tar-stream's reader: that one skips zero blocks and goes on reading
 * entries after the end-of-archive marker, and applies pax global headers, which GNU tar does
 * not (docs/decisions/tar-reader.md).
 */
import { createHash } from "node:crypto";

/** What a header's type flag says; "unknown" for a flag tar does not define. */
export type EntryKind =
  | "file"
  | "link"
  | "symlink"
  | "character-device"
  | "block-device"
  | "directory"
  | "fifo"
  | "contiguous-file"
  | "pax-header"
  | "pax-global-header"
  | "gnu-long-path"
  | "gnu-long-link-path"
  | "unknown";

export type EntryEvent =
  /** A new entry. `name` is the header's prefix and name as bytes decoded as UTF-8 (invalid sequences as U+FFFD). */
  | { readonly type: "entry"; readonly name: string; readonly kind: EntryKind; readonly size: number }
  /** The next bytes of the current entry, in order. */
  | { readonly type: "data"; readonly data: Buffer }
  /** The current entry is complete: the digest and length of all its data. */
  | { readonly type: "end"; readonly sha256: string; readonly size: number };

/** Why the plaintext is not a tar of the documented subset. */
export type EntryFault = "malformed" | "truncated" | "trailing";

/** The plaintext is not a well-formed tar (as opposed to a fault of the reader or the source). */
export class EntryError extends Error {
  override readonly name = "EntryError";
  constructor(
    readonly fault: EntryFault,
    message: string,
  ) {
    super(message);
  }
}

const BLOCK = 512;
/** Zeros accepted after the end-of-archive marker: tar pads its output to whole records (GNU tar's default: 10 KiB). */
const MAX_RECORD_PADDING = 1024 * 1024;

const KINDS: Readonly<Record<string, EntryKind>> = {
  "0": "file",
  "\0": "file",
  "1": "link",
  "2": "symlink",
  "3": "character-device",
  "4": "block-device",
  "5": "directory",
  "6": "fifo",
  "7": "contiguous-file",
  x: "pax-header",
  g: "pax-global-header",
  L: "gnu-long-path",
  K: "gnu-long-link-path",
};

/** A NUL-terminated text field. */
function text(block: Buffer, start: number, length: number): Buffer {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return end < 0 ? field : field.subarray(0, end);
}

/** An octal number field: optional leading spaces, octal digits, then NULs or spaces. Base-256 and anything else is malformed. */
function octal(block: Buffer, start: number, length: number, what: string): number {
  const field = block.subarray(start, start + length).toString("latin1");
  const match = /^ *([0-7]+)[\0 ]*$/.exec(field);
  if (match === null) throw new EntryError("malformed", `invalid ${what} field`);
  return parseInt(match[1]!, 8);
}

function parseHeader(block: Buffer): { name: string; kind: EntryKind; size: number } {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
  if (octal(block, 148, 8, "checksum") !== sum) throw new EntryError("malformed", "header checksum mismatch");
  if (block.toString("latin1", 257, 265) !== "ustar\u000000") throw new EntryError("malformed", "not a POSIX ustar header");
  const name = text(block, 0, 100);
  const prefix = text(block, 345, 155);
  const full = prefix.length > 0 ? Buffer.concat([prefix, Buffer.from("/"), name]) : name;
  return {
    name: full.toString("utf8"),
    kind: KINDS[String.fromCharCode(block[156]!)] ?? "unknown",
    size: octal(block, 124, 12, "size"),
  };
}

/** The pieces of a byte source, taken in exact amounts. Pieces are not copied unless a take spans two. */
class Pieces {
  private readonly queue: Buffer[] = [];
  private buffered = 0;
  private ended = false;

  constructor(private readonly source: AsyncIterator<Uint8Array>) {}

  /** Until `n` bytes are buffered or the source ends; whether they are. */
  async fill(n: number): Promise<boolean> {
    while (this.buffered < n && !this.ended) {
      const next = await this.source.next();
      if (next.done === true) this.ended = true;
      else if (next.value.length > 0) {
        const piece = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
        this.queue.push(piece);
        this.buffered += piece.length;
      }
    }
    return this.buffered >= n;
  }

  /** Exactly `n` buffered bytes. */
  take(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
    const first = this.queue[0]!;
    if (first.length >= n) return this.takeUpTo(n);
    const out = Buffer.allocUnsafe(n);
    for (let at = 0; at < n; ) at += this.takeUpTo(n - at).copy(out, at);
    return out;
  }

  /** At most `n` bytes from the first buffered piece (at least one byte must be buffered). */
  takeUpTo(n: number): Buffer {
    const first = this.queue[0]!;
    if (first.length <= n) {
      this.queue.shift();
      this.buffered -= first.length;
      return first;
    }
    this.queue[0] = first.subarray(n);
    this.buffered -= n;
    return first.subarray(0, n);
  }
}

const isZero = (data: Buffer): boolean => {
  for (const byte of data) if (byte !== 0) return false;
  return true;
};

/**
 * The entries of the tar in `plaintext`, in order. Ends with EntryError if the tar is
 * malformed, truncated, or has anything but zeros after its end-of-archive marker; an error of
 * `plaintext` itself (a damaged payload) comes through unchanged. Stopping early stops reading
 * `plaintext`.
 */
export async function* readEntries(plaintext: AsyncIterable<Uint8Array>): AsyncGenerator<EntryEvent> {
  const source = plaintext[Symbol.asyncIterator]();
  const pieces = new Pieces(source);
  try {
    for (;;) {
      if (!(await pieces.fill(BLOCK))) throw new EntryError("truncated", "archive ends without its end-of-archive marker");
      const block = pieces.take(BLOCK);
      if (isZero(block)) break;
      const header = parseHeader(block);
      yield { type: "entry", ...header };
      const hash = createHash("sha256");
      for (let left = header.size; left > 0; ) {
        if (!(await pieces.fill(1))) throw new EntryError("truncated", "archive ends inside an entry");
        const data = pieces.takeUpTo(left);
        left -= data.length;
        hash.update(data);
        yield { type: "data", data };
      }
      const padding = -header.size & (BLOCK - 1);
      if (!(await pieces.fill(padding))) throw new EntryError("truncated", "archive ends inside an entry");
      pieces.take(padding);
      yield { type: "end", sha256: hash.digest("hex"), size: header.size };
    }
    // The end-of-archive marker is two zero blocks; after it, only zeros (padding to a record).
    if (!(await pieces.fill(BLOCK))) throw new EntryError("truncated", "archive ends inside its end-of-archive marker");
    if (!isZero(pieces.take(BLOCK))) throw new EntryError("trailing", "data after a lone zero block");
    for (let padding = 0; await pieces.fill(1); ) {
      const zeros = pieces.takeUpTo(MAX_RECORD_PADDING);
      padding += zeros.length;
      if (!isZero(zeros) || padding > MAX_RECORD_PADDING) throw new EntryError("trailing", "data after the end-of-archive marker");
    }
  } finally {
    await source.return?.();
  }
}
