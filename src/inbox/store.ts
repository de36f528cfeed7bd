/**
 * The inbox on disk: everything a client sent, sealed to the practice's age recipient the moment
 * it arrives. Sealing needs only the public recipient (from the config), so `inbox serve` and
 * `inbox fetch` store while the practice is locked and never hold anything decrypted.
 *
 * ```
 * inbox/incoming/<random>.age  an envelope as the service delivered it (Threema callback body,
 *                              signal-cli envelope) with the service's id for it, sealed;
 *                              deleted once it has been decoded or refused
 * inbox/messages/<id>.age      the decoded message (sender, text, file list), sealed
 * inbox/files/<id>-<n>.age     the files it carried, sealed
 * inbox/tmp/                   where writes start (same file system, so links and renames are atomic)
 * ```
 *
 * `<id>` is a keyed hash of the channel type and the service's message id (`messageId`, under a
 * key derived from the practice's identity): the ledger names the message by it, and a message
 * the service delivers twice is recognised by it when it is decoded. The service's id may say
 * who wrote (signal-cli's is the sender's number and the time), so no name on disk is computed
 * from it without the key: an envelope waiting for the keys has a random name. Versions before
 * this one named envelopes and messages by an unkeyed hash and kept decoded envelopes as 0-byte
 * tombstones; the first decode removes the tombstones, and messages stored then keep their names
 * until their retention ends.
 *
 * Durability: an envelope is written to tmp/, fsync'd, hard-linked to its name (which fails
 * atomically when that name exists: a duplicate) and the folder fsync'd before `put` returns.
 * Whatever `put` reported as stored survives a crash or a killed process.
 */
