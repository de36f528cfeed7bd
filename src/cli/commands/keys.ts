import { writePrivateFile } from "../../files.js";
import { ExitCode, UserError } from "../../errors.js";
import type { CliContext } from "../context.js";
import { minisignPublicKeyFile, practicePublic, unlockKeyringOnly } from "../practice.js";

export async function show(ctx: CliContext): Promise<void> {
  await Promise.resolve();
  const p = practicePublic(ctx);
  ctx.out.say("keys.ageRecipient", { recipient: p.ageRecipient });
  ctx.out.say("keys.minisign", { keyId: p.keyId, key: p.minisignPublicKey });
  ctx.out.result({ ageRecipient: p.ageRecipient, keyId: p.keyId, minisignPublicKey: p.minisignPublicKey });
}

export async function exportKeys(ctx: CliContext, opts: { identity?: string; minisign?: string; passphraseFile?: string }): Promise<void> {
  if (opts.identity === undefined && opts.minisign === undefined) throw new UserError(ExitCode.usage, "keys.exportWhat");
  const written: string[] = [];
  if (opts.minisign !== undefined) {
    const p = practicePublic(ctx);
    await writePrivateFile(opts.minisign, minisignPublicKeyFile(p.keyId, p.minisignPublicKey), { exclusive: true });
    written.push(opts.minisign);
    ctx.out.say("keys.exportedMinisign", { file: opts.minisign });
  }
  if (opts.identity !== undefined) {
    const keyring = await unlockKeyringOnly(ctx, opts.passphraseFile);
    const text = `# nachklang practice identity (age X25519); keep it secret\n# public key: ${keyring.ageRecipient}\n${keyring.ageIdentity}\n`;
    await writePrivateFile(opts.identity, text, { exclusive: true });
    written.push(opts.identity);
    ctx.out.say("keys.exportedIdentity", { file: opts.identity });
  }
  ctx.out.result({ written });
}
