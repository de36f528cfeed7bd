/**
 * The recovery key: an age identity the practitioner keeps on paper (or in a safe file). The
 * keyring is sealed to it a second time, as `keyring.recovery.age` beside `keyring.age` — a
 * passphrase-sealed age file may hold no other recipient (C2SP age.md: scrypt must be the only
 * stanza), so this is a file of its own. Backups are sealed to it too. With it, a forgotten
 * passphrase loses nothing: `restore --recovery-key FILE` opens the backup and the keyring copy
 * and stores the keyring under a new passphrase.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { decryptBytes, generateHybridIdentity, generateIdentity, identityToRecipient, isValidIdentity } from "../age/index.js";
import { ExitCode, UserError } from "../errors.js";
import { readNamedFile } from "../files.js";
import { writeSealedToRecipients } from "../practice/sealed-file.js";
import { keyringFromStored, serializeKeyring, type Keyring } from "../practice/keyring.js";

export const RECOVERY_FILE = "keyring.recovery.age";

export function recoveryCopyPath(root: string): string {
  return join(root, RECOVERY_FILE);
}

export interface RecoveryKey {
  readonly identity: string;
  readonly recipient: string;
}

/**
 * A new recovery key of the practice key's kind: hybrid post-quantum for a practice made with
 * `init --post-quantum` (an X25519 recovery key beside it would let a future quantum attacker
 * open every backup and the keyring copy, undoing the choice), X25519 otherwise.
 */
export async function newRecoveryKey(practiceIdentity: string): Promise<RecoveryKey> {
  const identity = practiceIdentity.startsWith("AGE-SECRET-KEY-PQ-1") ? await generateHybridIdentity() : generateIdentity();
  return { identity, recipient: await identityToRecipient(identity) };
}

/** The text of a recovery key file (or sheet): what it is, then the identity line. */
export function recoveryKeyText(key: RecoveryKey, practice: string, created: string): string {
  return `# nachklang recovery key for ${practice}, created ${created}\n# public key: ${key.recipient}\n${key.identity}\n`;
}

/** Seal the keyring to the recovery recipient (again, whenever the keyring changes). */
export async function writeRecoveryCopy(root: string, keyring: Keyring, recipient: string): Promise<void> {
  await writeSealedToRecipients(recoveryCopyPath(root), serializeKeyring(keyring), [recipient]);
}

/** The recovery identity from a key file (comment lines allowed); exit 2 naming the file when it holds none. */
export async function readRecoveryKey(file: string): Promise<string> {
  const text = (await readNamedFile(file)).toString("utf8");
  const line = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l.startsWith("AGE-SECRET-KEY-1") || l.startsWith("AGE-SECRET-KEY-PQ-1"));
  if (line === undefined || !(await isValidIdentity(line))) throw new UserError(ExitCode.usage, "recovery.badKeyFile", { file });
  return line;
}

/** The keyring from its recovery copy. Exit 5 when the copy does not open with this key or is damaged. */
export async function openRecoveryCopy(path: string, identity: string): Promise<Keyring> {
  let plaintext: Uint8Array;
  try {
    plaintext = await decryptBytes(await readFile(path), { identities: [identity] });
  } catch (error) {
    throw new UserError(ExitCode.integrity, "recovery.copyUnopenable", { file: path }, { cause: error });
  }
  return keyringFromStored(plaintext, path);
}

/** The keyring a backup carries, opened with the passphrase. Exit 2 when the passphrase does not open it. */
export async function openCarriedKeyring(carried: Uint8Array, passphrase: string, file: string): Promise<Keyring> {
  let plaintext: Uint8Array;
  try {
    plaintext = await decryptBytes(carried, { passphrases: [passphrase] });
  } catch (error) {
    throw new UserError(ExitCode.usage, "passphrase.wrong", { file }, { cause: error });
  }
  return keyringFromStored(plaintext, file);
}
