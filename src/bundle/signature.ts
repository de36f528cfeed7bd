/**
 * minisign signatures (jedisct1/minisign `src/minisign.c`), prehashed (`ED`) only:
 *   signature = Ed25519(BLAKE2b-512(message)), global signature = Ed25519(signature ‖ trusted comment).
 * Verifiable with `minisign -V -H -p KEY.pub -m FILE -x FILE.minisig`.
 * Runs in Node and in the browser (the offline viewer): no Node-only imports here.
 */
import { blake2b } from "@noble/hashes/blake2.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { randomBytes } from "@noble/hashes/utils.js";

/**
 * The Ed25519 (RFC 8032) operations minisign needs, chosen by the caller: node:crypto's in the CLI
 * (ed25519-node.ts), noble's in the viewer page (ed25519-noble.ts). Ed25519 is deterministic, so
 * both sign identically.
 */
export interface Ed25519 {
  getPublicKey(seed: Uint8Array): Uint8Array;
  sign(message: Uint8Array, seed: Uint8Array): Uint8Array;
  verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
}

export interface MinisignPublicKey {
  /** 8 bytes, as stored in the key and signature blobs. */
  readonly keyId: Uint8Array;
  readonly publicKey: Uint8Array;
}

export interface MinisignSecretKey extends MinisignPublicKey {
  /** The 32-byte Ed25519 seed. */
  readonly seed: Uint8Array;
}

export interface VerifiedSignature {
  readonly keyId: string;
  readonly trustedComment: string;
}

/** Thrown by `parse*`/`verify*` for malformed or invalid input; callers map it to exit 5. */
export class SignatureError extends Error {
  constructor(readonly reason: "malformed" | "algorithm" | "key-mismatch" | "invalid") {
    super(`minisign signature ${reason}`);
    this.name = "SignatureError";
  }
}

const te = new TextEncoder();

