/**
 * Unlocking the practice for a command: the passphrase once, the keyring once, the client
 * registry with the practice key. Commands that need secrets call `unlockPractice`.
 */
import { ExitCode, UserError } from "../errors.js";
import { ClientRegistry } from "../practice/clients.js";
import { saveKeyringSecret, unlockKeyring, type Keyring } from "../practice/keyring.js";
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
export async function unlockKeyringOnly(ctx: CliContext, passphraseFile?: string): Promise<Keyring> {
  const cached = unlocked.get(ctx.home.root);
  if (cached) return cached.keyring;
  return unlockKeyring(ctx.home.keyring, await readPassphrase(ctx, passphraseFile));
}

export async function unlockPractice(ctx: CliContext, passphraseFile?: string): Promise<Practice> {
  const cached = unlocked.get(ctx.home.root);
  if (cached) return cached;
  const passphrase = await readPassphrase(ctx, passphraseFile);
  let keyring = await unlockKeyring(ctx.home.keyring, passphrase);
  const clients = await ClientRegistry.load(ctx.home.clients, keyring.ageIdentity, keyring.ageRecipient);
  const practice: Practice = {
    get keyring() {
      return keyring;
    },
    clients,
    async setSecret(name, value) {
      keyring = await saveKeyringSecret(ctx.home.keyring, passphrase, keyring, name, value);
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
