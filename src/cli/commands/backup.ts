/**
 * `nachklang backup --out FILE`, `nachklang restore FILE --home DIR [--recovery-key FILE]` and
 * `nachklang keys recovery --out FILE`: one sealed file of the whole home, restored with the
 * passphrase or the recovery key, and a recovery key for a practice that has none yet.
 */
import { readdir, readFile, realpath, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { clockFromEnv } from "../../delivery/clock.js";
import type { MinisignPublicKey } from "../../bundle/signature.js";
import { ExitCode, IntegrityError, UserError } from "../../errors.js";
import { exists, isInside } from "../../files.js";
import { storeKeyring, type Keyring } from "../../practice/keyring.js";
import { carriedKeyring, checkSigned, commitRestore, stageRestore, writeBackup } from "../../records/backup.js";
import { anchorHolds, openCarriedKeyring, openRecoveryCopy, readRecoveryKey, RECOVERY_FILE, recoverySetting, storedAnchor } from "../../records/recovery.js";
import { readKeyringPassphrase, type CliContext } from "../context.js";
import { makeRecoveryKey } from "../records.js";
import { practiceKeys, practicePublic, unlockKeyringHere } from "../practice.js";
import { formatSize } from "../workflow.js";

export async function backup(ctx: CliContext, o: { out: string }): Promise<void> {
  const out = resolve(o.out);
  if (isInside(ctx.home.root, out)) throw new UserError(ExitCode.usage, "backup.insideHome", { file: out });
  // Refused before the keys are asked for (writeBackup refuses it again, race-free, at the end).
  if (await exists(out)) throw new UserError(ExitCode.usage, "file.exists", { file: out });
  const pub = practicePublic(ctx);
  let keyring: Buffer;
  try {
    keyring = await readFile(ctx.home.keyring);
  } catch {
    throw new UserError(ExitCode.usage, "practice.missing", { file: ctx.home.keyring });
  }
  const recovery = recoverySetting(ctx.settings.recovery);
  if (recovery === undefined) ctx.out.warn("recovery.none");
  // The list is signed by the practice key (the agent's, else the keyring's with the passphrase).
  const { signer } = await practiceKeys(ctx);
  const result = await writeBackup({
    root: ctx.home.root,
    out,
    recipients: [pub.ageRecipient, ...(recovery === undefined ? [] : [recovery.recipient])],
    keyring,
    signer,
    now: clockFromEnv()(),
  });
  ctx.out.say("backup.written", {
    file: out,
    files: result.files,
    bytes: formatSize(result.bytes),
    size: formatSize(result.size),
    recovery: recovery === undefined ? "" : ctx.out.text("backup.andRecovery"),
  });
  ctx.out.result({ file: out, files: result.files, bytes: result.bytes, size: result.size, recoveryKey: recovery !== undefined });
}

/**
 * Restore into a new home. The backup counts as the practice's own only when its list is signed
 * by the key the restore trusts: with the passphrase, the carried keyring's; with the recovery
 * key, the keyring copy's, once the anchor in the backup's config ties that copy to the recovery
 * key. Without either proof (a version 1 backup, a recovery key from before anchors) only with
 * --accept-unverified.
 */
export async function restore(ctx: CliContext, file: string, o: { recoveryKey?: string; acceptUnverified?: boolean }): Promise<void> {
  // A home given as a link to an empty folder is restored into that folder (renaming onto the
  // link itself fails, and was said as "not empty").
  const target = await realpath(ctx.home.root).catch(() => ctx.home.root);
  const there = await stat(target).catch(() => undefined);
  if (there !== undefined && !there.isDirectory()) throw new UserError(ExitCode.usage, "restore.homeNotFolder", { home: target });
  if (there !== undefined && (await readdir(target).catch(() => ["?"])).length > 0) throw new UserError(ExitCode.usage, "restore.homeExists", { home: target });
  // A home inside another practice's folder would be carried, keyring and all, into every backup of it.
  for (let dir = dirname(target); dir !== dirname(dir); dir = dirname(dir)) {
    if (await exists(join(dir, "keyring.age"))) throw new UserError(ExitCode.usage, "restore.insideHome", { home: target, practice: dir });
  }
  const source = resolve(file);
  const acceptUnverified = o.acceptUnverified === true;
  // Read first: a file that is no age file at all is refused before any passphrase is asked.
  const carried = await carriedKeyring(source);
  let identity: string;
  let recovered: string | undefined;
  let trusted: MinisignPublicKey | undefined;
  if (o.recoveryKey !== undefined) {
    recovered = await readRecoveryKey(o.recoveryKey);
    identity = recovered;
  } else {
    if (carried === undefined) throw new UserError(ExitCode.usage, "backup.noCarrier", { file: source });
    const opened = await openCarriedKeyring(carried, await readKeyringPassphrase(ctx), source);
    identity = opened.ageIdentity;
    trusted = opened.signing;
  }
  const staged = await stageRestore(source, { identities: [identity] }, target);
  let keyring: Keyring | undefined;
  let verified: boolean;
  try {
    let anchored = true;
    if (recovered !== undefined) {
      // Named as the backup it came from: the staging folder is gone by the time the line is read.
      keyring = await openRecoveryCopy(join(staged.stage, RECOVERY_FILE), recovered, source);
      const anchor = await storedAnchor(staged.stage);
      if (anchor !== undefined && !anchorHolds(anchor, recovered, keyring.signing)) throw new IntegrityError("backup.anchorMismatch", { file: source });
      if (anchor === undefined && !acceptUnverified) throw new IntegrityError("backup.unanchored", { file: source });
      anchored = anchor !== undefined;
      trusted = keyring.signing;
    }
    verified = checkSigned(staged, trusted!, source, acceptUnverified) && anchored;
    if (keyring !== undefined) {
      // The lost passphrase is replaced: a new one from the usual sources (asked twice at a prompt).
      await storeKeyring(join(staged.stage, "keyring.age"), keyring, await readKeyringPassphrase(ctx, true));
    }
    await commitRestore(staged, target);
  } catch (error) {
    await staged.discard();
    throw error;
  }
  const m = staged.manifest;
  ctx.out.say("restore.done", { home: target, files: m.files.length, bytes: formatSize(m.files.reduce((t, f) => t + f.size, 0)), keyId: m.keyId, created: m.created });
  if (!verified) ctx.out.warn("restore.unverified", { file: source });
  if (keyring !== undefined) ctx.out.say("restore.newPassphrase");
  ctx.out.result({ home: target, files: m.files.length, keyId: m.keyId, created: m.created, recovered: keyring !== undefined, verified });
}

export async function recovery(ctx: CliContext, o: { out?: string; replace?: boolean }): Promise<void> {
  const existing = recoverySetting(ctx.settings.recovery);
  if (existing !== undefined && o.replace !== true) throw new UserError(ExitCode.usage, "recovery.exists", { recipient: existing.recipient });
  if (o.out === undefined && (!process.stdout.isTTY || ctx.json)) throw new UserError(ExitCode.usage, "recovery.needsOut");
  // The recovery key gets a copy of the keyring itself: only the passphrase unlocks that, never the agent.
  await makeRecoveryKey(ctx, await unlockKeyringHere(ctx), o.out);
  ctx.out.result({ recipient: recoverySetting(ctx.config.get("recovery"))?.recipient ?? null, file: o.out === undefined ? null : resolve(o.out) });
}
