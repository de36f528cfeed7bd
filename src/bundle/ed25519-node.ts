/**
 * Ed25519 (RFC 8032) on node:crypto (OpenSSL) for the CLI's minisign signatures. Ed25519 is
 * deterministic, so these are the very signatures noble makes (a property test holds them
 * equal; the RFC's vectors and minisign itself check both); OpenSSL spares every `seal`
 * noble's base-point tables. Keys are imported as the fixed DER prefixes of PKCS #8 and SPKI
 * for Ed25519 (RFC 8410) followed by the raw 32 bytes.
 */
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import type { Ed25519 } from "./signature.js";

const PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
const SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

function privateKey(seed: Uint8Array): KeyObject {
  if (seed.length !== 32) throw new Error("an Ed25519 seed has 32 bytes");
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" });
}

export const nodeEd25519: Ed25519 = {
  getPublicKey(seed) {
    const spki = createPublicKey(privateKey(seed)).export({ format: "der", type: "spki" });
    return new Uint8Array(spki.subarray(SPKI_PREFIX.length));
  },
  sign(message, seed) {
    return new Uint8Array(sign(null, message, privateKey(seed)));
  },
  verify(signature, message, publicKey) {
    if (publicKey.length !== 32 || signature.length !== 64) return false;
    try {
      const key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: "der", type: "spki" });
      return verify(null, message, key, signature);
    } catch {
      // Not a point on the curve: no signature can be valid for it.
      return false;
    }
  },
};
