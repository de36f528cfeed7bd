/**
 * Channel secrets (API secrets, private keys, SMTP passwords) in `<home>/secrets.age`, sealed to
 * the practice's own age recipient. Writing needs only the public recipient; reading needs the
 * identity — the unlocked keyring, or the agent, which unwraps the file key for the command that
 * delivers. Names are `channel.<name>.<secret>` (channels/factory.ts `secretKey`).
 */
import { IntegrityError } from "../errors.js";
import { exists } from "../files.js";
import type { Identity } from "../age/index.js";
import * as z from "../zod-mini.js";
import { readSealedWithIdentity, writeSealedToRecipients } from "./sealed-file.js";

export type ChannelSecrets = Readonly<Record<string, string>>;

const fileSchema = z.strictObject({ version: z.literal(1), secrets: z.record(z.string(), z.string()) });

/** The stored secrets; an absent file holds none. Throws IntegrityError (exit 5) for a file that is not one. */
export async function readChannelSecrets(path: string, identity: string | Identity): Promise<Record<string, string>> {
  if (!(await exists(path))) return {};
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(await readSealedWithIdentity(path, identity)));
  } catch (error) {
    throw new IntegrityError("secrets.damaged", { file: path }, { cause: error });
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) throw new IntegrityError("secrets.damaged", { file: path });
  return { ...parsed.data.secrets };
}

export async function writeChannelSecrets(path: string, recipient: string, secrets: ChannelSecrets): Promise<void> {
  await writeSealedToRecipients(path, JSON.stringify({ version: 1, secrets: { ...secrets } }), [recipient]);
}

/** Store one secret changed (`value` undefined removes it); returns all secrets as stored. */
export async function setChannelSecret(path: string, recipient: string, identity: string | Identity, name: string, value: string | undefined): Promise<ChannelSecrets> {
  const secrets = await readChannelSecrets(path, identity);
  if (value === undefined) delete secrets[name];
  else secrets[name] = value;
  await writeChannelSecrets(path, recipient, secrets);
  return secrets;
}

/** Add `older` secrets (from a version-1 keyring) to the stored ones; a name stored already keeps its value. */
export async function mergeChannelSecrets(path: string, recipient: string, identity: string | Identity, older: ChannelSecrets): Promise<void> {
  const stored = await readChannelSecrets(path, identity);
  await writeChannelSecrets(path, recipient, { ...older, ...stored });
}
