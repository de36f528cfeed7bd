/**
 * The keyring: the practice's two private keys in one passphrase-encrypted age file (scrypt):
 * the age X25519 identity and the Ed25519 signing key (minisign). Unlocking is deliberately slow
 * (scrypt); unlock once per process, or once a day with the agent (src/agent/). Channel secrets
 * live beside it in `secrets.age` (secrets.ts), so the keyring is written only when it is made
 * (and when a version-1 keyring, which still held them, is migrated on its next unlock).
 */
import { dirname, join } from "node:path";
import * as z from "../zod-mini.js";
import { ExitCode, UserError } from "../errors.js";
import { formatKeyId, generateSigningKey, signingKeyFromSeed, type MinisignSecretKey } from "../bundle/signature.js";
import { nodeEd25519 } from "../bundle/ed25519-node.js";
import { AgeError, generateHybridIdentity, generateIdentity, identityToRecipient } from "../age/index.js";
import { exists } from "../files.js";
import { readSealedWithPassphrase, sealedWorkFactor, writeSealedWithPassphrase } from "./sealed-file.js";
import { mergeChannelSecrets } from "./secrets.js";

export interface Keyring {
  readonly ageIdentity: string;
  readonly ageRecipient: string;
  readonly signing: MinisignSecretKey;
  /** minisign key id as minisign prints it (16 hex digits). */
  readonly keyId: string;
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const unhex = (text: string) => new Uint8Array(Buffer.from(text, "hex"));

const keys = {
  /** X25519 (`AGE-SECRET-KEY-1…`) or, with `init --post-quantum`, hybrid (`AGE-SECRET-KEY-PQ-1…`). */
  ageIdentity: z.string().check(z.regex(/^AGE-SECRET-KEY-(?:PQ-)?1[0-9A-Z]+$/)),
  signing: z.object({ seed: z.string().check(z.regex(/^[0-9a-f]{64}$/)), keyId: z.string().check(z.regex(/^[0-9a-f]{16}$/)) }),
};
const stored = z.union([
  z.strictObject({ version: z.literal(2), ...keys }),
  /** Version 1 also held the channel secrets; it is migrated on its next unlock. */
  z.strictObject({ version: z.literal(1), ...keys, secrets: z.record(z.string(), z.string()) }),
]);
type Stored = z.infer<typeof stored>;

/** The channel secrets file beside a keyring (`<home>/secrets.age`). */
export const secretsBeside = (keyringPath: string): string => join(dirname(keyringPath), "secrets.age");

/** The keys of a stored keyring; `toStored` is its inverse (and its bytes are the agent's input). */
export async function fromStored(data: { ageIdentity: string; signing: { seed: string; keyId: string } }): Promise<Keyring> {
  const signing = signingKeyFromSeed(unhex(data.signing.seed), unhex(data.signing.keyId), nodeEd25519);
  return {
    ageIdentity: data.ageIdentity,
    ageRecipient: await identityToRecipient(data.ageIdentity),
    signing,
    keyId: formatKeyId(signing.keyId),
  };
}

export function toStored(k: Keyring): { version: 2; ageIdentity: string; signing: { seed: string; keyId: string } } {
  return { version: 2, ageIdentity: k.ageIdentity, signing: { seed: hex(k.signing.seed), keyId: hex(k.signing.keyId) } };
}

/** A new keyring; `postQuantum`: a hybrid post-quantum age identity instead of X25519. */
export async function createKeyring(path: string, passphrase: string, options: { postQuantum?: boolean } = {}): Promise<Keyring> {
  if (await exists(path)) throw new UserError(ExitCode.usage, "practice.exists", { file: path });
  const ageIdentity = options.postQuantum === true ? await generateHybridIdentity() : generateIdentity();
  const signing = generateSigningKey(nodeEd25519);
  const keyring = await fromStored({ ageIdentity, signing: { seed: hex(signing.seed), keyId: hex(signing.keyId) } });
  await writeSealedWithPassphrase(path, JSON.stringify(toStored(keyring)), passphrase);
  return keyring;
}

/**
 * Throws UserError: no practice (exit 2); a passphrase that unwraps nothing — wrong, or the
 * stanza holding the key damaged, which age cannot tell apart — (exit 2); a keyring that
 * unwraps but fails its header MAC, a payload chunk or its own format is damaged (exit 5).
 * A version-1 keyring is migrated here: its channel secrets move to `secrets.age` (sealed to
 * the practice; secrets already there win), then the keyring is stored again without them.
 */
export async function unlockKeyring(path: string, passphrase: string): Promise<Keyring> {
  if (!(await exists(path))) throw new UserError(ExitCode.usage, "practice.missing", { file: path });
  let plaintext: Uint8Array;
  try {
    plaintext = await readSealedWithPassphrase(path, passphrase);
  } catch (error) {
    if (error instanceof AgeError && error.kind === "no-match") throw new UserError(ExitCode.usage, "passphrase.wrong", { file: path }, { cause: error });
    if (error instanceof AgeError) throw new UserError(ExitCode.integrity, "practice.damaged", { file: path }, { cause: error });
    throw error;
  }
  const { keyring, data } = await parseStored(plaintext, path);
  if (data.version === 1) await migrate(path, passphrase, keyring, data);
  return keyring;
}

/** The keyring's scrypt work factor (read from its header, no passphrase needed), or undefined when it is no passphrase-sealed age file. */
export async function keyringWorkFactor(path: string): Promise<number | undefined> {
  return sealedWorkFactor(path);
}

/** Store the keyring again, at work factor `logN` (default: the current setting). */
export async function saveKeyring(path: string, passphrase: string, keyring: Keyring, logN?: number): Promise<void> {
  await writeSealedWithPassphrase(path, JSON.stringify(toStored(keyring)), passphrase, logN);
}

/**
 * The keyring's stored form (JSON), for sealing a second copy to the recovery key
 * (`keyring.recovery.age`, see src/records/recovery.ts). Secret: never written in plain text.
 */
export function serializeKeyring(k: Keyring): string {
  return JSON.stringify(toStored(k));
}

/** A keyring from its stored form (a recovered copy); damaged (exit 5) naming `file` when it is none, as unlockKeyring. */
export async function keyringFromStored(plaintext: Uint8Array, file: string): Promise<Keyring> {
  return (await parseStored(plaintext, file)).keyring;
}

/** The keyring in `plaintext` (a stored form read from `file`), with that form; damaged (exit 5) naming `file` when it is none. */
async function parseStored(plaintext: Uint8Array, file: string): Promise<{ keyring: Keyring; data: Stored }> {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(plaintext));
  } catch {
    json = undefined;
  }
  const parsed = stored.safeParse(json);
  if (!parsed.success) throw new UserError(ExitCode.integrity, "practice.damaged", { file });
  try {
    return { keyring: await fromStored(parsed.data), data: parsed.data };
  } catch (error) {
    // A stored key that is no key (the schema checks the shape, not the Bech32 checksum).
    throw new UserError(ExitCode.integrity, "practice.damaged", { file }, { cause: error });
  }
}

/** Store the keyring under a (new) passphrase: a recovered keyring takes one. */
export async function storeKeyring(path: string, k: Keyring, passphrase: string): Promise<void> {
  await saveKeyring(path, passphrase, k);
}

async function migrate(path: string, passphrase: string, keyring: Keyring, old: Extract<Stored, { version: 1 }>): Promise<void> {
  // Secrets first: a crash between the two writes leaves a version-1 keyring, migrated again next time.
  if (Object.keys(old.secrets).length > 0) await mergeChannelSecrets(secretsBeside(path), keyring.ageRecipient, keyring.ageIdentity, old.secrets);
  // At the work factor it had: the migration must not strengthen or weaken it behind the user's back.
  await writeSealedWithPassphrase(path, JSON.stringify(toStored(keyring)), passphrase, await sealedWorkFactor(path));
}
