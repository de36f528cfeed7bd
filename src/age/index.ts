/**
 * The one door to the age format (age-encryption.org/v1, C2SP age.md): everything in nachklang
 * that reads or writes age — bundles, the keyring, the client registry, outbox records, the media
 * cache, viewer pages — comes through here, and nothing outside `src/age/` imports
 * `age-encryption` (an ESLint rule holds that).
 *
 * Shaped like the reference implementation's `lib/`: format.ts (the header), recipients.ts
 * (X25519 and scrypt; other types through typage), stream.ts (the payload), armor.ts, and the
 * primitives chosen once in primitives.ts. Streams stay at a few MiB of memory whatever the size.
 */
import { ArmorError, ARMOR_BEGIN, decodeArmor } from "./armor.js";
import { ByteReader, encodeHeader, parseHeader, readHeader, unwrapHeader, type Identity, type Stanza } from "./format.js";
import {
  isX25519Identity,
  isX25519Recipient,
  referenceDecrypter,
  ScryptIdentity,
  scryptWorkFactor,
  wrapForForeign,
  wrapForPassphrase,
  wrapForX25519,
  X25519Identity,
} from "./recipients.js";
import { randomBytes } from "./primitives.js";
import { newPayload, NONCE_SIZE, PayloadError, payloadKey, runPayload } from "./stream.js";

export type { Identity, Stanza } from "./format.js";
export { generateHybridIdentity, generateX25519Identity as generateIdentity, identityObject, identityToRecipient, isValidRecipient, X25519Identity } from "./recipients.js";

/** Where decryption failed: the outcome classes of the C2SP CCTV vectors. */
export type AgeFailure = "armor" | "header" | "no-match" | "hmac" | "payload";

/** Decryption failed; `kind` says where. Nothing after it is valid. */
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

/** Who may decrypt: age identities (`AGE-SECRET-KEY-1…`, or objects such as the agent's) and/or passphrases. */
export interface AgeKeys {
  readonly identities?: readonly (string | Identity)[];
  readonly passphrases?: readonly string[];
}

export interface DecryptOptions {
  /** Treat the input as ASCII-armored; by default armor is recognised by its first line. */
  readonly armored?: boolean;
}

/** The header and payload nonce for `recipients`, and the payload key (the caller wipes it). */
async function begin(recipients: readonly string[], carried: readonly Stanza[] = []): Promise<{ prefix: Buffer; key: Buffer }> {
  if (recipients.length === 0) throw new Error("age: at least one recipient is required");
  const foreign = recipients.filter((r) => !isX25519Recipient(r));
  const { fileKey, stanzas } = foreign.length > 0 ? await wrapForForeign(foreign) : { fileKey: randomBytes(16), stanzas: [] as Stanza[] };
  for (const r of recipients.filter(isX25519Recipient)) stanzas.push(wrapForX25519(fileKey, r));
  for (const c of carried) {
    if (c.args.length === 0 || ["X25519", "scrypt"].includes(c.args[0]!) || c.args.some((a) => !/^[\x21-\x7e]+$/.test(a))) {
      throw new Error("age: a carried stanza needs a type of its own");
    }
    stanzas.push(c);
  }
  return afterHeader(encodeHeader(stanzas, fileKey), fileKey);
}

function afterHeader(header: Buffer, fileKey: Uint8Array): { prefix: Buffer; key: Buffer } {
  const { nonce, key } = newPayload(fileKey);
  return { prefix: Buffer.concat([header, nonce]), key };
}

export interface EncryptOptions {
  /**
   * Stanzas of a type of their own, carried in the header beside the recipients' (a backup
   * carries the passphrase-sealed keyring this way). They give nobody the file key; every age
   * implementation skips stanza types it does not know (C2SP age.md; the reference adds random
   * "grease" stanzas to keep it so).
   */
  readonly carried?: readonly Stanza[];
}

