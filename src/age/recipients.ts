/**
 * Recipient and identity types (C2SP age.md, "X25519 recipient type" and "scrypt recipient
 * type"): wrapping a file key into a stanza for a recipient, and finding it again with an
 * identity. X25519 and passphrases — all nachklang itself makes and holds — are implemented
 * here; other types a client may bring (hybrid post-quantum `age1pq1…`, tags) are the reference
 * implementation's (typage), loaded only when such a key comes along.
 */
import { base64nopad, bech32 } from "@scure/base";
import type * as TypageModule from "age-encryption";
import { parseHeader, type Identity, type Stanza } from "./format.js";

type Typage = typeof TypageModule;
import { hkdfSha256, openChaCha, randomBytes, scrypt, sealChaCha, x25519, x25519Ephemeral, x25519Key, x25519Public, type X25519Key } from "./primitives.js";
import { scryptStanza, scryptSalt } from "./scrypt.js";

const X25519_LABEL = new TextEncoder().encode("age-encryption.org/v1/X25519");
const ZERO_NONCE = new Uint8Array(12);
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

/** ChaCha20-Poly1305 of the 16-byte file key under a zero nonce: the body of X25519 and scrypt stanzas. */
function wrapKey(fileKey: Uint8Array, key: Uint8Array): Buffer {
  return Buffer.concat(sealChaCha(key, ZERO_NONCE, fileKey));
}

/** The file key in a 32-byte stanza body, or null when `key` does not open it. */
function unwrapKey(body: Uint8Array, key: Uint8Array): Uint8Array | null {
  if (body.length !== 32) throw new Error("invalid stanza");
  const fileKey = openChaCha(key, ZERO_NONCE, body);
  return fileKey === null ? null : new Uint8Array(fileKey);
}

/** Whether this recipient is an X25519 one (`age1…` but not `age1pq1…`, `age1tag1…`). */
export const isX25519Recipient = (recipient: string): boolean => recipient.startsWith("age1") && !/^age1(pq|tag|tagpq)1/.test(recipient);

/** Whether this identity is an X25519 one (`AGE-SECRET-KEY-1…`). */
export const isX25519Identity = (identity: string): boolean => identity.startsWith(`${IDENTITY_PREFIX}1`);

/** A new X25519 identity (`AGE-SECRET-KEY-1…`): 32 random bytes, as age makes them. */
export function generateX25519Identity(): string {
  return bech32.encodeFromBytes(IDENTITY_PREFIX, randomBytes(32)).toUpperCase();
}

export class X25519Identity implements Identity {
  readonly #key: X25519Key;
  /** The matching recipient's 32 bytes. */
  readonly publicKey: Uint8Array;

