/**
 * `nachklang viewer BUNDLE --out FILE.html`: open a bundle with the practice keyring and write
 * the offline viewer for its client, sealed with the client's stored viewer passphrase (or one
 * given or generated for this follow-up).
 */
import { resolve } from "node:path";
import { openBundleToTemp } from "../../bundle/open.js";
import { encodePublicKey } from "../../bundle/signature.js";
import { ExitCode, UserError } from "../../errors.js";
import { buildViewer, viewerLimitBytes } from "../../viewer/build.js";
import { generateViewerPassphrase } from "../../viewer/passphrase.js";
import { writePrivateFile } from "../../files.js";
import { readViewerPassphrase, type CliContext } from "../context.js";
import { refuseKeyringPassphraseAsViewer, unlockPractice } from "../practice.js";

interface ViewerOptions {
  out: string;
  viewerPassphraseFile?: string;
  generatePassphrase?: boolean;
}

export async function viewer(ctx: CliContext, bundle: string, opts: ViewerOptions): Promise<void> {
  if (opts.viewerPassphraseFile !== undefined && opts.generatePassphrase === true) throw new UserError(ExitCode.usage, "viewer.passphraseChoice", { generate: "--generate-passphrase" });
  const out = resolve(opts.out);
  const given = opts.viewerPassphraseFile !== undefined ? await readViewerPassphrase(opts.viewerPassphraseFile, "--generate-passphrase") : undefined;
  const practice = await unlockPractice(ctx);
  if (given !== undefined && opts.viewerPassphraseFile !== undefined) await refuseKeyringPassphraseAsViewer(practice, given, opts.viewerPassphraseFile, "--generate-passphrase");
  const { keys } = practice;
  const opened = await openBundleToTemp(bundle, { keys: { identities: [keys.identity] }, signer: keys.signer });
  try {
    const alias = opened.manifest.client;
    const generated = opts.generatePassphrase === true ? generateViewerPassphrase() : undefined;
    const passphrase = given ?? generated ?? practice.clients.require(alias).viewerPassphrase;
    if (passphrase === undefined) throw new UserError(ExitCode.usage, "viewer.noPassphrase", { alias });
    const html = await buildViewer({
      followUp: opened,
      minisignPublicKey: encodePublicKey(keys.signer),
      passphrase,
      limitBytes: viewerLimitBytes(ctx.settings.viewerLimitMB),
      warn: (key, params) => ctx.out.warn(key, params),
    });
    await writePrivateFile(out, html, { exclusive: true });
    const size = (Buffer.byteLength(html) / (1024 * 1024)).toFixed(1);
    ctx.out.say("viewer.written", { alias, file: out, size });
    if (generated !== undefined) ctx.out.say("viewer.passphraseGenerated", { alias, passphrase: generated });
    ctx.out.result({ alias, file: out, bytes: Buffer.byteLength(html), ...(generated !== undefined ? { passphrase: generated } : {}) });
  } finally {
    await opened.dispose();
  }
}
