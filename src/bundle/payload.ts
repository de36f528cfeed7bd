/**
 * The age payload STREAM (age-encryption.org/v1): ChaCha20-Poly1305 over 64 KiB chunks, nonce =
 * 11-byte big-endian chunk counter ‖ last-chunk flag, each chunk followed by its 16-byte tag.
 *
 * A synchronous state machine over `node:crypto`'s RFC 8439 AEAD: bytes in, bytes out, with at
 * most one chunk held back. Opening releases only authenticated plaintext.
 */
import { createCipheriv, createDecipheriv } from "node:crypto";

export interface Codec {
  /** Feed bytes; returns what can be released now (possibly empty). The input may be reused afterwards. */
  push(data: Uint8Array): Buffer;
  /** As `push`, but the output in the pieces it was made in (one or two per chunk), without copying them together. */
  pushPieces(data: Uint8Array): Buffer[];
  /** No more input: returns the rest. */
  finish(): Buffer;
}

export type CodecMode = "seal" | "open";

/**
 * A damaged, truncated or extended payload. Like the reference implementations, plaintext
 * authenticated before the damage is `released` first; all-or-nothing callers discard it.
 */
export class PayloadError extends Error {
  override readonly name = "PayloadError";
  constructor(
    message: string,
    readonly released: Buffer = Buffer.alloc(0),
  ) {
    super(message);
  }
}

const CHUNK = 64 * 1024;
const TAG = 16;
const SEALED = CHUNK + TAG;

function nonceFor(counter: number, last: boolean): Buffer {
  const nonce = Buffer.alloc(12);
  // Counters beyond 2^48 chunks (16 EiB) are unreachable; the upper counter bytes stay zero.
  nonce.writeUIntBE(counter, 5, 6);
  nonce[11] = last ? 1 : 0;
  return nonce;
}

/** Seal (encrypt) or open (decrypt and authenticate) a payload with the derived payload key. */
export function payloadCodec(mode: CodecMode, keyBytes: Uint8Array): Codec {
  // A view, not a copy: the caller wipes the key when the stream is done.
  const key = Buffer.from(keyBytes.buffer, keyBytes.byteOffset, keyBytes.byteLength);
  let counter = 0;
  const unit = mode === "seal" ? CHUNK : SEALED;
  // The bytes not yet processed: at most one unit. A unit is processed as a middle chunk only
  // once more data is known to follow it; the last one waits for `finish`.
  const carry = Buffer.alloc(unit);
  let carried = 0;

  /** The sealed chunk as its ciphertext and its tag. */
  const seal = (data: Uint8Array, last: boolean): [Buffer, Buffer] => {
    const cipher = createCipheriv("chacha20-poly1305", key, nonceFor(counter, last), { authTagLength: TAG });
    const body = cipher.update(data);
    cipher.final();
    counter++;
    return [body, cipher.getAuthTag()];
  };
  /** Plaintext of a sealed chunk, or null when it does not authenticate as `last`. */
  const open = (sealed: Uint8Array, last: boolean): Buffer | null => {
    const decipher = createDecipheriv("chacha20-poly1305", key, nonceFor(counter, last), { authTagLength: TAG });
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG));
    const body = decipher.update(sealed.subarray(0, sealed.length - TAG));
    try {
      decipher.final();
    } catch {
      return null;
    }
    return body;
  };
  const middle = (data: Uint8Array, into: Buffer[]): void => {
    if (mode === "seal") {
      into.push(...seal(data, false));
      return;
    }
    // As the reference implementations do: a full chunk is tried as a middle chunk, then as
    // the final one; a final chunk with data after it is an error.
    const body = open(data, false);
    if (body !== null) {
      counter++;
      into.push(body);
      return;
    }
    const final = open(data, true);
    if (final !== null) throw new PayloadError("data after the final chunk", final);
    throw new PayloadError(`chunk ${counter} failed authentication`);
  };

  const pushPieces = (data: Uint8Array): Buffer[] => {
    const pieces: Buffer[] = [];
    const total = carried + data.length;
    const units = total > 0 ? Math.floor((total - 1) / unit) : 0;
    if (units === 0) {
      carry.set(data, carried);
      carried = total;
      return pieces;
    }
    let offset = 0;
    try {
      if (carried > 0) {
        offset = unit - carried;
        carry.set(data.subarray(0, offset), carried);
        middle(carry, pieces);
      }
      const done = units - (carried > 0 ? 1 : 0);
      for (let i = 0; i < done; i++, offset += unit) middle(data.subarray(offset, offset + unit), pieces);
    } catch (error) {
      if (!(error instanceof PayloadError)) throw error;
      throw new PayloadError(error.message, Buffer.concat([...pieces, error.released]));
    }
    carry.set(data.subarray(offset), 0);
    carried = data.length - offset;
    return pieces;
  };

  return {
    pushPieces,
    push(data) {
      const pieces = pushPieces(data);
      return pieces.length === 0 ? Buffer.alloc(0) : Buffer.concat(pieces);
    },
    finish() {
      const rest = carry.subarray(0, carried);
      carried = 0;
      if (mode === "seal") return Buffer.concat(seal(rest, true));
      if (rest.length < TAG) throw new PayloadError(counter === 0 ? "missing payload" : "missing final chunk");
      // A full middle chunk at the end of the file: the final chunk is missing.
      const whole = rest.length === SEALED ? open(rest, false) : null;
      if (whole !== null) throw new PayloadError("missing final chunk", whole);
      const body = open(rest, true);
      if (body === null) throw new PayloadError(`chunk ${counter} failed authentication`);
      // The final chunk may be empty only when the whole payload is empty.
      if (body.length === 0 && counter > 0) throw new PayloadError("empty final chunk");
      counter++;
      return body;
    },
  };
}

/**
 * The payload STREAM over an async source: for each piece of `source`, what the codec released
 * from it (pieces as made, possibly none), then the rest. The key is wiped when the stream ends,
 * however it ends; stopping early stops reading `source`.
 */
export async function* runCodec(mode: CodecMode, key: Uint8Array, source: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer[]> {
  try {
    const codec = payloadCodec(mode, key);
    for await (const piece of source) yield codec.pushPieces(piece);
    yield [codec.finish()];
  } finally {
    key.fill(0);
  }
}

/** `bytes` as a buffer of its own, to hand to another thread: a whole buffer as it is, a view of a larger one copied. */
export function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  const whole = bytes.byteOffset === 0 && bytes.buffer instanceof ArrayBuffer && bytes.byteLength === bytes.buffer.byteLength;
  return whole ? bytes.buffer : new Uint8Array(bytes).buffer;
}