/**
 * `plaintext` sealed to age recipients (`age1…`): the complete age file, piece by piece. The
 * recipients are checked before the first piece; a bad one rejects the first `next()`.
 */
export async function* encryptAge(plaintext: AsyncIterable<Uint8Array>, recipients: readonly string[], options: EncryptOptions = {}): AsyncGenerator<Buffer> {
  const { prefix, key } = await begin(recipients, options.carried);
  yield prefix;
  yield* runPayload("seal", key, plaintext);
}

async function whole(prefix: Buffer, key: Buffer, plaintext: Uint8Array): Promise<Buffer> {
  const out: Buffer[] = [prefix];
  for await (const piece of runPayload("seal", key, [plaintext])) out.push(piece);
  return Buffer.concat(out);
}

/** Bytes sealed to age recipients (`age1…`): the complete age file. */
export async function encryptBytes(plaintext: Uint8Array, recipients: readonly string[]): Promise<Buffer> {
  const { prefix, key } = await begin(recipients);
  return whole(prefix, key, plaintext);
}

/** Bytes sealed to a passphrase (the scrypt recipient, work factor 2^logN): the complete age file. */
export async function encryptWithPassphrase(plaintext: Uint8Array, passphrase: string, logN: number): Promise<Buffer> {
  const fileKey = randomBytes(16);
  const header = encodeHeader([await wrapForPassphrase(fileKey, passphrase, logN)], fileKey);
  const { prefix, key } = afterHeader(header, fileKey);
  return whole(prefix, key, plaintext);
}

/**
 * What finds the file key in a header: X25519 identities, passphrases and identity objects
 * here; when an identity of typage's alone is among them (hybrid post-quantum), typage with all
 * of them. Throws (a plain Error) for an identity string that is not a valid one.
 */
async function unwrapperFor(keys: AgeKeys): Promise<(header: Buffer) => Promise<Uint8Array>> {
  const given = keys.identities ?? [];
  const passphrases = (keys.passphrases ?? []).map((p) => new ScryptIdentity(p));
  if (given.every((i) => typeof i !== "string" || isX25519Identity(i))) {
    const all: Identity[] = [...given.map((i) => (typeof i === "string" ? new X25519Identity(i) : i)), ...passphrases];
    return (header) => unwrapHeader(parseHeader(header), all);
  }
  const reference = await referenceDecrypter([...given, ...passphrases]);
  return (header) => reference.decryptHeader(header);
}

/** Whether `identity` is an age identity this door can use (X25519, or a type typage knows). */
export async function isValidIdentity(identity: string): Promise<boolean> {
  try {
    await unwrapperFor({ identities: [identity] });
    return true;
  } catch {
    return false;
  }
}

function classify(error: unknown): AgeError {
  if (error instanceof AgeError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof ArmorError) return new AgeError("armor", message, { cause: error });
  if (error instanceof PayloadError) return new AgeError("payload", message, { cause: error });
  if (/no identity matched/i.test(message)) return new AgeError("no-match", message, { cause: error });
  if (/invalid header HMAC/i.test(message)) return new AgeError("hmac", message, { cause: error });
  return new AgeError("header", message, { cause: error });
}

/**
 * Decrypt an age file. Resolves once the header is verified (wrong key: rejects with AgeError
 * "no-match"); the stream then yields only authenticated plaintext and fails with an AgeError
 * ("payload", or "armor" for armor damaged further on) on a damaged, truncated or extended
 * file. Armored input is decoded as a stream. Each input piece is used up before the next is
 * asked for, so a source may reuse its buffers. A key that is no key is a plain Error (the
 * caller's mistake, not a damaged file), thrown before anything is read; an error of the
 * source itself (a file that cannot be read) comes through unchanged.
 */
