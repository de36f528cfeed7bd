/**
 * Backups: the whole home as one age file, sealed to the practice's own key and to the recovery
 * key, with the passphrase-sealed keyring carried in the header as a stanza of its own type
 * (`-> nachklang-keyring`). So one file restores on a new machine either way:
 *
 * - with the passphrase: the carried keyring opens with it, and its practice identity opens the
 *   backup (the stanza gives nobody the file key; stock age skips it);
 * - with the recovery key: it opens the backup directly (`age -d -i recovery.txt backup.age |
 *   tar t` works with stock age), and then the keyring's recovery copy.
 *
 * The plaintext is a POSIX tar of the home's files (no cache, locks or staging leftovers), then
 * `nachklang-backup.json` listing every file with its size and SHA-256, then that list's minisign
 * signature by the practice key (`nachklang-backup.json.minisig`). Restoring stages into a
 * private folder beside the target, checks every name, size and hash against that list and the
 * list's signature against the practice key the restore trusts (docs/decisions/signed-backups.md),
 * and only then moves the folder into place: a damaged or forged backup restores nothing.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { link, lstat, open, readdir, readFile, rename, stat, statfs, utimes } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import tar from "tar-stream";
import { AgeError, decryptAge, encryptAge, headerStanzas, type AgeKeys } from "../age/index.js";
import { readEntries } from "../bundle/entries.js";
import { ExitCode, IntegrityError, UserError, unreadableFile, unwritableFile } from "../errors.js";
import { nodeEd25519 } from "../bundle/ed25519-node.js";
import { formatKeyId, signWith, verify, type MinisignPublicKey, type MinisignSigner } from "../bundle/signature.js";
import { z } from "../zod.js";
import { NAMED_READ_FLAGS, makeDirs } from "../files.js";
import { firstCodePoints } from "../printable.js";
import { makePrivateTemp, removeTemp, trackTemp, untrackTemp } from "../temp.js";

export const CARRIER_TYPE = "nachklang-keyring";
const MANIFEST = "nachklang-backup.json";
const SIGNATURE = `${MANIFEST}.minisig`;
/** Version 1 backups (before signatures) carry no SIGNATURE; version 2 must. */
const SIGNED_VERSION = 2;
/** The trusted comment of a backup list's signature starts so: a bundle manifest's signature is never taken for one. */
const COMMENT_PREFIX = "nachklang-backup ";
/** Files up to this size are read whole before packing: a file appended to meanwhile (the ledger) goes in as one consistent snapshot. */
const SNAPSHOT_LIMIT = 16 * 1024 * 1024;

const manifestSchema = z
  .object({
    format: z.literal("nachklang-backup"),
    version: z.union([z.literal(1), z.literal(SIGNED_VERSION)]),
    created: z.iso.datetime({ offset: true }),
    keyId: z.string(),
    // `modified` (version 2): the file's date, given back at restore (hand-over copies are pruned by it).
    files: z.array(
      z.object({ path: z.string(), size: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/), modified: z.optional(z.iso.datetime({ offset: true })) }).strict(),
    ),
  })
  .strict();
export type BackupManifest = z.infer<typeof manifestSchema>;

/**
 * What a backup leaves out: caches (made again), locks, staging folders and partial files of
 * running processes, and the staging list (its entries name places on this machine, for the
 * processes running here: restored elsewhere they would send a sweep to folders of another disk).
 */
function excluded(rel: string): boolean {
  const parts = rel.split(sep);
  const name = parts[parts.length - 1] ?? "";
  return (
    parts[0] === "cache" ||
    parts[0] === "staging" ||
    parts.some((p) => p.endsWith(".lock") || p === "locks" || p.startsWith(".staging-") || p.startsWith(".nachklang-") || p === "agent") ||
    name.endsWith(".tmp") ||
    name.endsWith(".partial") ||
    name.endsWith(".purge")
  );
}

/** The home's files to back up, as paths relative to `root`, sorted. Links and special files are left out. */
export async function backupFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const visit = async (dir: string) => {
    for (const name of (await readdir(dir)).sort()) {
      const path = join(dir, name);
      const rel = relative(root, path);
      if (excluded(rel)) continue;
      const info = await lstat(path);
      if (info.isDirectory()) await visit(path);
      else if (info.isFile()) out.push(rel);
    }
  };
  await visit(root);
  return out;
}

