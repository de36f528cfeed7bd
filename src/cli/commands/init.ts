import { rmdir } from "node:fs/promises";
import { ExitCode, UserError, unwritableFile } from "../../errors.js";
import { isLang } from "../../messages/index.js";
import { encodePublicKey } from "../../bundle/signature.js";
import { createKeyring } from "../../practice/keyring.js";
import { ensurePrivateDir, exists } from "../../files.js";
import { isTerminalUnsafe } from "../../printable.js";
import { readKeyringPassphrase, type CliContext } from "../context.js";

export async function run(
  ctx: CliContext,
  opts: { name?: string; lang?: string; postQuantum?: boolean; recoveryKey?: string | false },
): Promise<void> {
  if (await exists(ctx.home.keyring)) throw new UserError(ExitCode.usage, "practice.exists", { file: ctx.home.keyring });
  // The name signs every follow-up and names the sender of every e-mail: blank is no name.
  if (opts.name !== undefined && opts.name.trim() === "") throw new UserError(ExitCode.usage, "practice.blankName", { name: opts.name });
  // It heads every e-mail (Subject, From) and every viewer: a line break there is a header of its own.
  if (opts.name !== undefined && [...opts.name].some(isTerminalUnsafe)) throw new UserError(ExitCode.usage, "option.controlChars", { option: "--name" });
  const existed = await exists(ctx.home.root);
  try {
    await ensurePrivateDir(ctx.home.root);
  } catch (error) {
    // --home names a file, or a folder below one: one line naming it.
    throw unwritableFile(ctx.home.root, error) ?? error;
  }
  let passphrase: string;
  try {
    passphrase = await readKeyringPassphrase(ctx, true);
  } catch (error) {
    // No passphrase, a short one, two that differ: no practice, and no empty folder left for one.
    if (!existed) await rmdir(ctx.home.root).catch(() => undefined);
    throw error;
  }
  const keyring = await createKeyring(ctx.home.keyring, passphrase, { postQuantum: opts.postQuantum === true });
  const minisignPublicKey = encodePublicKey(keyring.signing).split("\n")[1]!;
  ctx.config.set("practice", {
    ...(opts.name !== undefined ? { name: opts.name.trim() } : {}),
    ageRecipient: keyring.ageRecipient,
    keyId: keyring.keyId,
    minisignPublicKey,
  });
  // --lang is a global option: commander hands it to the program, not to the subcommand.
  const lang = isLang(opts.lang) ? opts.lang : ctx.explicitLang;
  if (lang !== undefined) ctx.config.set("lang", lang);
  for (const dir of [ctx.home.outbox, ctx.home.archive, ctx.home.handoff, ctx.home.cache]) await ensurePrivateDir(dir);
  ctx.out.say("practice.created", { home: ctx.home.root });
  ctx.out.say("keys.ageRecipient", { recipient: keyring.ageRecipient });
  ctx.out.say("keys.minisign", { keyId: keyring.keyId, key: minisignPublicKey });
  // The recovery key (docs/records.md): written to a file for scripts, offered at a terminal.
  const { makeRecoveryKey } = await import("../records.js");
  if (typeof opts.recoveryKey === "string") await makeRecoveryKey(ctx, keyring, opts.recoveryKey);
  else if (opts.recoveryKey !== false && process.stdin.isTTY && process.stdout.isTTY && !ctx.json) {
    const { default: inquirer } = await import("inquirer");
    const { ok } = await inquirer.prompt<{ ok: boolean }>([{ type: "confirm", name: "ok", default: true, message: ctx.out.text("recovery.offer") }]);
    if (ok) await makeRecoveryKey(ctx, keyring, undefined);
    else ctx.out.say("recovery.none");
  } else ctx.out.say("recovery.none");
  ctx.out.result({ home: ctx.home.root, ageRecipient: keyring.ageRecipient, keyId: keyring.keyId, minisignPublicKey });
}
