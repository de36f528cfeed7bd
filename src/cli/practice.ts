/**
 * Unlocking the practice for a command: the passphrase once, the keyring once, the client
 * registry with the practice key. Commands that need secrets call `unlockPractice`.
 */
import { ExitCode, UserError, unwritableFile } from "../errors.js";
import { ClientRegistry } from "../practice/clients.js";
import { keyringWorkFactor, saveKeyringSecret, unlockKeyring, type Keyring } from "../practice/keyring.js";
import { DEFAULT_SCRYPT_LOG_N, testScryptLogN } from "../practice/sealed-file.js";
import { listStagingPlace, stagingListDir, sweepListedPlaces } from "../practice/staging.js";
import { readPassphrase, type CliContext } from "./context.js";

export interface Practice {
  readonly keyring: Keyring;
  readonly clients: ClientRegistry;
  /** Store a secret (e.g. `channel.threema.secret`) in the keyring; undefined removes it. */
  setSecret(name: string, value: string | undefined): Promise<void>;
}

const unlocked = new Map<string, Practice>();

/**
 * The keyring alone, for commands that need no client (opening a bundle, exporting the
 * identity): the client registry stays encrypted. Within one run, an unlocked practice's
 * keyring is reused.
 */
export async function unlockKeyringOnly(ctx: CliContext, passphraseFile?: string, passphrase?: string): Promise<Keyring> {
  const cached = unlocked.get(ctx.home.root);
  if (cached) return cached.keyring;
  const keyring = await unlockKeyring(ctx.home.keyring, passphrase ?? (await readPassphrase(ctx, passphraseFile)));
  await afterUnlock(ctx, keyring);
  return keyring;
}

const checked = new Set<string>();

/**
 * What every command that reads the keyring does once: warn when the keyring is weaker than
 * the default work factor (not while the test-only variable is set: tests make such keyrings
 * on purpose and would drown in the warning), and sweep the staging places that runs killed
 * before they finished listed (reading the list needs the practice key).
 */
async function afterUnlock(ctx: CliContext, keyring: Keyring): Promise<void> {
  if (checked.has(ctx.home.root)) return;
  checked.add(ctx.home.root);
  if (testScryptLogN() === undefined) {
    const logN = await keyringWorkFactor(ctx.home.keyring);
    if (logN !== undefined && logN < DEFAULT_SCRYPT_LOG_N) ctx.out.warn("keyring.weak", { file: ctx.home.keyring, logN });
  }
  await sweepListedPlaces(stagingListDir(ctx.home.root), { identities: [keyring.ageIdentity] });
}

/**
 * For `open`: list a staging place in the home before staging there (practice/staging.ts), so
 * that a later run can remove what a killed run left. Undefined without a practice in the home
 * (a client opening with --identity keeps no list; the next `open` into the same folder sweeps).
 */
export function stagingRegistrar(ctx: CliContext): ((parent: string) => Promise<() => Promise<void>>) | undefined {
  const recipient = ctx.settings.practice?.ageRecipient;
  if (recipient === undefined) return undefined;
  const listDir = stagingListDir(ctx.home.root);
  return (parent) =>
    listStagingPlace(listDir, recipient, parent).catch((error: unknown) => {
      throw unwritableFile(listDir, error) ?? error;
    });
}

export async function unlockPractice(ctx: CliContext, passphraseFile?: string): Promise<Practice> {
  const cached = unlocked.get(ctx.home.root);
  if (cached) return cached;
  const passphrase = await readPassphrase(ctx, passphraseFile);
  let keyring = await unlockKeyring(ctx.home.keyring, passphrase);
  await afterUnlock(ctx, keyring);
  const clients = await ClientRegistry.load(ctx.home.clients, keyring.ageIdentity, keyring.ageRecipient);
  const practice: Practice = {
    get keyring() {
      return keyring;
    },
    clients,
    async setSecret(name, value) {
      keyring = await saveKeyringSecret(ctx.home.keyring, passphrase, keyring, name, value);
      // The recovery key's copy of the keyring follows every change (docs/records.md).
      const recovery = (ctx.config.get("recovery") as { recipient?: unknown } | undefined)?.recipient;
      if (typeof recovery === "string") {
        const { writeRecoveryCopy } = await import("../records/recovery.js");
        await writeRecoveryCopy(ctx.home.root, keyring, recovery);
      }
    },
  };
  unlocked.set(ctx.home.root, practice);
  return practice;
}

/** The practice's public details from the config (no passphrase needed). */
export function practicePublic(ctx: CliContext): { name?: string; ageRecipient: string; keyId: string; minisignPublicKey: string } {
  const practice = ctx.settings.practice;
  if (practice === undefined) throw new UserError(ExitCode.usage, "practice.missing", { file: ctx.home.keyring });
  return practice;
}

export function minisignPublicKeyFile(keyId: string, line: string): string {
  return `untrusted comment: minisign public key ${keyId}\n${line}\n`;
}