export async function decryptAge(input: AsyncIterable<Uint8Array>, keys: AgeKeys, options: DecryptOptions = {}): Promise<AsyncGenerator<Buffer>> {
  const unwrap = await unwrapperFor(keys);
  const failed = new WeakSet<object>();
  let reader = new ByteReader(watched(input, failed)[Symbol.asyncIterator]());
  try {
    await reader.fill(ARMOR_BEGIN.length);
    const armored = options.armored ?? reader.peek().subarray(0, ARMOR_BEGIN.length).toString("latin1") === ARMOR_BEGIN;
    if (armored) reader = new ByteReader(decodeArmor(reader.rest())[Symbol.asyncIterator]());
    const header = await readHeader(reader);
    const fileKey = await unwrap(header);
    if (!(await reader.fill(NONCE_SIZE))) throw new AgeError("header", "missing payload nonce");
    const key = payloadKey(fileKey, reader.take(NONCE_SIZE));
    fileKey.fill(0);
    return released(runPayload("open", key, reader.rest()), failed);
  } catch (error) {
    // Refused before the payload: the source is closed here (a file source closes its file).
    await reader.close();
    if (typeof error === "object" && error !== null && failed.has(error)) throw error;
    throw classify(error);
  }
}

/** `input`, with every error it throws remembered in `failed`: the source's own failures are not the file's. */
async function* watched(input: AsyncIterable<Uint8Array>, failed: WeakSet<object>): AsyncGenerator<Uint8Array> {
  try {
    yield* input;
  } catch (error) {
    if (typeof error === "object" && error !== null) failed.add(error);
    throw error;
  }
}

/** A damaged payload as an AgeError, after what was authenticated before the damage. */
async function* released(opened: AsyncIterable<Buffer>, failed: WeakSet<object>): AsyncGenerator<Buffer> {
  try {
    yield* opened;
  } catch (error) {
    if (typeof error === "object" && error !== null && failed.has(error)) throw error;
    // As the reference implementations do, plaintext authenticated before the damage is
    // released; bundle opening is all-or-nothing anyway and discards everything on an error.
    if (error instanceof PayloadError && error.released.length > 0) yield error.released;
    if (error instanceof PayloadError || error instanceof ArmorError) throw classify(error);
    throw error;
  }
}

function once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  return (async function* () {
    yield await Promise.resolve(bytes);
  })();
}

/** A whole age file's plaintext. Rejects as `decryptAge` does. */
export async function decryptBytes(file: Uint8Array, keys: AgeKeys): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const piece of await decryptAge(once(file), keys)) out.push(piece);
  return Buffer.concat(out);
}

/** Whether `file` begins with a well-formed age header (stanzas and MAC line; the MAC itself needs the key). */
export function hasAgeHeader(file: Uint8Array): boolean {
  const buffer = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  const end = buffer.indexOf(0x0a, buffer.indexOf("\n---") + 1);
  if (end < 0) return false;
  try {
    parseHeader(buffer.subarray(0, end + 1));
    return true;
  } catch {
    return false;
  }
}

/**
 * The stanzas of an age file's header, read from its first bytes (the header must be complete
 * in them), or undefined when they do not begin with a valid age header. Checks the header's
 * form, not its MAC: nothing here is trusted before the file key is found.
 */
export function headerStanzas(start: Uint8Array): Stanza[] | undefined {
  const buffer = Buffer.from(start.buffer, start.byteOffset, start.byteLength);
  const marker = buffer.indexOf("\n---");
  const end = marker < 0 ? -1 : buffer.indexOf(0x0a, marker + 1);
  if (end < 0) return undefined;
  try {
    return parseHeader(buffer.subarray(0, end + 1)).stanzas;
  } catch {
    return undefined;
  }
}

/** The scrypt work factor of a passphrase-sealed age file, or undefined when it is not one (or not age). */
export function passphraseWorkFactor(file: Uint8Array): number | undefined {
  const buffer = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  const end = buffer.indexOf(0x0a, buffer.indexOf("\n---") + 1);
  if (end < 0) return undefined;
  try {
    return scryptWorkFactor(parseHeader(buffer.subarray(0, end + 1)).stanzas);
  } catch {
    return undefined;
  }
}
