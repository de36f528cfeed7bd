import { basename, resolve } from "node:path";
import { openBundle, verifyBundle, type OpenOptions as BundleOptions, type TrustedSigner, type VerifiedBundle } from "../../bundle/open.js";
import { BUNDLE_FILE } from "../../bundle/ids.js";
import { formatFingerprint, parseFingerprint, parsePublicKey, type MinisignPublicKey } from "../../bundle/signature.js";
import { identityToRecipient, isValidIdentity } from "../../age/index.js";
import { ExitCode, UserError } from "../../errors.js";
import { exists, readNamedFile } from "../../files.js";
import type { CliContext } from "../context.js";
import { printable } from "../../printable.js";
import { practiceKeys, stagingRegistrar } from "../practice.js";

interface OpenOptions {
  out?: string;
  identity?: string;
  signer?: string;
  signerFingerprint?: string;
}

async function readKeyFile(file: string): Promise<string> {
  return (await readNamedFile(file)).toString("utf8");
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

/** The signer named on the command line (--signer FILE or --signer-fingerprint HEX), if any. */
async function namedSigner(opts: OpenOptions): Promise<TrustedSigner | undefined> {
  if (opts.signer !== undefined && opts.signerFingerprint !== undefined) throw new UserError(ExitCode.usage, "open.signerChoice");
  if (opts.signer !== undefined) return signerFrom(opts.signer);
  if (opts.signerFingerprint === undefined) return undefined;
  const fingerprint = parseFingerprint(opts.signerFingerprint);
  if (fingerprint === undefined) throw new UserError(ExitCode.usage, "open.badFingerprint", { value: printable(opts.signerFingerprint) });
  return { fingerprint };
}

/**
 * Keys and the trusted signer. With the practice's keys (the agent's, or the keyring's) the
 * signer is the practice key (unless another is named); with --identity, whoever opens must
 * name the signer: the bundle's own claim about who signed it proves nothing
 * (docs/bundle-format.md, "Trust").
 */
async function keysFor(ctx: CliContext, bundle: string, opts: OpenOptions): Promise<BundleOptions> {
  const named = await namedSigner(opts);
  if (opts.identity !== undefined) {
    const identities = await identitiesFrom(opts.identity);
    if (named === undefined) throw new UserError(ExitCode.usage, "open.needSigner", { file: bundle });
    return { keys: { identities }, signer: named, openers: await Promise.all(identities.map(identityToRecipient)) };
  }
  const keys = await practiceKeys(ctx);
  return { keys: { identities: [keys.identity] }, signer: named ?? keys.signer, openers: [keys.ageRecipient] };
}

function report(ctx: CliContext, bundle: string, verified: VerifiedBundle, dir?: string): void {
  const m = verified.manifest;
  const signer = { keyId: verified.signer.keyId, fingerprint: formatFingerprint(verified.signer.fingerprint), created: m.created };
  // The name is the signed manifest's, shown only now that the trusted key verified it.
  const name = m.practice.name?.trim();
  if (name !== undefined && name.length > 0) ctx.out.say("open.signedBy", { from: printable(name), ...signer });
  else ctx.out.say("open.signedByKey", signer);
  if (verified.sealedFor === "opener") ctx.out.say("open.sealedForOpener");
  else if (verified.sealedFor === "forwarded") ctx.out.say("open.forwarded");
  // The message, quoted line by line: no line of it can pass for one of ours.
  if (m.message.length > 0) for (const line of m.message.split(/\r?\n/)) ctx.out.line(`  │ ${printable(line)}`);
  for (const item of m.items) {
    ctx.out.line(`  ${item.path}  ${printable(item.kind)}  ${printable(item.mime)}  ${item.size} B${item.caption ? `  “${printable(item.caption)}”` : ""}`);
  }
  if (dir !== undefined) ctx.out.say("open.extracted", { dir });
  else ctx.out.say("open.verified", { file: bundle });
  ctx.out.result({
    id: m.id,
    created: m.created,
    practice: m.practice,
    signer: verified.signer,
    sealedFor: verified.sealedFor,
    recipients: m.recipients,
    client: m.client,
    message: m.message,
    items: m.items,
    ...(dir !== undefined ? { dir } : {}),
  });
}

async function prepare(ctx: CliContext, bundle: string, opts: OpenOptions): Promise<BundleOptions> {
  // A bundle that is not there is named before any passphrase is asked for (as `seal` does).
  if (!(await exists(bundle))) throw new UserError(ExitCode.usage, "file.missing", { file: bundle });
  return keysFor(ctx, bundle, opts);
}

export async function open(ctx: CliContext, bundle: string, opts: OpenOptions): Promise<void> {
  const options = await prepare(ctx, bundle, opts);
  const id = BUNDLE_FILE.exec(basename(bundle))?.[1];
  const target = resolve(opts.out ?? id ?? "nachklang-opened");
  const registerStaging = stagingRegistrar(ctx);
  const opened = await openBundle(bundle, target, { ...options, ...(registerStaging ? { registerStaging } : {}) });
  report(ctx, bundle, opened, opened.dir);
}

export async function verify(ctx: CliContext, bundle: string, opts: OpenOptions): Promise<void> {
  const verified = await verifyBundle(bundle, await prepare(ctx, bundle, opts));
  report(ctx, bundle, verified);
}
