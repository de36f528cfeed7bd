import { writePrivateFile } from "../../files.js";
import { ExitCode, UserError } from "../../errors.js";
import { formatFingerprint, parsePublicKey, signerFingerprint } from "../../bundle/signature.js";
import { saveKeyring } from "../../practice/keyring.js";
import { DEFAULT_SCRYPT_LOG_N } from "../../practice/sealed-file.js";
import { readKeyringPassphrase, type CliContext } from "../context.js";
import { minisignPublicKeyFile, practicePublic, unlockKeyringHere } from "../practice.js";

export async function show(ctx: CliContext): Promise<void> {
  await Promise.resolve();
  const p = practicePublic(ctx);
  const fingerprint = signerFingerprint(parsePublicKey(p.minisignPublicKey));
  ctx.out.say("keys.ageRecipient", { recipient: p.ageRecipient });
  ctx.out.say("keys.minisign", { keyId: p.keyId, key: p.minisignPublicKey });
  ctx.out.say("keys.fingerprint", { fingerprint: formatFingerprint(fingerprint) });
  ctx.out.result({ ageRecipient: p.ageRecipient, keyId: p.keyId, minisignPublicKey: p.minisignPublicKey, fingerprint });
}

/** Encrypt the keyring again at the default work factor, whatever the test-only setting says. */
export async function strengthen(ctx: CliContext): Promise<void> {
  const passphrase = await readKeyringPassphrase(ctx);
  const keyring = await unlockKeyringHere(ctx, passphrase);
  await saveKeyring(ctx.home.keyring, passphrase, keyring, DEFAULT_SCRYPT_LOG_N);
  ctx.out.say("keys.strengthened", { file: ctx.home.keyring, logN: DEFAULT_SCRYPT_LOG_N });
  ctx.out.result({ file: ctx.home.keyring, logN: DEFAULT_SCRYPT_LOG_N });
}

export async function exportKeys(ctx: CliContext, opts: { identity?: string; minisign?: string }): Promise<void> {
  if (opts.identity === undefined && opts.minisign === undefined) throw new UserError(ExitCode.usage, "keys.exportWhat");
  const written: string[] = [];
  if (opts.minisign !== undefined) {
    const p = practicePublic(ctx);
    await writePrivateFile(opts.minisign, minisignPublicKeyFile(p.keyId, p.minisignPublicKey), { exclusive: true });
    written.push(opts.minisign);
    ctx.out.say("keys.exportedMinisign", { file: opts.minisign });
  }
  if (opts.identity !== undefined) {
    const keyring = await unlockKeyringHere(ctx);
    const text = `# nachklang practice identity (age); keep it secret\n# public key: ${keyring.ageRecipient}\n${keyring.ageIdentity}\n`;
    await writePrivateFile(opts.identity, text, { exclusive: true });
    written.push(opts.identity);
    ctx.out.say("keys.exportedIdentity", { file: opts.identity });
  }
  ctx.out.result({ written });
}