async function addEntry(pack: tar.Pack, name: string, path: string): Promise<{ size: number; sha256: string; modified: string }> {
  const info = await lstat(path);
  const mtime = info.mtime;
  const modified = mtime.toISOString();
  const hash = createHash("sha256");
  if (info.size <= SNAPSHOT_LIMIT) {
    const data = await readFile(path);
    hash.update(data);
    await new Promise<void>((resolve, reject) => pack.entry({ name, size: data.length, mode: 0o600, mtime }, data, (error) => (error ? reject(error) : resolve())));
    return { size: data.length, sha256: hash.digest("hex"), modified };
  }
  // Large files are bundles, which never change once written: streamed.
  await new Promise<void>((resolve, reject) => {
    const entry = pack.entry({ name, size: info.size, mode: 0o600, mtime }, (error) => (error ? reject(error) : resolve()));
    const stream = createReadStream(path, { highWaterMark: 1024 * 1024 });
    stream.on("data", (chunk) => {
      hash.update(chunk as Buffer);
      if (!entry.write(chunk)) {
        stream.pause();
        entry.once("drain", () => stream.resume());
      }
    });
    stream.on("end", () => entry.end(undefined));
    stream.on("error", (error) => {
      entry.destroy(error);
      reject(error);
    });
  });
  return { size: info.size, sha256: hash.digest("hex"), modified };
}

export interface BackupRequest {
  readonly root: string;
  readonly out: string;
  /** The practice's own recipient, and the recovery key's when there is one. */
  readonly recipients: readonly string[];
  /** The keyring file's bytes (passphrase-sealed), carried in the header. */
  readonly keyring: Uint8Array;
  /** The practice's signing key, wherever its secret is held (the agent or this process). */
  readonly signer: MinisignSigner;
  readonly now: Date;
}

export interface BackupResult {
  readonly files: number;
  /** Bytes of the files backed up. */
  readonly bytes: number;
  /** Size of the backup file. */
  readonly size: number;
}

/** Write the backup to `out` (refused if it exists); it appears whole or not at all. */
export async function writeBackup(req: BackupRequest): Promise<BackupResult> {
  const files = await backupFiles(req.root);
  const pack = tar.pack();
  const listed: BackupManifest["files"] = [];
  const packing = (async () => {
    for (const rel of files) {
      const entry = await addEntry(pack, rel.split(sep).join("/"), join(req.root, rel));
      listed.push({ path: rel.split(sep).join("/"), ...entry });
    }
    const created = req.now.toISOString();
    const keyId = formatKeyId(req.signer.keyId);
    const manifest: BackupManifest = { format: "nachklang-backup", version: SIGNED_VERSION, created, keyId, files: listed };
    const data = Buffer.from(JSON.stringify(manifest, null, 1));
    const signature = Buffer.from(await signWith(req.signer, data, `${COMMENT_PREFIX}created:${created} files:${listed.length}`));
    for (const [name, bytes] of [[MANIFEST, data], [SIGNATURE, signature]] as const) {
      await new Promise<void>((resolve, reject) => pack.entry({ name, size: bytes.length, mode: 0o600, mtime: req.now }, bytes, (e) => (e ? reject(e) : resolve())));
    }
    pack.finalize();
  })();
  packing.catch((error: unknown) => pack.destroy(error as Error));
  const partial = `${req.out}.${process.pid}.partial`;
  trackTemp(partial);
  let size = 0;
  try {
    await makeDirs(dirname(req.out), 0o700);
    const handle = await open(partial, "wx", 0o600);
    try {
      for await (const piece of encryptAge(pack as AsyncIterable<Uint8Array>, req.recipients, { carried: [{ args: [CARRIER_TYPE, "v1"], body: req.keyring }] })) {
        await handle.write(piece);
        size += piece.length;
      }
      await packing;
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await link(partial, req.out);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") throw new UserError(ExitCode.usage, "file.exists", { file: req.out });
      throw error;
    }
  } catch (error) {
    throw error instanceof UserError ? error : (unwritableFile(req.out, error) ?? error);
  } finally {
    await removeTemp(partial);
  }
  return { files: listed.length, bytes: listed.reduce((t, f) => t + f.size, 0), size };
}

