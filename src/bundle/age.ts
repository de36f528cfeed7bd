/**
 * age v1 (age-encryption.org/v1) for bundles, streamed so memory stays flat whatever the size.
 *
 * The header for X25519 recipients and identities and for passphrases (all nachklang makes and
 * holds) is age-header.ts, on `node:crypto`; the scrypt stanza is unwrapped by
 * scrypt-identity.ts, with `node:crypto`'s scrypt. Other recipient and identity types (hybrid
 * post-quantum, tag) and ASCII armor are left to the reference implementation (`age-encryption`,
 * typage), loaded only when such a key or file comes along.
 * The payload STREAM (ChaCha20-Poly1305 in 64 KiB chunks, nonce = 11-byte big-endian counter ‖
 * last-chunk flag, in payload.ts) runs on `node:crypto`'s RFC 8439 AEAD, about 25× faster here
 * than the pure-JS one; the C2SP CCTV vectors and round-trips against typage and the `age` CLI
 * prove them identical.
 */
import { randomBytes, scrypt } from "node:crypto";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import type { Encrypter, Recipient } from "age-encryption";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { PayloadError, payloadCodec, runCodec, type CodecMode } from "./payload.js";
import { ScryptIdentity, type DeriveKey } from "./scrypt-identity.js";
import { X25519Identity, encodeHeader, isX25519Identity, isX25519Recipient, parseHeader, unwrapHeader, wrapForPassphrase, wrapForX25519, type HeaderIdentity } from "./age-header.js";

/** Read size for bundle and item files: large reads keep per-chunk stream overhead low. */
export const READ_CHUNK = 1024 * 1024;
const TAG = 16;
const NONCE = 16;
const MAX_HEADER = 1024 * 1024;
const MAX_ARMORED = 256 * 1024 * 1024;
const te = new TextEncoder();

export type AgeFailure = "armor" | "header" | "no-match" | "hmac" | "payload";

/** Decryption failed; `kind` says where (the CCTV outcome classes). Nothing after it is valid. */
export class AgeError extends Error {
  constructor(
    readonly kind: AgeFailure,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "AgeError";
  }
}

/** Who may decrypt: age identities (`AGE-SECRET-KEY-1…`) and/or passphrases. */
export interface AgeKeys {
  readonly identities?: readonly string[];
  readonly passphrases?: readonly string[];
}

export interface DecryptOptions {
  /** Treat the input as ASCII-armored; by default armor is recognised by its first line. */
  readonly armored?: boolean;
}

/** A verified header: the payload key and the sealed payload STREAM that follows it. */
export interface OpenedHeader {
  /** Wipe it once the payload is done with. */
  readonly key: Buffer;
  /** The rest of the input; however reading it ends, the source is closed. */
  readonly payload: AsyncGenerator<Buffer>;
}

/**
 * age's scrypt on `node:crypto` (libuv's pool), with the memory it needs allowed explicitly:
 * OpenSSL counts 128·r·(N + p + 2) bytes (r = 8, p = 1).
 */
export const nativeScrypt: DeriveKey = (passphrase, salt, logN) =>
  new Promise((resolve, reject) =>
    scrypt(passphrase, salt, 32, { N: 2 ** logN, r: 8, p: 1, maxmem: 128 * 8 * (2 ** logN + 3) }, (error, key) => (error ? reject(error) : resolve(key))),
  );

function payloadKey(fileKey: Uint8Array, nonce: Uint8Array): Buffer {
  // A view of hkdf's own array, not a copy into Node's shared buffer pool: wiping it wipes the
  // only copy, and handing it to a worker sends these 32 bytes and nothing else.
  const key = hkdf(sha256, fileKey, nonce, te.encode("payload"), 32);
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength);
}

/**
 * typage's `Encrypter.encrypt` on bytes, read from its stream form: for byte arrays typage
 * collects the result through `Response`, which loads Node's whole fetch stack (about 20 ms at
 * every start). The output is the same.
 */
async function encryptWhole(encrypter: Encrypter, plaintext: Uint8Array): Promise<Uint8Array> {
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      if (plaintext.length > 0) controller.enqueue(plaintext);
      controller.close();
    },
  });
  // Node's web streams are async iterable; the DOM typings typage uses do not say so.
  return buffer((await encrypter.encrypt(source)) as unknown as AsyncIterable<Uint8Array>);
}

/**
 * Build the header for `recipients` and learn the file key. For X25519 recipients age-header.ts
 * does both. Otherwise typage generates the file key and writes the header; a recipient that
 * adds no stanza hands us the key. Encrypting an empty
 * payload yields header ‖ 16-byte nonce ‖ one empty final chunk (16-byte tag): the header is
 * everything before those 32 bytes.
 */
