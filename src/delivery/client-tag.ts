/**
 * Clients in the ledger: a keyed hash of the alias, so `status ALIAS` and `history ALIAS` can
 * find a client's follow-ups while the ledger itself names nobody. The key is derived from the
 * practice's age identity (HKDF-SHA-256), so it needs the unlocked keyring and never leaves it.
 */
import { hkdf } from "@noble/hashes/hkdf.js";
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";

export type ClientTagger = (alias: string) => string;

export function clientTagger(ageIdentity: string): ClientTagger {
  const key = hkdf(sha256, utf8ToBytes(ageIdentity), new Uint8Array(0), utf8ToBytes("nachklang ledger client tag v1"), 32);
  return (alias) => bytesToHex(hmac(sha256, key, utf8ToBytes(alias)).subarray(0, 16));
}
