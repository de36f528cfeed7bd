/**
 * age's scrypt identity (C2SP age.md, "The scrypt recipient type") with the key derivation
 * supplied by the caller: `node:crypto`'s native scrypt in the CLI (about four times faster than
 * the pure-JS one age-encryption's built-in passphrase identity runs, and off the main thread),
 * noble's `scryptAsync` with a progress bar in the viewer page. No Node module is imported here:
 * the viewer bundles this file for the browser.
 *
 * Same rules as the reference implementation: the scrypt stanza must be the only one; two
 * arguments, a canonical 16-byte base64 salt and a decimal work factor without leading zeros,
 * at most 20; the body is the 16-byte file key sealed with ChaCha20-Poly1305 under the derived
 * key and a zero nonce.
 */
import type { Identity, Stanza } from "age-encryption";
import { chacha20poly1305 } from "@noble/ciphers/chacha.js";

const LABEL = "age-encryption.org/v1/scrypt";
export const MAX_LOG_N = 20;

/** scrypt(passphrase, salt, N = 2^logN, r = 8, p = 1), 32 bytes. */
export type DeriveKey = (passphrase: string, salt: Uint8Array, logN: number) => Promise<Uint8Array>;

/** Strict unpadded base64 of exactly 16 bytes; non-canonical encodings are rejected. */
function decodeSalt(text: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]{22}$/.test(text)) throw new Error("invalid scrypt stanza");
  const binary = atob(`${text}==`);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  if (btoa(binary).slice(0, 22) !== text) throw new Error("invalid scrypt stanza");
  return bytes;
}

export class ScryptIdentity implements Identity {
  constructor(
    private readonly passphrase: string,
    private readonly derive: DeriveKey,
  ) {}

  /**
   * The file key, or null when the passphrase does not open it (wrong passphrase). Throws, as
   * the reference does, for a malformed scrypt stanza or a scrypt stanza next to others.
   */
  async unwrapFileKey(stanzas: Stanza[]): Promise<Uint8Array | null> {
    for (const s of stanzas) {
      if (s.args[0] !== "scrypt") continue;
      if (stanzas.length !== 1) throw new Error("scrypt recipient is not the only one in the header");
      if (s.args.length !== 3 || !/^[1-9][0-9]*$/.test(s.args[2]!)) throw new Error("invalid scrypt stanza");
      const salt = decodeSalt(s.args[1]!);
      const logN = Number(s.args[2]);
      if (logN > MAX_LOG_N) throw new Error("scrypt work factor is too high");
      if (s.body.length !== 32) throw new Error("invalid scrypt stanza");
      const label = new TextEncoder().encode(LABEL);
      const labelAndSalt = new Uint8Array(label.length + salt.length);
      labelAndSalt.set(label);
      labelAndSalt.set(salt, label.length);
      const key = await this.derive(this.passphrase, labelAndSalt, logN);
      try {
        return chacha20poly1305(key, new Uint8Array(12)).decrypt(s.body);
      } catch {
        return null;
      } finally {
        key.fill(0);
      }
    }
    return null;
  }
}