async function makeHeader(recipients: readonly string[]): Promise<{ header: Uint8Array; fileKey: Uint8Array }> {
  if (recipients.length === 0) throw new Error("at least one recipient is required");
  if (recipients.every(isX25519Recipient)) {
    const fileKey = randomBytes(16);
    return { header: encodeHeader(recipients.map((r) => wrapForX25519(fileKey, r)), fileKey), fileKey };
  }
  // A recipient type of typage's alone (hybrid post-quantum, tag): its header, all recipients in it.
  const { Encrypter } = await import("age-encryption");
  let fileKey: Uint8Array | undefined;
  const capture: Recipient = {
    wrapFileKey(key) {
      fileKey = key.slice();
      return [];
    },
  };
  const encrypter = new Encrypter();
  for (const r of recipients) encrypter.addRecipient(r);
  encrypter.addRecipient(capture);
  const empty = await encryptWhole(encrypter, new Uint8Array(0));
  if (fileKey === undefined) throw new Error("age header: file key was not captured");
  return { header: empty.subarray(0, empty.length - NONCE - TAG), fileKey };
}

/**
 * The start of a new age file for `recipients`: the header and payload nonce (`prefix`, the
 * file's first bytes) and the payload key the STREAM that follows is sealed with. The caller
 * wipes the key when done.
 */
export async function beginAge(recipients: readonly string[]): Promise<{ prefix: Buffer; key: Buffer }> {
  const { header, fileKey } = await makeHeader(recipients);
  return afterHeader(header, fileKey);
}

/** A fresh payload nonce after `header`, and the payload key from the file key, which is wiped. */
function afterHeader(header: Uint8Array, fileKey: Uint8Array): { prefix: Buffer; key: Buffer } {
  const nonce = randomBytes(NONCE);
  const key = payloadKey(fileKey, nonce);
  fileKey.fill(0);
  return { prefix: Buffer.concat([header, nonce]), key };
}

/** The complete age file of `plaintext` after `prefix` (header and nonce), sealed under `key`, which is wiped. */
function sealWhole(prefix: Buffer, key: Buffer, plaintext: Uint8Array): Buffer {
  try {
    const codec = payloadCodec("seal", key);
    return Buffer.concat([prefix, codec.push(plaintext), codec.finish()]);
  } finally {
    key.fill(0);
  }
}

/** Encrypt bytes to age recipients (`age1…`): the complete age file. */
export async function encryptBytes(plaintext: Uint8Array, recipients: readonly string[]): Promise<Buffer> {
  const { prefix, key } = await beginAge(recipients);
  return sealWhole(prefix, key, plaintext);
}

/** Encrypt bytes to a passphrase (age's scrypt recipient, work factor 2^logN): the complete age file. */
export async function encryptBytesWithPassphrase(plaintext: Uint8Array, passphrase: string, logN: number): Promise<Buffer> {
  const fileKey = randomBytes(16);
  const header = encodeHeader([await wrapForPassphrase(fileKey, passphrase, logN, nativeScrypt)], fileKey);
  const { prefix, key } = afterHeader(header, fileKey);
  return sealWhole(prefix, key, plaintext);
}

/**
 * Encrypt `plaintext` to age recipients (`age1…`), as a stream of the complete age file.
 * Memory stays at a few MiB whatever the size.
 */
export function encryptAge(plaintext: AsyncIterable<Uint8Array>, recipients: readonly string[]): Readable {
  async function* generate(): AsyncGenerator<Uint8Array> {
    const { prefix, key } = await beginAge(recipients);
    yield prefix;
    yield* runPayload("seal", key, plaintext);
  }
  return Readable.from(generate(), { objectMode: false });
}

/** Collects bytes from an async iterator with look-ahead, for parsing the header. */
class ByteReader {
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

