/**
 * `nachklang client passphrase ALIAS --generate | --viewer-passphrase-file FILE`: the passphrase
 * for the client's offline viewers, kept in the (encrypted) client record. A generated one is
 * shown once. The keyring passphrase is never accepted as a client's viewer passphrase.
 */
import { ExitCode, UserError } from "../../errors.js";
import { canonicalPassphrase, generateViewerPassphrase, passphraseEntropyBits } from "../../viewer/passphrase.js";
import { readViewerPassphrase, type CliContext } from "../context.js";
import { refuseKeyringPassphraseAsViewer, unlockPractice } from "../practice.js";

interface PassphraseOptions {
  viewerPassphraseFile?: string;
  generate?: boolean;
}

export async function passphrase(ctx: CliContext, alias: string, opts: PassphraseOptions): Promise<void> {
  if ((opts.viewerPassphraseFile !== undefined) === (opts.generate === true)) throw new UserError(ExitCode.usage, "viewer.passphraseChoice", { generate: "--generate" });
  const agreed = opts.viewerPassphraseFile !== undefined ? await readViewerPassphrase(opts.viewerPassphraseFile, "--generate") : undefined;
  const practice = await unlockPractice(ctx);
  if (agreed !== undefined && opts.viewerPassphraseFile !== undefined) await refuseKeyringPassphraseAsViewer(practice, agreed, opts.viewerPassphraseFile, "--generate");
  const record = practice.clients.require(alias);
  const value = agreed ?? generateViewerPassphrase();
  await practice.clients.put({ ...record, viewerPassphrase: canonicalPassphrase(value) });
  if (agreed === undefined) {
    ctx.out.say("viewer.passphraseGenerated", { alias, passphrase: value });
    ctx.out.result({ alias, passphrase: value, bits: Math.floor(passphraseEntropyBits()) });
  } else {
    ctx.out.say("viewer.passphraseStored", { alias });
    ctx.out.result({ alias, stored: true });
  }
}
