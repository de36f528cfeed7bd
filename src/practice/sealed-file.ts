/**
 * Small encrypted files at rest (keyring, client registry, cache entries): age v1 through the
 * reference implementation, written atomically with mode 0600.
 */
import { readFile } from "node:fs/promises";
import { Decrypter, Encrypter } from "age-encryption";
import { writePrivateFile } from "./home.js";

/** scrypt work factor for the keyring: 18 as age's default; tests may lower it (test-only). */
export function scryptLogN(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.NACHKLANG_TEST_SCRYPT_LOG_N;
  if (raw === undefined || raw === "") return 18;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 20) throw new Error("NACHKLANG_TEST_SCRYPT_LOG_N must be an integer from 1 to 20");
  return n;
}

export async function writeSealedToRecipients(path: string, plaintext: Uint8Array | string, recipients: readonly string[]): Promise<void> {
  const e = new Encrypter();
  for (const r of recipients) e.addRecipient(r);
  await writePrivateFile(path, await e.encrypt(plaintext));
}

export async function readSealedWithIdentity(path: string, identity: string): Promise<Uint8Array> {
  const d = new Decrypter();
  d.addIdentity(identity);
  return d.decrypt(await readFile(path));
}

export async function writeSealedWithPassphrase(path: string, plaintext: Uint8Array | string, passphrase: string): Promise<void> {
  const e = new Encrypter();
  e.setPassphrase(passphrase);
  e.setScryptWorkFactor(scryptLogN());
  await writePrivateFile(path, await e.encrypt(plaintext));
}

/** Throws when the passphrase is wrong or the file is damaged. */
export async function readSealedWithPassphrase(path: string, passphrase: string): Promise<Uint8Array> {
  const d = new Decrypter();
  d.addPassphrase(passphrase);
  return d.decrypt(await readFile(path));
}
