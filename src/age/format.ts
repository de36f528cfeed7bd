/**
 * The age v1 header (C2SP age.md, "Header"): the version line, recipient stanzas
 * (`-> TYPE ARGS…` and a body in strict unpadded base64, 64 columns, ending with a shorter
 * line), and `--- MAC`, an HMAC-SHA-256 over everything before the MAC under a key derived from
 * the file key. Parsing makes the reference implementation's checks, check for check; Bech32
 * and base64 are `@scure/base`'s, as in the reference.
 */
import { base64nopad } from "@scure/base";
import { equalBytes, hkdfSha256, hmacSha256 } from "./primitives.js";

/** One recipient stanza: its arguments (the type first) and its body. */
export interface Stanza {
  readonly args: string[];
  readonly body: Uint8Array;
}

/**
 * Finds the file key among a header's stanzas (typage's `Identity`). Returns null when none of
 * them is addressed to it; throws only for a stanza of its own type that is malformed, or when
 * it cannot answer (an agent that has gone away).
 */
export interface Identity {
  unwrapFileKey(stanzas: Stanza[]): Uint8Array | null | Promise<Uint8Array | null>;
}

export interface ParsedHeader {
  readonly stanzas: Stanza[];
  /** Everything the MAC covers: up to and including the `---` of the last line. */
  readonly headerNoMac: Buffer;
  readonly mac: Uint8Array;
}

const VERSION_LINE = "age-encryption.org/v1";
const MAX_HEADER = 1024 * 1024;
const te = new TextEncoder();

function headerMac(fileKey: Uint8Array, headerNoMac: Uint8Array): Buffer {
  const key = hkdfSha256(fileKey, new Uint8Array(0), te.encode("header"));
  const mac = hmacSha256(key, headerNoMac);
  key.fill(0);
  return mac;
}

/** The complete header for these stanzas, MAC included (it ends with a newline). */
export function encodeHeader(stanzas: readonly Stanza[], fileKey: Uint8Array): Buffer {
  const lines = [`${VERSION_LINE}\n`];
  for (const s of stanzas) {
    lines.push(`-> ${s.args.join(" ")}\n`);
    for (let i = 0; i < s.body.length; i += 48) lines.push(`${base64nopad.encode(s.body.subarray(i, i + 48))}\n`);
    // A body ends with a line shorter than 48 bytes' worth: an empty one if need be.
    if (s.body.length % 48 === 0) lines.push("\n");
  }
  lines.push("---");
  const headerNoMac = Buffer.from(lines.join(""), "latin1");
  return Buffer.concat([headerNoMac, Buffer.from(` ${base64nopad.encode(headerMac(fileKey, headerNoMac))}\n`, "latin1")]);
}

/** Strict unpadded base64: anything that does not encode back to the same text is refused. */
function canonicalBase64(text: string): Uint8Array {
  const bytes = base64nopad.decode(text);
  if (base64nopad.encode(bytes) !== text) throw new Error("invalid base64");
  return bytes;
}

/**
 * Parse a complete header: the bytes up to and including the newline after `--- <MAC>`.
 * Throws for anything the reference would refuse.
 */
export function parseHeader(bytes: Uint8Array): ParsedHeader {
  const header = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (header.length === 0 || header[header.length - 1] !== 0x0a) throw new Error("invalid header");
  const lines = header.subarray(0, header.length - 1).toString("latin1").split("\n");
  for (const line of lines) {
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i);
      if (c < 32 || c > 126) throw new Error("invalid non-ASCII byte in header");
    }
  }
  if (lines[0] !== VERSION_LINE) throw new Error(`invalid version ${lines[0] ?? "line"}`);
  const stanzas: Stanza[] = [];
  let n = 1;
  for (;;) {
    const line = lines[n++];
    if (line === undefined) throw new Error("invalid stanza");
    const args = line.split(" ");
    if (args.length < 2 || args[0] !== "->") {
      // Not a stanza: it must be the MAC line, and the last one.
      if (!line.startsWith("--- ") || n !== lines.length) throw new Error("invalid header");
      const mac = canonicalBase64(line.slice(4));
      if (mac.length !== 32) throw new Error("invalid header MAC");
      return { stanzas, headerNoMac: header.subarray(0, header.length - 1 - line.length + 3), mac };
    }
    args.shift();
    if (args.some((arg) => arg.length === 0)) throw new Error("invalid stanza");
    const body: Uint8Array[] = [];
    for (;;) {
      const bodyLine = lines[n++];
      if (bodyLine === undefined) throw new Error("invalid stanza");
      const decoded = canonicalBase64(bodyLine);
      if (decoded.length > 48) throw new Error("invalid stanza");
      body.push(decoded);
      if (decoded.length < 48) break;
    }
    stanzas.push({ args, body: Buffer.concat(body) });
  }
}

