/**
 * The outbox: sealed bundles waiting for contact hours. At rest there are only encrypted
 * files with names that name nobody: `<bundle-id>.age` (the bundle) and `<bundle-id>.meta.age`
 * (which client, which channel, which follow-up key — age-encrypted to the practice).
 * Sent bundles move to the archive (record keeping); cancelled ones are deleted.
 */
import { readdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import * as z from "../zod-mini.js";
import { IntegrityError, unreadableFile } from "../errors.js";
import { ensurePrivateDir, exists } from "../files.js";
import type { Identity } from "../age/index.js";
import { readSealedWithIdentity, writeSealedToRecipients } from "../practice/sealed-file.js";
import { makePrivateTemp } from "../temp.js";

export const outboxMetaSchema = z.strictObject({
  v: z.literal(1),
  key: z.string(),
  bundle: z.string().check(z.regex(/^[0-9a-z]{26}$/)),
  alias: z.string(),
  channel: z.string(),
  origin: z.enum(["send", "new", "batch", "reply"]),
  created: z.string(),
  /** `send --viewer`: make the passphrase viewer for this follow-up, with this passphrase if given. */
  viewer: z.optional(z.strictObject({ passphrase: z.optional(z.string()) })),
});
export type OutboxMeta = z.infer<typeof outboxMetaSchema>;

export class Outbox {
  constructor(
    readonly dir: string,
    readonly archiveDir: string,
    private readonly recipient: string,
    private readonly identity: string | Identity,
  ) {}

  bundlePath(bundleId: string): string {
    return join(this.dir, `${bundleId}.age`);
  }

  archivedPath(bundleId: string): string {
    return join(this.archiveDir, `${bundleId}.age`);
  }

  private metaPath(bundleId: string): string {
    return join(this.dir, `${bundleId}.meta.age`);
  }

  /**
   * A private folder inside the outbox's file system for sealing, so that moving the finished
   * bundle into place is a rename, never a half-written file.
   */
  async staging(): Promise<string> {
    await ensurePrivateDir(this.dir);
    return makePrivateTemp(".staging-", this.dir);
  }

  /** Move a sealed bundle into the outbox and store its (encrypted) description. */
  async add(sealedPath: string, meta: OutboxMeta): Promise<string> {
    await ensurePrivateDir(this.dir);
    await writeSealedToRecipients(this.metaPath(meta.bundle), JSON.stringify(outboxMetaSchema.parse(meta)), [this.recipient]);
    const target = this.bundlePath(meta.bundle);
    await rename(sealedPath, target);
    return target;
  }

  /** Replace a waiting bundle's description (`outbox reroute`: another channel). Atomic. */
  async updateMeta(meta: OutboxMeta): Promise<void> {
    await writeSealedToRecipients(this.metaPath(meta.bundle), JSON.stringify(outboxMetaSchema.parse(meta)), [this.recipient]);
  }

  async has(bundleId: string): Promise<boolean> {
    return exists(this.bundlePath(bundleId));
  }

  async meta(bundleId: string): Promise<OutboxMeta | undefined> {
    const path = this.metaPath(bundleId);
    if (!(await exists(path))) return undefined;
    try {
      return outboxMetaSchema.parse(JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(await readSealedWithIdentity(path, this.identity))));
    } catch (error) {
      // Altered, cut short or not ours: one line naming the file (exit 5), not the decrypter's words.
      throw unreadableFile(path, error) ?? new IntegrityError("outbox.metaDamaged", { file: path }, { cause: error });
    }
  }

  /** Bundle ids waiting in the outbox. */
  async ids(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    return names.filter((n) => /^[0-9a-z]{26}\.age$/.test(n)).map((n) => n.slice(0, 26)).sort();
  }

  /** After delivery: keep the bundle in the archive (record keeping), drop the description. */
  async archive(bundleId: string): Promise<void> {
    await ensurePrivateDir(this.archiveDir);
    if (await exists(this.bundlePath(bundleId))) await rename(this.bundlePath(bundleId), this.archivedPath(bundleId));
    await rm(this.metaPath(bundleId), { force: true });
  }

  /** The bundle file wherever it is now: the outbox, else the archive. */
  async locate(bundleId: string): Promise<string | undefined> {
    if (await exists(this.bundlePath(bundleId))) return this.bundlePath(bundleId);
    if (await exists(this.archivedPath(bundleId))) return this.archivedPath(bundleId);
    return undefined;
  }

  async remove(bundleId: string): Promise<void> {
    await rm(this.bundlePath(bundleId), { force: true });
    await rm(this.metaPath(bundleId), { force: true });
  }

  /**
   * Remove what a killed process left behind: staging folders and bundles the ledger never
   * recorded (`known` says which bundle ids it knows). Only files older than `olderThanMs`,
   * so a bundle another process is just committing is left alone.
   */
  async sweep(known: ReadonlySet<string>, olderThanMs: number, now: number = Date.now()): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return 0;
    }
    let removed = 0;
    for (const name of names) {
      const path = join(this.dir, name);
      const id = /^([0-9a-z]{26})\.(age|meta\.age)$/.exec(name)?.[1];
      // Bundles without a description were put there by `nachklang seal`, not by the workflow.
      const ours = id !== undefined && !known.has(id) && names.includes(`${id}.meta.age`);
      if (!name.startsWith(".staging-") && !ours) continue;
      const info = await stat(path).catch(() => undefined);
      if (info === undefined || now - info.mtimeMs < olderThanMs) continue;
      await rm(path, { recursive: true, force: true });
      removed++;
    }
    return removed;
  }
}
