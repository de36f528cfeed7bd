/**
 * The age v1 header (C2SP age.md) for the two recipient types nachklang itself makes and holds:
 * X25519 (`age1…` / `AGE-SECRET-KEY-1…`) and scrypt (passphrases). The primitives are
 * `node:crypto`'s (OpenSSL: X25519, HKDF-SHA-256, HMAC-SHA-256, ChaCha20-Poly1305, scrypt);
 * Bech32 and strict unpadded base64 are `@scure/base`'s, as in the reference implementation.
 *
 * Why not typage's own header code: it runs on web streams and WebCrypto's asynchronous X25519,
 * and loading it evaluates the post-quantum and NIST curve modules too; together about 20 ms of
 * every command that unlocks the practice (docs/decisions/age-header.md). Everything else —
 * hybrid post-quantum and tag recipients, their identities, armor — stays with typage
 * (`src/bundle/age.ts` falls back to it). The rules below are the reference implementation's,
 * check for check; every C2SP CCTV vector runs through this code (test/bundle/age-cctv.test.ts)
 * and its output is opened by typage and the `age` CLI (test/bundle/age-header.test.ts,
 * test/bundle/interop.test.ts).
 */
import { createCipheriv, createDecipheriv, createHmac, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes, timingSafeEqual, type KeyObject } from "node:crypto";
import { base64nopad, bech32 } from "@scure/base";
import { type DeriveKey } from "./scrypt-identity.js";

/** One recipient stanza: its arguments (the type first) and its body. */
export interface Stanza {
  readonly args: string[];
  readonly body: Uint8Array;
}

/** Finds the file key among a header's stanzas, or null; throws for a malformed stanza of its own type. */
export interface HeaderIdentity {
  unwrapFileKey(stanzas: Stanza[]): Uint8Array | null | Promise<Uint8Array | null>;
}

const VERSION_LINE = "age-encryption.org/v1";
const X25519_LABEL = Buffer.from("age-encryption.org/v1/X25519");
const SCRYPT_LABEL = Buffer.from("age-encryption.org/v1/scrypt");
const HEADER_LABEL = Buffer.from("header");
const ZERO_NONCE = Buffer.alloc(12);
/** RFC 8410 DER prefixes for X25519 keys, followed by the raw 32 bytes. */
const PKCS8_PREFIX = Buffer.from("302e020100300506032b656e04220420", "hex");
const SPKI_PREFIX = Buffer.from("302a300506032b656e032100", "hex");
const IDENTITY_PREFIX = "AGE-SECRET-KEY-";

/** An X25519 recipient or identity string's 32 bytes, checked as the reference checks them. */
function bech32Bytes(text: string, start: string, prefix: string, what: string): Uint8Array {
  let decoded: { prefix: string; bytes: Uint8Array };
  try {
    decoded = bech32.decodeToBytes(text);
  } catch {
    throw new Error(`invalid ${what}`);
  }
  const sameCase = prefix === prefix.toUpperCase() ? decoded.prefix.toUpperCase() : decoded.prefix.toLowerCase();
  if (!text.startsWith(start) || sameCase !== prefix || decoded.bytes.length !== 32) throw new Error(`invalid ${what}`);
  return decoded.bytes;
}

const hkdf = (ikm: Uint8Array, salt: Uint8Array, info: Uint8Array): Buffer => Buffer.from(hkdfSync("sha256", ikm, salt, info, 32));

/** ChaCha20-Poly1305 of the 16-byte file key under a zero nonce: the body of X25519 and scrypt stanzas. */
function wrapKey(fileKey: Uint8Array, key: Uint8Array): Buffer {
  const cipher = createCipheriv("chacha20-poly1305", key, ZERO_NONCE, { authTagLength: 16 });
  return Buffer.concat([cipher.update(fileKey), cipher.final(), cipher.getAuthTag()]);
}

/** The file key from a 32-byte stanza body, or null when `key` does not open it. */
function unwrapKey(body: Uint8Array, key: Uint8Array): Uint8Array | null {
  if (body.length !== 32) throw new Error("invalid stanza");
  const decipher = createDecipheriv("chacha20-poly1305", key, ZERO_NONCE, { authTagLength: 16 });
  decipher.setAuthTag(body.subarray(16));
  const fileKey = decipher.update(body.subarray(0, 16));
  try {
    decipher.final();
  } catch {
    fileKey.fill(0);
    return null;
  }
  return new Uint8Array(fileKey);
}

const x25519Private = (scalar: Uint8Array): KeyObject => createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, scalar]), format: "der", type: "pkcs8" });
const x25519Public = (point: Uint8Array): KeyObject => createPublicKey({ key: Buffer.concat([SPKI_PREFIX, point]), format: "der", type: "spki" });
const rawPublic = (key: KeyObject): Buffer => createPublicKey(key).export({ format: "der", type: "spki" }).subarray(SPKI_PREFIX.length);

/** X25519 of our key and a peer's point; OpenSSL refuses an all-zero result (a low-order point), as age requires. */
function sharedSecret(privateKey: KeyObject, point: Uint8Array): Buffer {
  try {
    return diffieHellman({ privateKey, publicKey: x25519Public(point) });
  } catch {
    throw new Error("invalid X25519 share");
  }
}

/** A new X25519 identity (`AGE-SECRET-KEY-1…`): 32 random bytes, as age makes them. */
export function generateX25519Identity(): string {
  return bech32.encodeFromBytes(IDENTITY_PREFIX, randomBytes(32)).toUpperCase();
}

