/**
 * Ed25519 (RFC 8032) from noble, for the offline viewer page (no `node:crypto` there). The CLI
 * uses ed25519-node.ts, which signs identically (Ed25519 is deterministic): loading noble's curve
 * costs every command start-up time for nothing.
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import type { Ed25519 } from "./signature.js";

let tableBuilt = false;
/** noble's, with a small base-point table (window 4) built on first use: a page verifies a handful of times. */
function noble(): typeof ed25519 {
  if (!tableBuilt) ed25519.Point.BASE.precompute(4);
  tableBuilt = true;
  return ed25519;
}

export const nobleEd25519: Ed25519 = {
  getPublicKey: (seed) => noble().getPublicKey(seed),
  sign: (message, seed) => noble().sign(message, seed),
  verify: (signature, message, publicKey) => noble().verify(signature, message, publicKey),
};
