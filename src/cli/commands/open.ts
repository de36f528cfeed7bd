import { readFile } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { openBundle, verifyBundle, type VerifiedBundle } from "../../bundle/open.js";
import { BUNDLE_FILE } from "../../bundle/ids.js";
import { parsePublicKey, type MinisignPublicKey } from "../../bundle/signature.js";
import { isValidIdentity, type AgeKeys } from "../../age/index.js";
import { ExitCode, UserError } from "../../errors.js";
import { exists } from "../../files.js";
import type { CliContext } from "../context.js";
import { unlockKeyringOnly } from "../practice.js";

interface OpenOptions {
  out?: string;
  identity?: string;
  signer?: string;
  passphraseFile?: string;
}

async function readKeyFile(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch {
    throw new UserError(ExitCode.usage, "file.missing", { file });
  }
}

/** Identities from an age identity file: `AGE-SECRET-KEY-…` lines, comments ignored; a damaged one is named by its line. */
async function identitiesFrom(file: string): Promise<string[]> {
  const lines = (await readKeyFile(file)).split(/\r?\n/).map((l) => l.trim());
  const identities: string[] = [];
  for (const [i, line] of lines.entries()) {
    if (!line.startsWith("AGE-SECRET-KEY-")) continue;
    if (!(await isValidIdentity(line))) throw new UserError(ExitCode.usage, "open.badIdentity", { file, line: i + 1 });
    identities.push(line);
  }
  if (identities.length === 0) throw new UserError(ExitCode.usage, "open.noIdentity", { file });
  return identities;
}

async function signerFrom(file: string): Promise<MinisignPublicKey> {
  try {
    return parsePublicKey(await readKeyFile(file));
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(ExitCode.usage, "open.badSigner", { file });
  }
}

async function keysFor(ctx: CliContext, opts: OpenOptions): Promise<{ keys: AgeKeys; signer?: MinisignPublicKey }> {
  const signer = opts.signer !== undefined ? await signerFrom(opts.signer) : undefined;
  if (opts.identity !== undefined) {
    return { keys: { identities: await identitiesFrom(opts.identity) }, ...(signer ? { signer } : {}) };
  }
  const keyring = await unlockKeyringOnly(ctx, opts.passphraseFile);
  return { keys: { identities: [keyring.ageIdentity] }, signer: signer ?? keyring.signing };
}

/** Manifest text for the terminal: without --signer it may come from anyone, so no escapes or bidi controls. */
function printable(text: string): string {
  return text.replace(/(?![\n\t])\p{Cc}|[\u202a-\u202e\u2066-\u2069]/gu, "?");
}

function report(ctx: CliContext, bundle: string, verified: VerifiedBundle, dir?: string): void {
  const m = verified.manifest;
  const from = printable(m.practice.name ?? m.practice.keyId);
  ctx.out.say(verified.signerTrusted ? "open.signedBy" : "open.signedByUnchecked", { from, keyId: m.practice.keyId, created: m.created });
  if (m.message.length > 0) ctx.out.line(printable(m.message));
  for (const item of m.items) {
    ctx.out.line(printable(`  ${item.path}  ${item.kind}  ${item.mime}  ${item.size} B${item.caption ? `  “${item.caption}”` : ""}`));
  }
  if (dir !== undefined) ctx.out.say("open.extracted", { dir });
  else ctx.out.say("open.verified", { file: bundle });
  ctx.out.result({
    id: m.id,
    created: m.created,
    practice: m.practice,
    signerTrusted: verified.signerTrusted,
    client: m.client,
    message: m.message,
    items: m.items,
    ...(dir !== undefined ? { dir } : {}),
  });
}

async function prepare(ctx: CliContext, bundle: string, opts: OpenOptions): Promise<{ keys: AgeKeys; signer?: MinisignPublicKey }> {
  // A bundle that is not there is named before any passphrase is asked for (as `seal` does).
  if (!(await exists(bundle))) throw new UserError(ExitCode.usage, "file.missing", { file: bundle });
  return keysFor(ctx, opts);
}

export async function open(ctx: CliContext, bundle: string, opts: OpenOptions): Promise<void> {
  const options = await prepare(ctx, bundle, opts);
  const id = BUNDLE_FILE.exec(basename(bundle))?.[1];
  const target = resolve(opts.out ?? id ?? "nachklang-opened");
  const opened = await openBundle(bundle, target, options);
  report(ctx, bundle, opened, opened.dir);
}

export async function verify(ctx: CliContext, bundle: string, opts: OpenOptions): Promise<void> {
  const verified = await verifyBundle(bundle, await prepare(ctx, bundle, opts));
  report(ctx, bundle, verified);
}
