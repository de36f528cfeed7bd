/**
 * The cryptographic primitives of the age door, chosen here and nowhere else in `src/age/`:
 * `node:crypto` (OpenSSL) for X25519, HKDF-SHA-256, HMAC-SHA-256, ChaCha20-Poly1305 and scrypt.
 *
 * Why OpenSSL rather than noble (which the reference implementation, typage, runs on): the
 * payload is bulk ChaCha20-Poly1305, and the keyring's scrypt at work factor 18 is the cost of
 * every unlock; OpenSSL's are many times faster here, and they are the same RFC 7748 / 5869 /
 * 8439 / 7914 functions, so the output is byte for byte the reference's. The C2SP CCTV vectors
 * and round trips through typage and the `age` CLI hold that true (test/age/).
 *
 * The offline viewer page cannot use these (no `node:crypto` in a browser): its door is
 * `web.ts`, on typage and noble.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes as osRandomBytes,
  scrypt as opensslScrypt,
  timingSafeEqual,
  type KeyObject,
} from "node:crypto";

export const randomBytes = (length: number): Buffer => osRandomBytes(length);

export const hkdfSha256 = (ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length = 32): Buffer => Buffer.from(hkdfSync("sha256", ikm, salt, info, length));

export const hmacSha256 = (key: Uint8Array, data: Uint8Array): Buffer => createHmac("sha256", key).update(data).digest();

/** Equal length and equal bytes, in time that does not depend on where they differ. */
export const equalBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && timingSafeEqual(a, b);

const TAG = 16;

/** ChaCha20-Poly1305 (RFC 8439): the ciphertext and its 16-byte tag, as separate pieces. */
export function sealChaCha(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array): [Buffer, Buffer] {
  const cipher = createCipheriv("chacha20-poly1305", key, nonce, { authTagLength: TAG });
  const body = cipher.update(plaintext);
  cipher.final();
  return [body, cipher.getAuthTag()];
}

/** The plaintext of `sealed` (ciphertext ‖ tag), or null when it does not authenticate. */
export function openChaCha(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array): Buffer | null {
  if (sealed.length < TAG) return null;
  const decipher = createDecipheriv("chacha20-poly1305", key, nonce, { authTagLength: TAG });
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG));
  const body = decipher.update(sealed.subarray(0, sealed.length - TAG));
  try {
    decipher.final();
  } catch {
    body.fill(0);
    return null;
  }
  return body;
}

/**
 * scrypt(passphrase, salt, N = 2^logN, r = 8, p = 1), 32 bytes, on libuv's thread pool. OpenSSL
 * needs the memory allowed explicitly: it counts 128·r·(N + p + 2) bytes.
 */
export const scrypt = (passphrase: string, salt: Uint8Array, logN: number): Promise<Buffer> =>
  new Promise((resolve, reject) =>
    opensslScrypt(passphrase, salt, 32, { N: 2 ** logN, r: 8, p: 1, maxmem: 128 * 8 * (2 ** logN + 3) }, (error, key) => (error ? reject(error) : resolve(key))),
  );

/** RFC 8410 DER prefixes for X25519 keys; the raw 32 bytes follow. */
const PKCS8_PREFIX = Buffer.from("302e020100300506032b656e04220420", "hex");
const SPKI_PREFIX = Buffer.from("302a300506032b656e032100", "hex");

/** An X25519 private key, for `x25519` and `x25519Public`. */
export type X25519Key = KeyObject;

export const x25519Key = (scalar: Uint8Array): X25519Key => createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, scalar]), format: "der", type: "pkcs8" });

/** The public point (32 bytes) of a private key. */
export const x25519Public = (key: X25519Key): Buffer => createPublicKey(key).export({ format: "der", type: "spki" }).subarray(SPKI_PREFIX.length);

/** A fresh key pair: the private key and its public point. */
export function x25519Ephemeral(): { key: X25519Key; point: Buffer } {
  const key = generateKeyPairSync("x25519").privateKey;
  return { key, point: x25519Public(key) };
}

/**
 * X25519(key, point). Throws for a point OpenSSL refuses, and for an all-zero result (a
 * low-order point), which OpenSSL refuses too, as age requires.
 */
export function x25519(key: X25519Key, point: Uint8Array): Buffer {
  try {
    return diffieHellman({ privateKey: key, publicKey: createPublicKey({ key: Buffer.concat([SPKI_PREFIX, point]), format: "der", type: "spki" }) });
  } catch {
    throw new Error("invalid X25519 share");
  }
}
