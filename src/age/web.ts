/**
 * The age door of the offline viewer page (a browser: no `node:crypto`). The page only opens a
 * passphrase-sealed file, with the reference implementation (typage, on noble) and noble's
 * scrypt, which yields now and then so the page can show progress. The stanza's rules are the
 * CLI's (scrypt.ts). Bundled for the browser by scripts/build-viewer.js; no Node module here.
 */
import { Decrypter, type Identity } from "age-encryption";
import { chacha20poly1305 } from "@noble/ciphers/chacha.js";
import { scryptAsync } from "@noble/hashes/scrypt.js";
import { scryptSalt, scryptStanza } from "./scrypt.js";

/** A passphrase as an identity, reporting scrypt's progress (0 to 1). */
function passphraseIdentity(passphrase: string, onProgress: (fraction: number) => void): Identity {
  return {
    async unwrapFileKey(stanzas) {
      const stanza = scryptStanza(stanzas);
      if (stanza === null) return null;
      const key = await scryptAsync(passphrase, scryptSalt(stanza.salt), { N: 2 ** stanza.logN, r: 8, p: 1, dkLen: 32, onProgress });
      try {
        return chacha20poly1305(key, new Uint8Array(12)).decrypt(stanza.body);
      } catch {
        // Not this passphrase.
        return null;
      } finally {
        key.fill(0);
      }
    },
  };
}

/** The failure of `decryptWithPassphrase`: a wrong passphrase, or a file that is damaged. */
export class WebAgeError extends Error {
  constructor(readonly kind: "wrong-passphrase" | "damaged") {
    super(kind);
    this.name = "WebAgeError";
  }
}

/** The plaintext of a passphrase-sealed age file; rejects with WebAgeError. */
export async function decryptWithPassphrase(file: Uint8Array, passphrase: string, onProgress: (fraction: number) => void): Promise<Uint8Array> {
  const decrypter = new Decrypter();
  decrypter.addIdentity(passphraseIdentity(passphrase, onProgress));
  try {
    return await decrypter.decrypt(file);
  } catch (error) {
    // A wrong passphrase cannot unwrap the file key; anything later is damage or tampering.
    throw new WebAgeError(error instanceof Error && /no identity matched/.test(error.message) ? "wrong-passphrase" : "damaged");
  }
}
