/**
 * The age payload (C2SP age.md, "Payload"): a 16-byte nonce, then the plaintext in 64 KiB
 * chunks of ChaCha20-Poly1305 under HKDF(file key, nonce, "payload"), each chunk's nonce the
 * 11-byte big-endian chunk counter ‖ a last-chunk flag. The last chunk is empty only when the
 * whole payload is; a file that ends without a valid last chunk is damaged.
 *
 * A synchronous state machine (bytes in, bytes out, at most one chunk held back) and a stream
 * over it. Opening releases only authenticated plaintext.
 */
import { hkdfSha256, openChaCha, randomBytes, sealChaCha } from "./primitives.js";

/** Size of the payload nonce that follows the header. */
export const NONCE_SIZE = 16;
const CHUNK = 64 * 1024;
const TAG = 16;
const SEALED = CHUNK + TAG;
const PAYLOAD_LABEL = new TextEncoder().encode("payload");

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

/** The payload key for a file key and the payload nonce. The caller wipes it when done. */
export const payloadKey = (fileKey: Uint8Array, nonce: Uint8Array): Buffer => hkdfSha256(fileKey, nonce, PAYLOAD_LABEL);

/** A fresh payload nonce and the payload key it gives with `fileKey`, which is wiped. */
export function newPayload(fileKey: Uint8Array): { nonce: Buffer; key: Buffer } {
  const nonce = randomBytes(NONCE_SIZE);
  const key = payloadKey(fileKey, nonce);
  fileKey.fill(0);
  return { nonce, key };
}

function nonceFor(counter: number, last: boolean): Buffer {
  const nonce = Buffer.alloc(12);
  // Counters beyond 2^48 chunks (16 EiB) are unreachable; the upper counter bytes stay zero.
  nonce.writeUIntBE(counter, 5, 6);
  nonce[11] = last ? 1 : 0;
  return nonce;
}

export type PayloadMode = "seal" | "open";

export interface PayloadCodec {
  /** Feed bytes; returns what can be released now, in the pieces it was made in (possibly none). The input may be reused afterwards. */
  push(data: Uint8Array): Buffer[];
  /** No more input: the rest. */
  finish(): Buffer;
}

/** Seal (encrypt) or open (decrypt and authenticate) a payload with its payload key. */
export function payloadCodec(mode: PayloadMode, key: Uint8Array): PayloadCodec {
  let counter = 0;
  const unit = mode === "seal" ? CHUNK : SEALED;
  // The bytes not yet processed: at most one unit. A unit is processed as a middle chunk only
  // once more data is known to follow it; the last one waits for `finish`.
  const carry = Buffer.alloc(unit);
  let carried = 0;

  const open = (sealed: Uint8Array, last: boolean): Buffer | null => openChaCha(key, nonceFor(counter, last), sealed);
  const middle = (data: Uint8Array, into: Buffer[]): void => {
    if (mode === "seal") {
      into.push(...sealChaCha(key, nonceFor(counter++, false), data));
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

  return {
    push(data) {
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
    },
    finish() {
      const rest = carry.subarray(0, carried);
      carried = 0;
      if (mode === "seal") return Buffer.concat(sealChaCha(key, nonceFor(counter++, true), rest));
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
 * The payload over an async source, released piece by piece as soon as it is ready. The key is
 * wiped when the stream ends, however it ends; stopping early stops reading `source`.
 */
export async function* runPayload(mode: PayloadMode, key: Uint8Array, source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<Buffer> {
  try {
    const codec = payloadCodec(mode, key);
    for await (const piece of source) yield* codec.push(piece);
    const last = codec.finish();
    if (last.length > 0) yield last;
  } finally {
    key.fill(0);
  }
}
