import { resolve } from "node:path";
import { describeFile, sealBundle } from "../../bundle/seal.js";
import { exists } from "../../files.js";
import { ExitCode, UserError } from "../../errors.js";
import type { CliContext } from "../context.js";
import { practicePublic, unlockPractice } from "../practice.js";

export async function run(ctx: CliContext, files: string[], opts: { to: string; note?: string; out?: string; passphraseFile?: string }): Promise<void> {
  for (const file of files) if (!(await exists(file))) throw new UserError(ExitCode.usage, "file.missing", { file });
  if (opts.out !== undefined && (await exists(opts.out))) throw new UserError(ExitCode.usage, "file.exists", { file: opts.out });
  const practice = await unlockPractice(ctx, opts.passphraseFile);
  const client = practice.clients.require(opts.to);
  const { keys } = practice;
  const name = practicePublic(ctx).name;
  const sealed = await sealBundle({
    items: files.map((file) => ({ file: resolve(file), ...describeFile(file) })),
    message: opts.note ?? "",
    client: client.alias,
    lang: client.lang,
    practice: { ...(name !== undefined ? { name } : {}), ageRecipient: keys.ageRecipient, keyId: keys.keyId, signing: keys.signer },
    recipients: client.ageRecipient !== undefined ? [client.ageRecipient] : [],
    // An exact file is the user's, written like `age -o` writes; the outbox is flushed to disk.
    ...(opts.out !== undefined ? { outFile: resolve(opts.out), durable: false } : { outDir: ctx.home.outbox }),
  });
  ctx.out.say("seal.done", { file: sealed.path, items: sealed.manifest.items.length, bytes: sealed.bytes });
  ctx.out.result({ id: sealed.id, path: sealed.path, bytes: sealed.bytes, items: sealed.manifest.items });
}