function b64encode(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function b64decode(text: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) throw new SignatureError("malformed");
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** The key id as minisign prints it: the 8 bytes read as a little-endian integer, in hex. */
export function formatKeyId(keyId: Uint8Array): string {
  return [...keyId]
    .reverse()
    .map((b) => b.toString(16).padStart(2, "0"))
    .join("")
    .toUpperCase();
}

/**
 * The signer fingerprint (docs/bundle-format.md, "Trust"): SHA-256 of the 32-byte Ed25519 public
 * key, 64 lower-case hex digits. Unlike the 8-byte key id, which anyone may copy into a key of
 * their own, it names the key itself: a client keeps it from the consent information sheet and
 * gives it to `open --signer-fingerprint`.
 */
export function signerFingerprint(key: MinisignPublicKey): string {
  let s = "";
  for (const b of sha256(key.publicKey)) s += b.toString(16).padStart(2, "0");
  return s;
}

/** A fingerprint for people: upper-case, in 16 groups of four (`A1B2 C3D4 …`). */
export function formatFingerprint(fingerprint: string): string {
  return (fingerprint.toUpperCase().match(/.{1,4}/g) ?? []).join(" ");
}

/**
 * A fingerprint as people type or paste it: any case, with or without spaces, colons, dashes
 * or underscores between the digits. Returns the 64 lower-case hex digits, or undefined.
 */
export function parseFingerprint(text: string): string | undefined {
  const digits = text.replace(/[\s:_-]+/g, "").toLowerCase();
  return /^[0-9a-f]{64}$/.test(digits) ? digits : undefined;
}

/** Whether two public keys are the same key (id and Ed25519 key). */
export function sameKey(a: MinisignPublicKey, b: MinisignPublicKey): boolean {
  return equalBytes(a.keyId, b.keyId) && equalBytes(a.publicKey, b.publicKey);
}

export function generateSigningKey(ed: Ed25519): MinisignSecretKey {
  const seed = randomBytes(32);
  return { seed, keyId: randomBytes(8), publicKey: ed.getPublicKey(seed) };
}

export function signingKeyFromSeed(seed: Uint8Array, keyId: Uint8Array, ed: Ed25519): MinisignSecretKey {
  return { seed, keyId, publicKey: ed.getPublicKey(seed) };
}

/** The public key file as minisign writes it (`minisign.pub`). */
export function encodePublicKey(key: MinisignPublicKey): string {
  const blob = new Uint8Array(42);
  blob.set(te.encode("Ed"), 0);
  blob.set(key.keyId, 2);
  blob.set(key.publicKey, 10);
  return `untrusted comment: minisign public key ${formatKeyId(key.keyId)}\n${b64encode(blob)}\n`;
}

/** Parse a public key file, or its bare base64 line. */
export function parsePublicKey(text: string): MinisignPublicKey {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const line = lines.find((l) => !l.startsWith("untrusted comment:"));
  if (line === undefined) throw new SignatureError("malformed");
  const blob = b64decode(line.trim());
  if (blob.length !== 42) throw new SignatureError("malformed");
  if (blob[0] !== 0x45 || blob[1] !== 0x64) throw new SignatureError("algorithm"); // "Ed"
  return { keyId: blob.slice(2, 10), publicKey: blob.slice(10, 42) };
}

/** minisign's two Ed25519 signatures: over the prehash, and over that signature ‖ the trusted comment. */
export interface PrehashedSignature {
  readonly signature: Uint8Array;
  readonly globalSignature: Uint8Array;
}

/**
 * Who signs a manifest: the public key, and the two signatures for a prehash. The practice's
 * keys give one whose secret stays where it is held (the agent, or the keyring in this process).
 */
export interface MinisignSigner extends MinisignPublicKey {
  signPrehashed(prehash: Uint8Array, trustedComment: string): Promise<PrehashedSignature>;
}

/** The prehash minisign signs (`ED`): BLAKE2b-512 of the message. */
export function prehash(message: Uint8Array): Uint8Array {
  return blake2b(message);
}

function checkComment(trustedComment: string): void {
  if (/[\r\n]/.test(trustedComment)) throw new Error("trusted comment must be one line");
}

/** The two signatures for a prehash (64 bytes) with a trusted comment (one line, no newline). */
export function signPrehashed(seed: Uint8Array, hash: Uint8Array, trustedComment: string, ed: Ed25519): PrehashedSignature {
  checkComment(trustedComment);
  if (hash.length !== 64) throw new Error("a minisign prehash is 64 bytes");
  const signature = ed.sign(hash, seed);
  const comment = te.encode(trustedComment);
  const global = new Uint8Array(signature.length + comment.length);
  global.set(signature, 0);
  global.set(comment, signature.length);
  return { signature, globalSignature: ed.sign(global, seed) };
}

/** The signature file as minisign writes it (`.minisig`), from the two signatures. */
export function encodeSignature(keyId: Uint8Array, parts: PrehashedSignature, trustedComment: string): string {
  checkComment(trustedComment);
  if (parts.signature.length !== 64 || parts.globalSignature.length !== 64) throw new Error("an Ed25519 signature is 64 bytes");
  const blob = new Uint8Array(74);
  blob.set(te.encode("ED"), 0);
  blob.set(keyId, 2);
  blob.set(parts.signature, 10);
  return (
    `untrusted comment: signature from nachklang secret key ${formatKeyId(keyId)}\n` +
    `${b64encode(blob)}\n` +
    `trusted comment: ${trustedComment}\n` +
    `${b64encode(parts.globalSignature)}\n`
  );
}

/** Sign `message` prehashed (`ED`), with a trusted comment (one line, no newline). */
export function sign(key: MinisignSecretKey, message: Uint8Array, trustedComment: string, ed: Ed25519): string {
  return encodeSignature(key.keyId, signPrehashed(key.seed, prehash(message), trustedComment, ed), trustedComment);
}

/** Sign with `signer`, wherever its secret is held. */
export async function signWith(signer: MinisignSigner, message: Uint8Array, trustedComment: string): Promise<string> {
  checkComment(trustedComment);
  return encodeSignature(signer.keyId, await signer.signPrehashed(prehash(message), trustedComment), trustedComment);
}

/**
 * Verify a prehashed minisign signature of `message` by `key`. Returns the trusted comment.
 * Throws `SignatureError` for anything else: malformed text, legacy (non-prehashed) signatures,
 * a different key id, or an invalid signature or global signature.
 */
export function verify(key: MinisignPublicKey, message: Uint8Array, signatureText: string, ed: Ed25519): VerifiedSignature {
  const lines = signatureText.split("\n");
  if (lines.at(-1) === "") lines.pop();
  if (lines.length !== 4) throw new SignatureError("malformed");
  const [untrusted, sigLine, trustedLine, globalLine] = lines as [string, string, string, string];
  if (!untrusted.startsWith("untrusted comment:") || !trustedLine.startsWith("trusted comment: ")) {
    throw new SignatureError("malformed");
  }
  const blob = b64decode(sigLine.trim());
  if (blob.length !== 74) throw new SignatureError("malformed");
  if (blob[0] !== 0x45 || blob[1] !== 0x44) throw new SignatureError("algorithm"); // "ED"
  if (!equalBytes(blob.slice(2, 10), key.keyId)) throw new SignatureError("key-mismatch");
  const signature = blob.slice(10, 74);
  const globalSignature = b64decode(globalLine.trim());
  if (globalSignature.length !== 64) throw new SignatureError("malformed");
  const trustedComment = trustedLine.slice("trusted comment: ".length);
  const trustedBytes = te.encode(trustedComment);
  if (!ed.verify(signature, blake2b(message), key.publicKey)) throw new SignatureError("invalid");
  const global = new Uint8Array(64 + trustedBytes.length);
  global.set(signature, 0);
  global.set(trustedBytes, 64);
  if (!ed.verify(globalSignature, global, key.publicKey)) throw new SignatureError("invalid");
  return { keyId: formatKeyId(key.keyId), trustedComment };
}