/** The keyring carried in a backup's header, or undefined when the file is no nachklang backup (exit 5 for the caller). */
export async function carriedKeyring(file: string): Promise<Uint8Array | undefined> {
  let start: Buffer;
  try {
    // Read twice (this header, then the whole): a regular file only. Opened without blocking, so
    // a named pipe is refused instead of waited on for good.
    const handle = await open(file, NAMED_READ_FLAGS);
    try {
      const info = await handle.stat();
      if (info.isDirectory()) throw new UserError(ExitCode.usage, "file.folderNotFile", { file });
      if (!info.isFile()) throw new UserError(ExitCode.usage, "file.notRegularRead", { file });
      const buffer = Buffer.alloc(1024 * 1024);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      start = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw unreadableFile(file, error) ?? error;
  }
  const stanzas = headerStanzas(start);
  if (stanzas === undefined) throw new IntegrityError("backup.notBackup", { file });
  return stanzas.find((s) => s.args[0] === CARRIER_TYPE)?.body;
}

const SAFE_PART = /^[A-Za-z0-9._-]+$/;

/** An entry name from a damaged backup, as a message shows it: its first 100 characters, each one outside printable ASCII as '?'. */
const nameDetail = (name: string) => firstCodePoints(name, 100).replace(/[^\x20-\x7e]/gu, "?");

function checkName(name: string, file: string): void {
  const parts = name.split("/");
  if (name.length > 1000 || parts.some((p) => !SAFE_PART.test(p) || p === "." || p === "..")) {
    throw new IntegrityError("backup.damaged", { file, detail: nameDetail(name) });
  }
}

export interface StagedRestore {
  /** A private folder beside the target holding the restored home. */
  readonly stage: string;
  readonly manifest: BackupManifest;
  /** The list's bytes and its signature (undefined in a version 1 backup), for `checkSigned`. */
  readonly manifestBytes: Uint8Array;
  readonly signature: string | undefined;
  discard(): Promise<void>;
}

/**
 * Refuse (exit 1) to restore where the backup would not fit: what it unpacks is never larger than
 * the sealed file (age and tar only add to it). Said before anything is written, and before the
 * signature at the backup's end can be checked: a backup that fills the disk is refused as one
 * that does not fit, not half written and then found too large or forged.
 */
async function checkRoom(file: string, place: string): Promise<void> {
  const [{ size }, { bavail, bsize }] = await Promise.all([stat(file), statfs(place)]);
  const free = bavail * bsize;
  if (size > free) {
    const mb = (bytes: number) => Math.ceil(bytes / 1024 ** 2);
    throw new UserError(ExitCode.failure, "restore.noSpace", { file, place, mb: mb(size), free: Math.floor(free / 1024 ** 2) });
  }
}

/**
 * Decrypt and unpack the backup into a private folder beside `target`, checking every file
 * against the list at its end. Exit 5 for a foreign backup (the key opens nothing), a damaged
 * one, or one whose contents do not match its list; nothing is left behind then.
 */
export async function stageRestore(file: string, keys: AgeKeys, target: string): Promise<StagedRestore> {
  try {
    await makeDirs(dirname(target), 0o700);
  } catch (error) {
    throw unwritableFile(target, error) ?? error;
  }
  await checkRoom(file, dirname(target));
  const stage = await makePrivateTemp(".nachklang-restore-", dirname(target));
  try {
    let plaintext: AsyncIterable<Uint8Array>;
    try {
      plaintext = await decryptAge(createReadStream(file, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Uint8Array>, keys);
    } catch (error) {
      if (error instanceof AgeError) throw new IntegrityError(error.kind === "no-match" ? "backup.foreign" : "backup.damaged", { file, detail: error.kind }, { cause: error });
      throw unreadableFile(file, error) ?? error;
    }
    const seen = new Map<string, { size: number; sha256: string }>();
    // The list and its signature are kept in memory, not written to the stage.
    const kept = new Map<string, Buffer>();
    let current: { name: string; handle?: Awaited<ReturnType<typeof open>>; kept?: Buffer[] } | undefined;
    try {
      for await (const event of readEntries(plaintext)) {
        if (event.type === "entry") {
          // Only the signature may follow the list; nothing follows the signature.
          if (kept.has(SIGNATURE) || (kept.has(MANIFEST) && event.name !== SIGNATURE)) throw new IntegrityError("backup.damaged", { file, detail: "after list" });
          if (event.kind !== "file") throw new IntegrityError("backup.damaged", { file, detail: nameDetail(event.name) });
          checkName(event.name, file);
          if (seen.has(event.name) || event.name === current?.name) throw new IntegrityError("backup.damaged", { file, detail: nameDetail(event.name) });
          if (event.name === MANIFEST || event.name === SIGNATURE) current = { name: event.name, kept: [] };
          else {
            // Named before it is written, so that a failure names it.
            current = { name: event.name };
            const path = join(stage, ...event.name.split("/"));
            await makeDirs(dirname(path), 0o700);
            current.handle = await open(path, "wx", 0o600);
          }
        } else if (event.type === "data") {
          if (current?.kept !== undefined) {
            current.kept.push(event.data);
            if (current.kept.reduce((t, b) => t + b.length, 0) > 64 * 1024 * 1024) throw new IntegrityError("backup.damaged", { file, detail: current.name });
          } else if (current?.handle !== undefined) {
            for (let offset = 0; offset < event.data.length; ) offset += (await current.handle.write(event.data, offset)).bytesWritten;
          }
        } else if (current !== undefined) {
          if (current.kept !== undefined) kept.set(current.name, Buffer.concat(current.kept));
          else {
            await current.handle?.close();
            seen.set(current.name, { size: event.size, sha256: event.sha256 });
          }
          current = undefined;
        }
      }
    } catch (error) {
      await current?.handle?.close();
      if (error instanceof UserError) throw error;
      if (error instanceof AgeError) throw new IntegrityError("backup.damaged", { file, detail: error.kind }, { cause: error });
      // The stage is new and private: only the backup's own names collide in it (`ledger` as a
      // file, then `ledger/events.jsonl`). A damaged backup, not a place that cannot be written.
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOTDIR" || code === "EISDIR" || code === "EEXIST") throw new IntegrityError("backup.damaged", { file, detail: nameDetail(current?.name ?? "tar") }, { cause: error });
      throw unwritableFile(target, error) ?? new IntegrityError("backup.damaged", { file, detail: "tar" }, { cause: error });
    }
    const manifestBytes = kept.get(MANIFEST) ?? Buffer.alloc(0);
    const signature = kept.get(SIGNATURE)?.toString("utf8");
    let manifest: BackupManifest;
    try {
      manifest = manifestSchema.parse(JSON.parse(manifestBytes.toString("utf8")));
    } catch (error) {
      throw new IntegrityError("backup.damaged", { file, detail: MANIFEST }, { cause: error });
    }
    if ((manifest.version === SIGNED_VERSION) !== (signature !== undefined)) throw new IntegrityError("backup.damaged", { file, detail: SIGNATURE });
    const listed = new Map(manifest.files.map((f) => [f.path, f]));
    const wrong = [...seen].find(([path, got]) => listed.get(path)?.sha256 !== got.sha256 || listed.get(path)?.size !== got.size)?.[0];
    if (wrong !== undefined || listed.size !== seen.size) throw new IntegrityError("backup.damaged", { file, detail: wrong === undefined ? "count" : nameDetail(wrong) });
    return { stage, manifest, manifestBytes, signature, discard: () => removeTemp(stage) };
  } catch (error) {
    await removeTemp(stage);
    throw error;
  }
}

/**
 * Whether the staged backup is the practice's own: its list signed by `signer` (the key the
 * restore trusts: the passphrase-sealed keyring's, or the recovery-anchored one). Exit 5 when it
 * is signed by another key or not validly; a version 1 backup (made before backups were signed)
 * only with `acceptUnsigned`. Returns whether the backup was signed.
 */
export function checkSigned(staged: StagedRestore, signer: MinisignPublicKey, file: string, acceptUnsigned: boolean): boolean {
  if (staged.signature === undefined) {
    if (!acceptUnsigned) throw new IntegrityError("backup.unsigned", { file });
    return false;
  }
  let comment: string;
  try {
    comment = verify(signer, staged.manifestBytes, staged.signature, nodeEd25519).trustedComment;
  } catch (error) {
    throw new IntegrityError("backup.forged", { file, keyId: formatKeyId(signer.keyId) }, { cause: error });
  }
  if (!comment.startsWith(COMMENT_PREFIX) || staged.manifest.keyId !== formatKeyId(signer.keyId)) {
    throw new IntegrityError("backup.forged", { file, keyId: formatKeyId(signer.keyId) });
  }
  return true;
}

/**
 * Move a staged restore into place: `target` must not exist, or be an empty folder. The files get
 * back the dates the list gives them (a version 1 list has none: they keep the restore's).
 */
export async function commitRestore(staged: StagedRestore, target: string): Promise<void> {
  for (const f of staged.manifest.files) {
    if (f.modified !== undefined) await utimes(join(staged.stage, ...f.path.split("/")), new Date(f.modified), new Date(f.modified));
  }
  try {
    await rename(staged.stage, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOTEMPTY" || code === "EEXIST" || code === "ENOTDIR") throw new UserError(ExitCode.usage, "restore.homeExists", { home: target });
    throw unwritableFile(target, error) ?? error;
  }
  untrackTemp(staged.stage);
}