import { randomBytes } from "node:crypto";
import { link, open, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { decryptBytes, encryptBytes, type AgeKeys } from "../age/index.js";
import { ensurePrivateDir, loadLockfile } from "../files.js";
import type { PracticeKeys } from "../practice/keys.js";
import { z } from "../zod.js";

export const INBOX_ID = /^[0-9a-f]{32}$/;

export interface InboxPaths {
  readonly root: string;
  readonly incoming: string;
  readonly messages: string;
  readonly files: string;
  readonly tmp: string;
}

export function inboxPaths(home: string): InboxPaths {
  const root = join(home, "inbox");
  return { root, incoming: join(root, "incoming"), messages: join(root, "messages"), files: join(root, "files"), tmp: join(root, "tmp") };
}

/**
 * A message's id in the inbox and the ledger: a keyed hash (HMAC-SHA-256, purpose
 * `inbox-message-id`, first 16 bytes) of the channel type and the service's id for it, computed
 * where the practice's keys are held. The same message delivered twice has the same id.
 */
export async function messageId(keys: Pick<PracticeKeys, "keyedHashes">, channelType: string, nativeId: string): Promise<string> {
  const [hash] = await keys.keyedHashes("inbox-message-id", [new TextEncoder().encode(`${channelType}\0${nativeId}`)]);
  return Buffer.from(hash!.subarray(0, 16)).toString("hex");
}

/** An envelope as stored: which configured channel it came through, when, and its bytes. */
export const envelopeSchema = z
  .object({
    v: z.literal(1),
    channel: z.string(),
    channelType: z.string(),
    received: z.iso.datetime({ offset: true }),
    /** The service's id for it (absent in envelopes stored before keyed message ids). */
    native: z.string().optional(),
    body: z.base64(),
  })
  .strict();
export type StoredEnvelope = z.infer<typeof envelopeSchema>;

/** A decoded message as stored: never in the ledger, only here, sealed. */
export const messageSchema = z
  .object({
    v: z.literal(1),
    id: z.string().regex(INBOX_ID),
    channel: z.string(),
    channelType: z.string(),
    /** The sender's address on the channel (Threema ID, phone number). */
    from: z.string(),
    alias: z.string(),
    /** The channel's ids of the message, for the read receipt. */
    ids: z.array(z.string()),
    arrived: z.iso.datetime({ offset: true }),
    text: z.string().optional(),
    files: z.array(z.object({ name: z.string(), mime: z.string(), size: z.number().int().nonnegative(), sha256: z.string(), caption: z.string().optional() }).strict()),
    skipped: z.array(z.object({ name: z.string(), size: z.number().int().nonnegative().optional(), reason: z.enum(["tooLarge", "unavailable"]) }).strict()),
    unsupported: z.string().optional(),
  })
  .strict();
export type StoredMessage = z.infer<typeof messageSchema>;

/** Names of temporary files: the writer's process id, so leftovers of a killed process are known. */
const TMP_NAME = /^(\d+)-[0-9a-f]{12}\.tmp$/;

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export class InboxStore {
  readonly paths: InboxPaths;

  constructor(
    home: string,
    /** The practice's age recipient: everything here is sealed to it. */
    private readonly recipient: string,
  ) {
    this.paths = inboxPaths(home);
  }

  /**
   * Hold the inbox's `name` lock (`ingest.lock`, `receipts.lock` in its folder) after
   * `prepare`: one process at a time decodes, or sends held receipts. Waits a few seconds for
   * another; undefined when it still holds it (the caller leaves the work to that one).
   */
  async lock(name: "ingest" | "receipts"): Promise<(() => Promise<void>) | undefined> {
    await this.prepare();
    const lockfile = await loadLockfile();
    try {
      return await lockfile.lock(this.paths.root, {
        lockfilePath: join(this.paths.root, `${name}.lock`),
        realpath: false,
        stale: 30_000,
        retries: { retries: 20, minTimeout: 100, maxTimeout: 500, factor: 1.5 },
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ELOCKED") return undefined;
      throw error;
    }
  }

  /** Create the folders (0700) and remove temporary files that killed processes left. */
  async prepare(): Promise<void> {
    for (const dir of [this.paths.root, this.paths.incoming, this.paths.messages, this.paths.files, this.paths.tmp]) await ensurePrivateDir(dir);
    for (const name of await readdir(this.paths.tmp)) {
      const match = TMP_NAME.exec(name);
      if (match !== null && !running(Number(match[1]))) await rm(join(this.paths.tmp, name), { force: true });
    }
  }

  private tmpName(): string {
    return join(this.paths.tmp, `${process.pid}-${randomBytes(6).toString("hex")}.tmp`);
  }

  private async writeTmp(data: Uint8Array): Promise<string> {
    const tmp = this.tmpName();
    const handle = await open(tmp, "wx", 0o600);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } catch (error) {
      await handle.close();
      await rm(tmp, { force: true });
      throw error;
    }
    await handle.close();
    return tmp;
  }

  /**
   * Seal and keep one envelope under a new random name; resolves once it is on disk (fsync'd, the
   * folder too). Errors of the file system (a full disk) reject, and nothing is left. A message
   * the service delivers twice is stored twice here and recognised when it is decoded.
   */
  async put(envelope: Omit<StoredEnvelope, "v" | "body" | "native"> & { readonly native: string; readonly body: Uint8Array }): Promise<void> {
    const record: StoredEnvelope = {
      v: 1,
      channel: envelope.channel,
      channelType: envelope.channelType,
      received: envelope.received,
      native: envelope.native,
      body: Buffer.from(envelope.body).toString("base64"),
    };
    const sealed = await encryptBytes(new TextEncoder().encode(JSON.stringify(record)), [this.recipient]);
    const tmp = await this.writeTmp(sealed);
    try {
      // A link fails rather than replace what is there: a new random name is tried then.
      for (;;) {
        try {
          await link(tmp, this.envelopePath(randomBytes(16).toString("hex")));
          break;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        }
      }
    } finally {
      await rm(tmp, { force: true });
    }
    await syncDir(this.paths.incoming);
  }

  envelopePath(id: string): string {
    return join(this.paths.incoming, `${id}.age`);
  }

  /** Ids of envelopes not yet decoded or refused (not tombstones), oldest first. */
  async pending(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.paths.incoming);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    const found: { id: string; at: number }[] = [];
    for (const name of names) {
      const id = name.replace(/\.age$/, "");
      if (!INBOX_ID.test(id) || name !== `${id}.age`) continue;
      const info = await stat(join(this.paths.incoming, name)).catch(() => undefined);
      if (info !== undefined && info.size > 0) found.push({ id, at: info.mtimeMs });
    }
    return found.sort((a, b) => a.at - b.at || a.id.localeCompare(b.id)).map((f) => f.id);
  }

  /** How many envelopes wait to be decoded. */
  async pendingCount(): Promise<number> {
    return (await this.pending()).length;
  }

  async readEnvelope(id: string, keys: AgeKeys): Promise<StoredEnvelope> {
    return envelopeSchema.parse(JSON.parse(new TextDecoder().decode(await decryptBytes(await readFile(this.envelopePath(id)), keys))));
  }

  /** Delete an envelope that has been decoded or refused (the ledger names its message). */
  async discard(id: string): Promise<void> {
    await rm(this.envelopePath(id), { force: true });
    await syncDir(this.paths.incoming);
  }

  /**
   * Delete the 0-byte tombstones earlier versions kept of decoded envelopes: their names are an
   * unkeyed hash of the service's id, which may say who wrote. Returns how many there were.
   */
  async sweepTombstones(): Promise<number> {
    let swept = 0;
    for (const name of await readdir(this.paths.incoming).catch(() => [] as string[])) {
      const path = join(this.paths.incoming, name);
      if (!/^[0-9a-f]{32}\.age$/.test(name) || (await stat(path).catch(() => undefined))?.size !== 0) continue;
      await rm(path, { force: true });
      swept++;
    }
    if (swept > 0) await syncDir(this.paths.incoming);
    return swept;
  }

  private async writeSealed(path: string, plaintext: Uint8Array): Promise<void> {
    const tmp = await this.writeTmp(await encryptBytes(plaintext, [this.recipient]));
    await rename(tmp, path);
  }

  /** Keep a decoded message and its files, sealed (files first, so a message never names a missing file). */
  async putMessage(message: StoredMessage, files: readonly Uint8Array[]): Promise<void> {
    for (const [n, data] of files.entries()) await this.writeSealed(this.filePath(message.id, n), data);
    await this.writeSealed(join(this.paths.messages, `${message.id}.age`), new TextEncoder().encode(JSON.stringify(messageSchema.parse(message))));
    await syncDir(this.paths.files);
    await syncDir(this.paths.messages);
  }

  /** Store a decoded message again, its files untouched (`client forget` empties the sender's address). */
  async replaceMessage(message: StoredMessage): Promise<void> {
    await this.writeSealed(join(this.paths.messages, `${message.id}.age`), new TextEncoder().encode(JSON.stringify(messageSchema.parse(message))));
    await syncDir(this.paths.messages);
  }

  async readMessage(id: string, keys: AgeKeys): Promise<StoredMessage> {
    const sealed = await readFile(join(this.paths.messages, `${id}.age`));
    return messageSchema.parse(JSON.parse(new TextDecoder().decode(await decryptBytes(sealed, keys))));
  }

  filePath(id: string, n: number): string {
    return join(this.paths.files, `${id}-${n}.age`);
  }

  async readFileContent(id: string, n: number, keys: AgeKeys): Promise<Buffer> {
    return decryptBytes(await readFile(this.filePath(id, n)), keys);
  }
}
