/**
 * age's scrypt identity (C2SP age.md, "The scrypt recipient type") for the viewer page, with
 * noble's `scryptAsync` instead of the blocking `scrypt` that age-encryption's built-in
 * passphrase identity uses: the page stays responsive and shows progress during the few
 * seconds of key derivation on a phone. Same rules as the reference implementation: the scrypt
 * stanza must be the only one; two arguments, a canonical 16-byte base64 salt and a decimal
 * work factor without leading zeros, at most 20; the body is the 16-byte file key sealed with
 * ChaCha20-Poly1305 under the derived key and a zero nonce.
 */
import type { Identity, Stanza } from "age-encryption";
import { chacha20poly1305 } from "@noble/ciphers/chacha.js";
import { scryptAsync } from "@noble/hashes/scrypt.js";

const LABEL = "age-encryption.org/v1/scrypt";
export const MAX_LOG_N = 20;

/** Strict unpadded base64 of exactly 16 bytes; non-canonical encodings are rejected. */
function decodeSalt(text: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]{22}$/.test(text)) throw new Error("invalid scrypt stanza");
  const binary = atob(`${text}==`);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  if (btoa(binary).slice(0, 22) !== text) throw new Error("invalid scrypt stanza");
  return bytes;
}

export class ProgressScryptIdentity implements Identity {
  constructor(
    private readonly passphrase: string,
    private readonly onProgress: (fraction: number) => void = () => undefined,
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
      const key = await scryptAsync(this.passphrase, labelAndSalt, { N: 2 ** logN, r: 8, p: 1, dkLen: 32, onProgress: this.onProgress });
      try {
        return chacha20poly1305(key, new Uint8Array(12)).decrypt(s.body);
      } catch {
        return null;
      }
    }
    return null;
  }
}