  /** Throws for a string that is not a valid X25519 identity. */
  constructor(identity: string) {
    this.#key = x25519Key(bech32Bytes(identity, `${IDENTITY_PREFIX}1`, IDENTITY_PREFIX, "identity"));
    this.publicKey = x25519Public(this.#key);
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
      const key = hkdfSha256(x25519(this.#key, share), Buffer.concat([share, this.publicKey]), X25519_LABEL);
      const fileKey = unwrapKey(s.body, key);
      key.fill(0);
      if (fileKey !== null) return fileKey;
    }
    return null;
  }
}

/** The stanza that gives `recipient` (an X25519 `age1…`) the file key: a fresh ephemeral share each time. */
export function wrapForX25519(fileKey: Uint8Array, recipient: string): Stanza {
  const point = bech32Bytes(recipient, "age1", "age", "recipient");
  const ephemeral = x25519Ephemeral();
  const key = hkdfSha256(x25519(ephemeral.key, point), Buffer.concat([ephemeral.point, point]), X25519_LABEL);
  const stanza = { args: ["X25519", base64nopad.encode(ephemeral.point)], body: wrapKey(fileKey, key) };
  key.fill(0);
  return stanza;
}

/** A passphrase as an identity (the scrypt recipient type). */
export class ScryptIdentity implements Identity {
  constructor(private readonly passphrase: string) {}

  /** The file key, or null when the passphrase does not open it; throws for a malformed scrypt stanza or one next to others. */
  async unwrapFileKey(stanzas: Stanza[]): Promise<Uint8Array | null> {
    const stanza = scryptStanza(stanzas);
    if (stanza === null) return null;
    const key = await scrypt(this.passphrase, scryptSalt(stanza.salt), stanza.logN);
    try {
      return unwrapKey(stanza.body, key);
    } finally {
      key.fill(0);
    }
  }
}

/** The stanza that gives a passphrase the file key: scrypt with a fresh 16-byte salt and work factor 2^logN. */
export async function wrapForPassphrase(fileKey: Uint8Array, passphrase: string, logN: number): Promise<Stanza> {
  const salt = randomBytes(16);
  const key = await scrypt(passphrase, scryptSalt(salt), logN);
  const stanza = { args: ["scrypt", base64nopad.encode(salt), String(logN)], body: wrapKey(fileKey, key) };
  key.fill(0);
  return stanza;
}

/** The work factor (log2 N) of a passphrase-sealed file's scrypt stanza, or undefined for any other file. */
export function scryptWorkFactor(stanzas: Stanza[]): number | undefined {
  try {
    return scryptStanza(stanzas)?.logN;
  } catch {
    return undefined;
  }
}

let typage: Promise<Typage> | undefined;
/** The reference implementation, for recipient and identity types of its alone. */
const reference = (): Promise<Typage> => (typage ??= import("age-encryption"));

/**
 * typage's decrypter holding `identities` (strings of any type it knows, or Identity objects):
 * for files that an identity of typage's alone (hybrid post-quantum `AGE-SECRET-KEY-PQ-1…`)
 * must open. Throws for a string that is no identity at all.
 */
export async function referenceDecrypter(identities: readonly (string | Identity)[]): Promise<{ decryptHeader(header: Uint8Array): Promise<Uint8Array> }> {
  const { Decrypter } = await reference();
  const decrypter = new Decrypter();
  for (const identity of identities) decrypter.addIdentity(identity);
  return decrypter;
}

/**
 * A new file key and the stanzas that give it to recipients of typage's alone (`age1pq1…`,
 * `age1tag1…`): typage seals an empty file to them and to a stand-in that learns the file key,
 * and the stanzas are read back from that file's header. Further recipients get the same key
 * from `wrapForX25519`.
 */
export async function wrapForForeign(recipients: readonly string[]): Promise<{ fileKey: Uint8Array; stanzas: Stanza[] }> {
  const { Encrypter } = await reference();
  const encrypter = new Encrypter();
  for (const recipient of recipients) encrypter.addRecipient(recipient);
  let fileKey: Uint8Array | undefined;
  encrypter.addRecipient({
    wrapFileKey(key) {
      fileKey = key.slice();
      return [];
    },
  });
  const file = Buffer.from(await encrypter.encrypt(new Uint8Array(0)));
  const header = parseHeader(file.subarray(0, file.indexOf(0x0a, file.indexOf("\n---") + 1) + 1));
  if (fileKey === undefined) throw new Error("age: the file key was not captured");
  return { fileKey, stanzas: header.stanzas };
}

/**
 * An identity object for any identity string this door can use: X25519 here; another type
 * (hybrid post-quantum) as typage's own object, which its decrypter builds from the string
 * (typage exports no constructor for it). For holders of a key that answer stanza by stanza:
 * the keys of an unlocked keyring, and the agent. Throws for a string that is no identity.
 */
export async function identityObject(identity: string): Promise<Identity> {
  if (isX25519Identity(identity)) return new X25519Identity(identity);
  const { Decrypter } = await reference();
  const decrypter = new Decrypter();
  decrypter.addIdentity(identity);
  const held = (decrypter as unknown as { identities?: readonly Partial<Identity>[] }).identities?.[0];
  if (typeof held?.unwrapFileKey !== "function") throw new Error("age: this identity type cannot be held by itself");
  return held as Identity;
}

/** The recipient (`age1…`) of an identity: X25519 here, post-quantum through typage. Throws for anything else. */
export async function identityToRecipient(identity: string): Promise<string> {
  if (isX25519Identity(identity)) return new X25519Identity(identity).recipient;
  return (await reference()).identityToRecipient(identity);
}

/**
 * A new hybrid post-quantum identity (`AGE-SECRET-KEY-PQ-1…`, ML-KEM-768 + X25519; recipient
 * `age1pq1…`), as the reference makes it. Stock age reads it from version 1.3 on.
 */
export async function generateHybridIdentity(): Promise<string> {
  return (await reference()).generateHybridIdentity();
}

/** Whether `recipient` is one age can seal to (checked as the reference checks it). */
export async function isValidRecipient(recipient: string): Promise<boolean> {
  if (!recipient.startsWith("age1")) return false;
  try {
    if (isX25519Recipient(recipient)) bech32Bytes(recipient, "age1", "age", "recipient");
    else new (await reference()).Encrypter().addRecipient(recipient);
    return true;
  } catch {
    return false;
  }
}