/**
 * The file key of a parsed header: the first identity (in order) that finds it among the
 * stanzas, then the header MAC checked under it. Errors say which: "no identity matched…",
 * "invalid header HMAC", or a malformed stanza.
 */
export async function unwrapHeader(parsed: ParsedHeader, identities: readonly Identity[]): Promise<Uint8Array> {
  let fileKey: Uint8Array | null = null;
  for (const identity of identities) {
    fileKey = await identity.unwrapFileKey(parsed.stanzas);
    if (fileKey !== null) break;
  }
  if (fileKey === null) throw new Error("no identity matched any of the file's recipients");
  if (!equalBytes(parsed.mac, headerMac(fileKey, parsed.headerNoMac))) {
    fileKey.fill(0);
    throw new Error("invalid header HMAC");
  }
  return fileKey;
}

/** Collects bytes from an async iterator with look-ahead, for cutting the header off a stream. */
export class ByteReader {
  private buffer: Buffer = Buffer.alloc(0);
  private done = false;
  constructor(private readonly source: AsyncIterator<Uint8Array>) {}

  /** Read until at least `min` bytes are buffered (or the input ends); true if they are. */
  async fill(min: number): Promise<boolean> {
    if (this.buffer.length >= min || this.done) return this.buffer.length >= min;
    const parts: Uint8Array[] = [this.buffer];
    let length = this.buffer.length;
    while (length < min) {
      const next = await this.source.next();
      if (next.done) {
        this.done = true;
        break;
      }
      // Copied: a source may reuse a piece's memory once the next one is asked for.
      parts.push(Buffer.from(next.value));
      length += next.value.length;
    }
    this.buffer = Buffer.concat(parts, length);
    return length >= min;
  }

  peek(): Buffer {
    return this.buffer;
  }

  take(n: number): Buffer {
    const out = this.buffer.subarray(0, n);
    this.buffer = this.buffer.subarray(n);
    return out;
  }

  /** Everything not yet taken, then the rest of the source; the source is closed however this ends. */
  async *rest(): AsyncGenerator<Uint8Array> {
    try {
      if (this.buffer.length > 0) yield this.take(this.buffer.length);
      while (!this.done) {
        const next = await this.source.next();
        if (next.done) this.done = true;
        else yield next.value;
      }
    } finally {
      await this.close();
    }
  }

  /** Stop reading: the source is told (a file source closes its file), whether or not it was read to the end. */
  async close(): Promise<void> {
    this.done = true;
    await this.source.return?.();
  }
}

/** Cut the header (through the newline after `--- MAC`) off the front of `reader`. */
export async function readHeader(reader: ByteReader): Promise<Buffer> {
  let searchFrom = 0;
  for (;;) {
    const buf = reader.peek();
    const marker = buf.indexOf("\n---", searchFrom);
    if (marker >= 0) {
      const end = buf.indexOf(0x0a, marker + 1);
      if (end >= 0) return reader.take(end + 1);
    } else {
      searchFrom = Math.max(0, buf.length - 4);
    }
    if (buf.length > MAX_HEADER) throw new Error("header too long");
    if (!(await reader.fill(buf.length + 1))) throw new Error("truncated header");
  }
}
