/**
 * `nachklang backup --out FILE`, `nachklang restore FILE --home DIR [--recovery-key FILE]` and
 * `nachklang keys recovery --out FILE`: one sealed file of the whole home, restored with the
 * passphrase or the recovery key, and a recovery key for a practice that has none yet.
 */
import { readdir, readFile } from "node:fs/promises";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { clockFromEnv } from "../../delivery/clock.js";
import { ExitCode, UserError } from "../../errors.js";
import { exists } from "../../files.js";
import { storeKeyring, type Keyring } from "../../practice/keyring.js";
import { carriedKeyring, commitRestore, stageRestore, writeBackup } from "../../records/backup.js";
import { openCarriedKeyring, openRecoveryCopy, readRecoveryKey, RECOVERY_FILE } from "../../records/recovery.js";
import { readKeyringPassphrase, type CliContext } from "../context.js";
import { makeRecoveryKey, recoverySetting } from "../records.js";
import { practicePublic, unlockKeyringHere } from "../practice.js";
import { formatSize } from "../workflow.js";

/** Whether `path` lies in `root` (or is it). */
const inside = (root: string, path: string) => {
  const rel = relative(root, path);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
};

export async function backup(ctx: CliContext, o: { out: string }): Promise<void> {
  const out = resolve(o.out);
  if (inside(ctx.home.root, out)) throw new UserError(ExitCode.usage, "backup.insideHome", { file: out });
  const pub = practicePublic(ctx);
  let keyring: Buffer;
  try {
    keyring = await readFile(ctx.home.keyring);
  } catch {
    throw new UserError(ExitCode.usage, "practice.missing", { file: ctx.home.keyring });
  }
  const recovery = recoverySetting(ctx.settings.recovery);
  if (recovery === undefined) ctx.out.warn("recovery.none");
  const result = await writeBackup({
    root: ctx.home.root,
    out,
    recipients: [pub.ageRecipient, ...(recovery === undefined ? [] : [recovery.recipient])],
    keyring,
    keyId: pub.keyId,
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

export async function restore(ctx: CliContext, file: string, o: { recoveryKey?: string }): Promise<void> {
  const target = ctx.home.root;
  if ((await exists(target)) && (await readdir(target).catch(() => ["?"])).length > 0) throw new UserError(ExitCode.usage, "restore.homeExists", { home: target });
  const source = resolve(file);
  // Read first: a file that is no age file at all is refused before any passphrase is asked.
  const carried = await carriedKeyring(source);
  let identity: string;
  let recovered: string | undefined;
  if (o.recoveryKey !== undefined) {
    recovered = await readRecoveryKey(o.recoveryKey);
    identity = recovered;
  } else {
    if (carried === undefined) throw new UserError(ExitCode.usage, "backup.noCarrier", { file: source });
    identity = (await openCarriedKeyring(carried, await readKeyringPassphrase(ctx), source)).ageIdentity;
  }
  const staged = await stageRestore(source, { identities: [identity] }, target);
  let keyring: Keyring | undefined;
  try {
    if (recovered !== undefined) {
      keyring = await openRecoveryCopy(join(staged.stage, RECOVERY_FILE), recovered);
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
  if (keyring !== undefined) ctx.out.say("restore.newPassphrase");
  ctx.out.result({ home: target, files: m.files.length, keyId: m.keyId, created: m.created, recovered: keyring !== undefined });
}

export async function recovery(ctx: CliContext, o: { out?: string; replace?: boolean }): Promise<void> {
  const existing = recoverySetting(ctx.settings.recovery);
  if (existing !== undefined && o.replace !== true) throw new UserError(ExitCode.usage, "recovery.exists", { recipient: existing.recipient });
  if (o.out === undefined && (!process.stdout.isTTY || ctx.json)) throw new UserError(ExitCode.usage, "recovery.needsOut");
  // The recovery key gets a copy of the keyring itself: only the passphrase unlocks that, never the agent.
  await makeRecoveryKey(ctx, await unlockKeyringHere(ctx), o.out);
  ctx.out.result({ recipient: recoverySetting(ctx.config.get("recovery"))?.recipient ?? null, file: o.out === undefined ? null : resolve(o.out) });
}
