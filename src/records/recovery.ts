/**
 * The recovery key: an age identity the practitioner keeps on paper (or in a safe file). The
 * keyring is sealed to it a second time, as `keyring.recovery.age` beside `keyring.age` — a
 * passphrase-sealed age file may hold no other recipient (C2SP age.md: scrypt must be the only
 * stanza), so this is a file of its own. Backups are sealed to it too. With it, a forgotten
 * passphrase loses nothing: `restore --recovery-key FILE` opens the backup and the keyring copy
 * and stores the keyring under a new passphrase.
 *
 * The recovery recipient is public (config.json), so anyone could seal a keyring of their own to
 * it. The **anchor** ties the key on paper to the practice's signing key: an HMAC of the signing
 * public key under a key derived from the recovery identity, kept in config.json beside the
 * recipient. Only the holder of the recovery identity can make one; `restore --recovery-key`
 * checks it before it trusts the signing key of the keyring copy (docs/decisions/signed-backups.md).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { decryptBytes, generateHybridIdentity, generateIdentity, identityToRecipient, isValidIdentity } from "../age/index.js";
import { ExitCode, UserError } from "../errors.js";
import { readNamedFile } from "../files.js";
import type { MinisignPublicKey } from "../bundle/signature.js";
import { writeSealedToRecipients } from "../practice/sealed-file.js";
import { keyringFromStored, serializeKeyring, type Keyring } from "../practice/keyring.js";
import { identityKey } from "../practice/keys.js";

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

/** The recovery key's public part in config.json (`recovery`). */
export interface RecoverySetting {
  recipient: string;
  created: string;
  /** Ties the recovery key to the signing key (records/recovery.ts); missing for keys made before it. */
  anchor?: string;
}

/** The anchor of a `recovery` setting when it is one (64 hex digits), else undefined. */
function anchorIn(recovery: unknown): string | undefined {
  const anchor = (recovery as { anchor?: unknown } | null | undefined)?.anchor;
  return typeof anchor === "string" && /^[0-9a-f]{64}$/.test(anchor) ? anchor : undefined;
}

export function recoverySetting(value: unknown): RecoverySetting | undefined {
  const v = value as Partial<RecoverySetting> | undefined;
  if (typeof v?.recipient !== "string" || !v.recipient.startsWith("age1")) return undefined;
  const anchor = anchorIn(v);
  return { recipient: v.recipient, created: String(v.created ?? ""), ...(anchor === undefined ? {} : { anchor }) };
}

/**
 * What a staged (not yet trusted) backup may hold in `config.json` and the keyring copy: far more
 * than either ever is (a few KiB), and little enough to read whole — a forged backup must not be
 * able to exhaust the memory of the restore that is about to refuse it.
 */
const STAGED_LIMIT = 1024 * 1024;

/** A staged file read whole, or undefined when it is missing or larger than STAGED_LIMIT. */
async function readStaged(path: string): Promise<Buffer | undefined> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined || !info.isFile() || info.size > STAGED_LIMIT) return undefined;
  return readFile(path);
}

/** The anchor of `signer` under the recovery identity (64 hex digits). */
export function recoveryAnchor(identity: string, signer: MinisignPublicKey): string {
  return createHmac("sha256", identityKey(identity, "nachklang recovery anchor v1")).update(signer.keyId).update(signer.publicKey).digest("hex");
}

/** Whether `anchor` (from a backup's config.json) is this recovery identity's anchor of `signer`. */
export function anchorHolds(anchor: string, identity: string, signer: MinisignPublicKey): boolean {
  const want = Buffer.from(recoveryAnchor(identity, signer), "hex");
  const got = Buffer.from(anchor, "hex");
  return got.length === want.length && timingSafeEqual(got, want);
}

/** The anchor kept in a (staged, not yet trusted) home's config.json; undefined when it has none. */
export async function storedAnchor(root: string): Promise<string | undefined> {
  try {
    const config = JSON.parse((await readStaged(join(root, "config.json")))?.toString("utf8") ?? "null") as { recovery?: unknown } | null;
    return anchorIn(config?.recovery);
  } catch {
    return undefined;
  }
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
export async function openRecoveryCopy(path: string, identity: string, shownAs = path): Promise<Keyring> {
  let plaintext: Uint8Array;
  try {
    const sealed = await readStaged(path);
    if (sealed === undefined) throw new Error(`${path}: missing or larger than ${STAGED_LIMIT} bytes`);
    plaintext = await decryptBytes(sealed, { identities: [identity] });
  } catch (error) {
    throw new UserError(ExitCode.integrity, "recovery.copyUnopenable", { file: shownAs }, { cause: error });
  }
  return keyringFromStored(plaintext, shownAs);
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
