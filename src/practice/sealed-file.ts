/**
 * Small encrypted files at rest (keyring, client registry, outbox records): age v1 through the
 * age door (src/age/), written atomically with mode 0600.
 */
import { readFile } from "node:fs/promises";
import { decryptBytes, encryptBytes, encryptWithPassphrase, type AgeKeys } from "../age/index.js";
import { writePrivateFile } from "../files.js";

const bytes = (plaintext: Uint8Array | string): Uint8Array => (typeof plaintext === "string" ? new TextEncoder().encode(plaintext) : plaintext);

async function decryptFile(path: string, keys: AgeKeys): Promise<Uint8Array> {
  return decryptBytes(await readFile(path), keys);
}

/** scrypt work factor for the keyring: 18 as age's default; tests may lower it (test-only). */
export function scryptLogN(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.NACHKLANG_TEST_SCRYPT_LOG_N;
  if (raw === undefined || raw === "") return 18;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 20) throw new Error("NACHKLANG_TEST_SCRYPT_LOG_N must be an integer from 1 to 20");
  return n;
}

export async function writeSealedToRecipients(path: string, plaintext: Uint8Array | string, recipients: readonly string[]): Promise<void> {
  await writePrivateFile(path, await encryptBytes(bytes(plaintext), recipients));
}

export async function readSealedWithIdentity(path: string, identity: string): Promise<Uint8Array> {
  return decryptFile(path, { identities: [identity] });
}

export async function writeSealedWithPassphrase(path: string, plaintext: Uint8Array | string, passphrase: string): Promise<void> {
  await writePrivateFile(path, await encryptWithPassphrase(bytes(plaintext), passphrase, scryptLogN()));
}

/** Throws when the passphrase is wrong or the file is damaged. */
export async function readSealedWithPassphrase(path: string, passphrase: string): Promise<Uint8Array> {
  return decryptFile(path, { passphrases: [passphrase] });
}