  async *rest(): AsyncGenerator<Buffer> {
    // Everything not yet consumed (used for armored input, which is decoded whole).
    try {
      if (this.buffer.length > 0) yield this.take(this.buffer.length);
      while (!this.done) {
        const next = await this.source.next();
        if (next.done) this.done = true;
        else yield Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
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

const ARMOR_BEGIN = "-----BEGIN AGE ENCRYPTED FILE-----";

async function readHeader(reader: ByteReader): Promise<Uint8Array> {
  // The header ends with the line "--- <MAC>\n".
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
    if (buf.length > MAX_HEADER) throw new AgeError("header", "header too long");
    if (!(await reader.fill(buf.length + 1))) throw new AgeError("header", "truncated header");
  }
}

/** The MAC line must be `--- ` and 32 bytes of canonical unpadded base64; else a header failure. */
function checkMacLine(header: Uint8Array): void {
  const text = Buffer.from(header).toString("latin1");
  const line = text.slice(text.lastIndexOf("\n---", text.length - 2) + 1, -1);
  const mac = line.slice(4);
  if (!line.startsWith("--- ") || !/^[A-Za-z0-9+/]{43}$/.test(mac) || Buffer.from(mac, "base64").toString("base64").replace(/=+$/, "") !== mac) {
    throw new AgeError("header", "malformed header MAC line");
  }
}

function classifyHeaderError(error: unknown): AgeError {
  const message = error instanceof Error ? error.message : String(error);
  if (/no identity matched/i.test(message)) return new AgeError("no-match", message, { cause: error });
  if (/invalid header HMAC/i.test(message)) return new AgeError("hmac", message, { cause: error });
  return new AgeError("header", message, { cause: error });
}

/**
 * Decrypt an age file. Resolves once the header is verified (wrong key: rejects with
 * AgeError "no-match"); the returned stream then yields only authenticated plaintext, chunk by
 * chunk, and fails with AgeError "payload" on a damaged, truncated or extended payload.
 * Armored input is accepted (read whole, up to 256 MiB). Each input piece is used up before the
 * next is asked for, so a source may reuse its buffers.
 */
export async function decryptAge(input: AsyncIterable<Uint8Array>, keys: AgeKeys, options: DecryptOptions = {}): Promise<Readable> {
  const { key, payload } = await decryptHeader(input, keys, options);
  return Readable.from(payloadErrors(runPayload("open", key, payload)), { objectMode: false });
}

/**
 * Verify an age file's header and derive its payload key, for a caller that opens the payload
 * STREAM itself (payload-thread.ts, on the worker). Rejects as `decryptAge` does.
 */
export async function decryptHeader(input: AsyncIterable<Uint8Array>, keys: AgeKeys, options: DecryptOptions = {}): Promise<OpenedHeader> {
  const reader = new ByteReader(input[Symbol.asyncIterator]());
  try {
    return await headerFrom(reader, keys, options);
  } catch (error) {
    // Refused before the payload: the source is closed here (a file source closes its file).
    await reader.close();
    throw error;
  }
}

async function headerFrom(source: ByteReader, keys: AgeKeys, options: DecryptOptions): Promise<OpenedHeader> {
  // Before reading: a key that is no key is the caller's mistake, not a damaged file.
  const unwrap = await unwrapperFor(keys);
  let reader = source;
  await reader.fill(ARMOR_BEGIN.length);
  const armored = options.armored ?? reader.peek().subarray(0, ARMOR_BEGIN.length).toString("latin1") === ARMOR_BEGIN;
  if (armored) {
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const c of reader.rest()) {
      total += c.length;
      if (total > MAX_ARMORED) throw new AgeError("armor", "armored file too large");
      chunks.push(Buffer.from(c));
    }
    let binary: Uint8Array;
    const { armor } = await import("age-encryption");
    try {
      binary = armor.decode(Buffer.concat(chunks).toString("latin1"));
    } catch (error) {
      throw new AgeError("armor", error instanceof Error ? error.message : String(error), { cause: error });
    }
    reader = new ByteReader(Readable.from([binary])[Symbol.asyncIterator]());
  }
  const header = await readHeader(reader);
  checkMacLine(header);
  let fileKey: Uint8Array;
  try {
    fileKey = await unwrap(header);
  } catch (error) {
    throw classifyHeaderError(error);
  }
  if (!(await reader.fill(NONCE))) throw new AgeError("header", "missing payload nonce");
  const key = payloadKey(fileKey, reader.take(NONCE));
  fileKey.fill(0);
  return { key, payload: reader.rest() };
}

/**
 * What finds the file key in a complete header: X25519 identities and passphrases here, other
 * identity types by typage. Throws (a plain Error) for an identity that is not a valid one.
 */
async function unwrapperFor(keys: AgeKeys): Promise<(header: Uint8Array) => Promise<Uint8Array>> {
  const identities = keys.identities ?? [];
  const passphrases = (keys.passphrases ?? []).map((p) => new ScryptIdentity(p, nativeScrypt));
  if (identities.every(isX25519Identity)) {
    const all: HeaderIdentity[] = [...identities.map((i) => new X25519Identity(i)), ...passphrases];
    return (header) => unwrapHeader(parseHeader(header), all);
  }
  const { Decrypter } = await import("age-encryption");
  const decrypter = new Decrypter();
  for (const identity of identities) decrypter.addIdentity(identity);
  for (const passphrase of passphrases) decrypter.addIdentity(passphrase);
  return (header) => decrypter.decryptHeader(header);
}

/** Whether `identity` is an age identity this code can use (X25519, or a type typage knows). */
export async function isValidIdentity(identity: string): Promise<boolean> {
  try {
    await unwrapperFor({ identities: [identity] });
    return true;
  } catch {
    return false;
  }
}

/**
 * The payload STREAM over an async source; output is released as soon as it is ready. The
 * payload key is wiped when the stream ends, however it ends.
 */
async function* runPayload(mode: CodecMode, key: Uint8Array, source: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  for await (const pieces of runCodec(mode, key, source)) {
    const out = pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
    if (out.length > 0) yield out;
  }
}

/** A damaged payload as an AgeError "payload", after what was authenticated before the damage. */
async function* payloadErrors(opened: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  try {
    yield* opened;
  } catch (error) {
    if (!(error instanceof PayloadError)) throw error;
    // As the reference implementations do, plaintext authenticated before the damage is
    // released; bundle opening is all-or-nothing anyway and discards everything on an error.
    if (error.released.length > 0) yield error.released;
    throw new AgeError("payload", error.message, { cause: error });
  }
}