/** Whether nachklang's own header code serves this recipient (an X25519 `age1…`); else typage does. */
export const isX25519Recipient = (recipient: string): boolean => recipient.startsWith("age1") && !/^age1(pq|tag|tagpq)1/.test(recipient);

/** Whether this identity is an X25519 one (`AGE-SECRET-KEY-1…`); else typage serves it. */
export const isX25519Identity = (identity: string): boolean => identity.startsWith(`${IDENTITY_PREFIX}1`);

export class X25519Identity implements HeaderIdentity {
  readonly #key: KeyObject;
  /** The matching recipient's 32 bytes. */
  readonly publicKey: Uint8Array;

  constructor(identity: string) {
    this.#key = x25519Private(bech32Bytes(identity, `${IDENTITY_PREFIX}1`, IDENTITY_PREFIX, "identity"));
    this.publicKey = rawPublic(this.#key);
  }

  /** The recipient string (`age1…`) this identity opens. */
  get recipient(): string {
    return bech32.encodeFromBytes("age", this.publicKey);
  }

  unwrapFileKey(stanzas: Stanza[]): Uint8Array | null {
    for (const s of stanzas) {
      if (s.args[0] !== "X25519") continue;
      if (s.args.length !== 2) throw new Error("invalid X25519 stanza");
      const share = base64nopad.decode(s.args[1]!);
      if (share.length !== 32) throw new Error("invalid X25519 stanza");
      const key = hkdf(sharedSecret(this.#key, share), Buffer.concat([share, this.publicKey]), X25519_LABEL);
      const fileKey = unwrapKey(s.body, key);
      key.fill(0);
      if (fileKey !== null) return fileKey;
    }
    return null;
  }
}

/** The recipient (`age1…`) of an X25519 identity. Throws for anything else. */
export function x25519Recipient(identity: string): string {
  return new X25519Identity(identity).recipient;
}

/** The stanza that gives `recipient` (an X25519 `age1…`) the file key: a fresh ephemeral share each time. */
export function wrapForX25519(fileKey: Uint8Array, recipient: string): Stanza {
  const point = bech32Bytes(recipient, "age1", "age", "recipient");
  const ephemeral = generateKeyPairSync("x25519").privateKey;
  const share = rawPublic(ephemeral);
  const key = hkdf(sharedSecret(ephemeral, point), Buffer.concat([share, point]), X25519_LABEL);
  const stanza = { args: ["X25519", base64nopad.encode(share)], body: wrapKey(fileKey, key) };
  key.fill(0);
  return stanza;
}

/** The stanza that gives a passphrase the file key: scrypt with a fresh 16-byte salt and work factor 2^logN. */
export async function wrapForPassphrase(fileKey: Uint8Array, passphrase: string, logN: number, derive: DeriveKey): Promise<Stanza> {
  const salt = randomBytes(16);
  const key = await derive(passphrase, Buffer.concat([SCRYPT_LABEL, salt]), logN);
  const stanza = { args: ["scrypt", base64nopad.encode(salt), String(logN)], body: wrapKey(fileKey, key) };
  key.fill(0);
  return stanza;
}

function headerMac(fileKey: Uint8Array, headerNoMac: Uint8Array): Buffer {
  const key = hkdf(fileKey, new Uint8Array(0), HEADER_LABEL);
  const mac = createHmac("sha256", key).update(headerNoMac).digest();
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

export interface ParsedHeader {
  readonly stanzas: Stanza[];
  /** Everything the MAC covers: up to and including the `---` of the last line. */
  readonly headerNoMac: Buffer;
  readonly mac: Uint8Array;
}

/**
 * Parse a complete header: the bytes up to and including the newline after `--- <MAC>`, as
 * `readHeader` in age.ts cuts them. Throws for anything the reference would refuse.
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
      const mac = base64nopad.decode(line.slice(4));
      if (mac.length !== 32) throw new Error("invalid header MAC");
      return { stanzas, headerNoMac: header.subarray(0, header.length - 1 - line.length + 3), mac };
    }
    args.shift();
    if (args.some((arg) => arg.length === 0)) throw new Error("invalid stanza");
    const body: Uint8Array[] = [];
    for (;;) {
      const bodyLine = lines[n++];
      if (bodyLine === undefined) throw new Error("invalid stanza");
      const bytes = base64nopad.decode(bodyLine);
      if (bytes.length > 48) throw new Error("invalid stanza");
      body.push(bytes);
      if (bytes.length < 48) break;
    }
    stanzas.push({ args, body: Buffer.concat(body) });
  }
}

/**
 * The file key of a parsed header: the first identity (in order) that finds it among the
 * stanzas, then the header MAC checked under it. Errors say which: "no identity matched…",
 * "invalid header HMAC", or a malformed stanza.
 */
export async function unwrapHeader(parsed: ParsedHeader, identities: readonly HeaderIdentity[]): Promise<Uint8Array> {
  let fileKey: Uint8Array | null = null;
  for (const identity of identities) {
    fileKey = await identity.unwrapFileKey(parsed.stanzas);
    if (fileKey !== null) break;
  }
  if (fileKey === null) throw new Error("no identity matched any of the file's recipients");
  const mac = headerMac(fileKey, parsed.headerNoMac);
  if (parsed.mac.length !== mac.length || !timingSafeEqual(parsed.mac, mac)) {
    fileKey.fill(0);
    throw new Error("invalid header HMAC");
  }
  return fileKey;
}
