/**
 * Small encrypted files at rest (keyring, client registry, outbox records): age v1 through the
 * age door (src/age/), written atomically with mode 0600.
 */
import { readFile } from "node:fs/promises";
import { decryptBytes, encryptBytes, encryptWithPassphrase, passphraseWorkFactor, type AgeKeys, type Identity } from "../age/index.js";
import { writePrivateFile } from "../files.js";

const bytes = (plaintext: Uint8Array | string): Uint8Array => (typeof plaintext === "string" ? new TextEncoder().encode(plaintext) : plaintext);

async function decryptFile(path: string, keys: AgeKeys): Promise<Uint8Array> {
  return decryptBytes(await readFile(path), keys);
}

/** age's default scrypt work factor (log2 N), which keyrings use outside tests. */
export const DEFAULT_SCRYPT_LOG_N = 18;

/**
 * The test-only variable that lowers the scrypt work factor of new keyrings and viewer pages.
 * Named so that nobody sets it by accident; a keyring made with it is loud everywhere else
 * (a warning from every command that reads it, `doctor` fails).
 */
export const TEST_SCRYPT_VARIABLE = "NACHKLANG_INSECURE_TEST_SCRYPT_LOG_N";

/** The work factor the test-only variable asks for, or undefined when it is not set. */
export function testScryptLogN(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env[TEST_SCRYPT_VARIABLE];
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 20) throw new Error(`${TEST_SCRYPT_VARIABLE} must be an integer from 1 to 20`);
  return n;
}

/** scrypt work factor for the keyring: 18 as age's default; tests may lower it (test-only). */
export function scryptLogN(env: NodeJS.ProcessEnv = process.env): number {
  return testScryptLogN(env) ?? DEFAULT_SCRYPT_LOG_N;
}

export async function writeSealedToRecipients(path: string, plaintext: Uint8Array | string, recipients: readonly string[]): Promise<void> {
  await writePrivateFile(path, await encryptBytes(bytes(plaintext), recipients));
}

/** Opened with the practice identity: its string, or an object such as `PracticeKeys.identity` (the agent). */
export async function readSealedWithIdentity(path: string, identity: string | Identity): Promise<Uint8Array> {
  return decryptFile(path, { identities: [identity] });
}

export async function writeSealedWithPassphrase(path: string, plaintext: Uint8Array | string, passphrase: string, logN = scryptLogN()): Promise<void> {
  await writePrivateFile(path, await encryptWithPassphrase(bytes(plaintext), passphrase, logN));
}

/** Throws AgeError when the passphrase is wrong or the file is damaged ("no-match": the passphrase unwrapped nothing). */
export async function readSealedWithPassphrase(path: string, passphrase: string): Promise<Uint8Array> {
  return decryptFile(path, { passphrases: [passphrase] });
}

/** The scrypt work factor a passphrase-sealed file was written with, or undefined when it is not one. */
export async function sealedWorkFactor(path: string): Promise<number | undefined> {
  return passphraseWorkFactor(await readFile(path));
}
