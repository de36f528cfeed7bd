/**
 * The scrypt stanza's rules (C2SP age.md, "The scrypt recipient type"), apart from any
 * primitive, so that the CLI (recipients.ts, OpenSSL's scrypt) and the offline viewer page
 * (web.ts, noble's) check a passphrase file the same way. No Node module is imported here.
 */
import type { Stanza } from "./format.js";

/** Decoders cap the work factor, as the reference does: 2^20 is already about a GiB of memory. */
export const MAX_LOG_N = 20;

const LABEL = new TextEncoder().encode("age-encryption.org/v1/scrypt");

/** What scrypt is run over: the label ‖ the stanza's 16-byte salt. */
export function scryptSalt(salt: Uint8Array): Uint8Array {
  const out = new Uint8Array(LABEL.length + salt.length);
  out.set(LABEL);
  out.set(salt, LABEL.length);
  return out;
}

/** Strict unpadded base64 of exactly 16 bytes; non-canonical encodings are refused. */
function decodeSalt(text: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]{22}$/.test(text)) throw new Error("invalid scrypt stanza");
  const binary = atob(`${text}==`);
  if (btoa(binary).slice(0, 22) !== text) throw new Error("invalid scrypt stanza");
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/**
 * The scrypt stanza among `stanzas`, checked: null when there is none. Throws, as the reference
 * does, when it is not the only stanza, or for arguments or a body of the wrong form, or a work
 * factor above MAX_LOG_N.
 */
export function scryptStanza(stanzas: readonly Stanza[]): { salt: Uint8Array; logN: number; body: Uint8Array } | null {
  const s = stanzas.find((stanza) => stanza.args[0] === "scrypt");
  if (s === undefined) return null;
  if (stanzas.length !== 1) throw new Error("scrypt recipient is not the only one in the header");
  if (s.args.length !== 3 || !/^[1-9][0-9]*$/.test(s.args[2]!)) throw new Error("invalid scrypt stanza");
  const salt = decodeSalt(s.args[1]!);
  const logN = Number(s.args[2]);
  if (logN > MAX_LOG_N) throw new Error("scrypt work factor is too high");
  if (s.body.length !== 32) throw new Error("invalid scrypt stanza");
  return { salt, logN, body: s.body };
}
