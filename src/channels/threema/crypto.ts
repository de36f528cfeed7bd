/**
 * NaCl primitives for the Threema Gateway's end-to-end mode, composed from noble:
 * `crypto_box` = X25519 (@noble/curves) → HSalsa20 (@noble/ciphers) → XSalsa20-Poly1305,
 * and `crypto_secretbox` (XSalsa20-Poly1305) for blobs. noble has no `box`, so it is built here
 * exactly as NaCl defines it: the box key is HSalsa20(shared secret, 16 zero bytes).
 */
import { x25519 } from "@noble/curves/ed25519.js";
import { hsalsa, xsalsa20poly1305 } from "@noble/ciphers/salsa.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { randomBytes } from "node:crypto";

export const KEY_BYTES = 32;
export const NONCE_BYTES = 24;

/** Fixed blob nonces of the file message format: 00…01 for the file, 00…02 for the thumbnail. */
export const FILE_NONCE: Readonly<Uint8Array> = nonceEndingIn(1);
export const THUMBNAIL_NONCE: Readonly<Uint8Array> = nonceEndingIn(2);

function nonceEndingIn(last: number): Uint8Array {
  const nonce = new Uint8Array(NONCE_BYTES);
  nonce[NONCE_BYTES - 1] = last;
  return nonce;
}

/**
 * Curve25519 points of small order (and their non-canonical encodings), as listed in
 * libsodium's `crypto_scalarmult` blocklist and on https://cr.yp.to/ecdh.html#validate.
 * A public key among them makes the shared secret independent of our private key.
 */
export const LOW_ORDER_POINTS: readonly string[] = [
  "0000000000000000000000000000000000000000000000000000000000000000",
  "0100000000000000000000000000000000000000000000000000000000000000",
  "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
  "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
  "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "cdeb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b880",
  "4c9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f11d7",
  "d9ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
  "daffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
  "dbffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
];
const lowOrder = new Set(LOW_ORDER_POINTS);

/** Thrown for keys that must never be used; callers turn it into a catalogue line. */
export class BadKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BadKeyError";
  }
}

export const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

export function fromHex(text: string, bytes?: number): Uint8Array {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(text) || (bytes !== undefined && text.length !== bytes * 2)) {
    throw new BadKeyError(`expected ${bytes === undefined ? "" : `${bytes} bytes of `}hex`);
  }
  return new Uint8Array(Buffer.from(text, "hex"));
}

/**
 * A public key as 64 hex digits (optionally `public:`-prefixed, as Threema's tools write it).
 * Rejects low-order points: the Gateway could otherwise hand us a key that makes every box
 * readable by anyone.
 */
export function parsePublicKey(text: string): Uint8Array {
  const hex = text.trim().replace(/^public:/i, "").toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new BadKeyError("a public key is 64 hex digits");
  const key = fromHex(hex, KEY_BYTES);
  if (isLowOrder(key)) throw new BadKeyError("low-order public key");
  return key;
}

/**
 * True for the listed points, also with the top bit cleared (X25519 ignores it, so both
 * encodings are the same point).
 */
export function isLowOrder(publicKey: Uint8Array): boolean {
  const masked = Uint8Array.from(publicKey);
  masked[31] = (masked[31] ?? 0) & 0x7f;
  return lowOrder.has(toHex(publicKey)) || lowOrder.has(toHex(masked));
}

/** A private key as 64 hex digits, optionally prefixed `private:` (Threema's own key files). */
export function parsePrivateKey(text: string): Uint8Array {
  const hex = text.trim().replace(/^private:/i, "").toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new BadKeyError("a private key is 64 hex digits");
  return fromHex(hex, KEY_BYTES);
}

export function publicKeyOf(privateKey: Uint8Array): Uint8Array {
  return x25519.getPublicKey(privateKey);
}

/**
 * The key fingerprint the Threema app shows (own profile and contact details): the first 16
 * bytes of SHA-256 of the public key, as 32 hex digits (threema-ch/threema-android,
 * FingerPrintServiceImpl.java).
 */
export function fingerprint(publicKey: Uint8Array): string {
  return toHex(sha256(publicKey).subarray(0, 16));
}

function words(bytes: Uint8Array): Uint32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Uint32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getUint32(i * 4, true);
  return out;
}

// "expand 32-byte k", the Salsa20 constant.
const SIGMA = words(new TextEncoder().encode("expand 32-byte k"));

/** crypto_box_beforenm: HSalsa20 of the X25519 shared secret with a zero input block. */
export function boxKey(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  if (publicKey.length !== KEY_BYTES || isLowOrder(publicKey)) throw new BadKeyError("low-order public key");
  let shared: Uint8Array;
  try {
    shared = x25519.getSharedSecret(privateKey, publicKey);
  } catch (error) {
    // noble refuses low-order points itself; name it the same way as parsePublicKey does.
    throw new BadKeyError(`low-order public key (${String(error)})`);
  }
  if (shared.every((b) => b === 0)) throw new BadKeyError("low-order public key");
  const out = new Uint32Array(8);
  hsalsa(SIGMA, words(shared), new Uint32Array(4), out);
  const key = new Uint8Array(32);
  const view = new DataView(key.buffer);
  for (let i = 0; i < 8; i++) view.setUint32(i * 4, out[i] ?? 0, true);
  return key;
}

export function randomNonce(): Uint8Array {
  return new Uint8Array(randomBytes(NONCE_BYTES));
}

/** crypto_box: encrypt and authenticate `plaintext` from our private key to their public key. */
export function box(plaintext: Uint8Array, nonce: Uint8Array, theirPublicKey: Uint8Array, ourPrivateKey: Uint8Array): Uint8Array {
  return xsalsa20poly1305(boxKey(ourPrivateKey, theirPublicKey), nonce).encrypt(plaintext);
}

/** crypto_box_open: throws when the box does not authenticate. */
export function openBox(ciphertext: Uint8Array, nonce: Uint8Array, theirPublicKey: Uint8Array, ourPrivateKey: Uint8Array): Uint8Array {
  return xsalsa20poly1305(boxKey(ourPrivateKey, theirPublicKey), nonce).decrypt(ciphertext);
}

export function secretbox(plaintext: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array {
  return xsalsa20poly1305(key, nonce).encrypt(plaintext);
}

export function openSecretbox(ciphertext: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array {
  return xsalsa20poly1305(key, nonce).decrypt(ciphertext);
}

export function randomKey(): Uint8Array {
  return new Uint8Array(randomBytes(KEY_BYTES));
}
