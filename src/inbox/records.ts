/**
 * The inbox's part in a client's records: which stored messages are whose, deleting them when
 * retention ends, and opening them for the client's copy of their data.
 *
 * Whose a message is: the ledger's `received` event names the client's keyed tag next to the
 * message id (state.ts `foldInbox`, the same fold `inbox` and `inbox read` use), so nothing has
 * to be decrypted to find a client's messages, and a client already removed from the registry
 * is found by the tag alone.
 */
import { readdir, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { AgeKeys } from "../age/index.js";
import type { LedgerEvent } from "../delivery/ledger.js";
import { safeFileName } from "./read.js";
import { foldInbox, type MessageState } from "./state.js";
import type { InboxStore, StoredMessage } from "./store.js";

/** The messages received from these clients (by tag), oldest first. */
export function messagesOf(events: readonly LedgerEvent[], tags: ReadonlySet<string>): MessageState[] {
  return [...foldInbox(events).values()].filter((s) => tags.has(s.client)).sort((a, b) => a.arrived.localeCompare(b.arrived));
}

async function sizeOf(path: string): Promise<number | undefined> {
  const info = await stat(path).catch(() => undefined);
  return info?.isFile() === true ? info.size : undefined;
}

/**
 * Delete the stored messages of these clients: the sealed message, its sealed files, and an
 * envelope not yet emptied (a run killed between the ledger and the tombstone). The envelope's
 * 0-byte tombstone stays: its name is a hash of the channel and the service's message id and
 * says nothing about the client, and it keeps a replay of the message from being taken in again.
 * With `dryRun` only counts. Returns the messages and the bytes they took.
 */
export async function purgeMessages(store: InboxStore, events: readonly LedgerEvent[], tags: ReadonlySet<string>, dryRun: boolean): Promise<{ items: number; bytes: number }> {
  const messages = messagesOf(events, tags);
  if (messages.length === 0) return { items: 0, bytes: 0 };
  const fileNames = await readdir(store.paths.files).catch(() => [] as string[]);
  let items = 0;
  let bytes = 0;
  for (const { id } of messages) {
    const files = fileNames.filter((name) => name.startsWith(`${id}-`)).map((name) => join(store.paths.files, name));
    const message = join(store.paths.messages, `${id}.age`);
    const envelope = await sizeOf(store.envelopePath(id));
    let found = false;
    for (const path of [...files, message]) {
      const size = await sizeOf(path);
      if (size === undefined) continue;
      found = true;
      bytes += size;
      // Files before the message: a message never names a file that is gone while it stays.
      if (!dryRun) await rm(path, { force: true });
    }
    if (envelope !== undefined && envelope > 0) {
      found = true;
      bytes += envelope;
      if (!dryRun) await store.discard(id);
    }
    if (found) items++;
  }
  return { items, bytes };
}

/** A client's message as it goes into their export: the message and its files, decrypted into `dir`. */
export interface ExportedMessage {
  readonly message: StoredMessage;
  readonly state: MessageState;
  readonly files: readonly { readonly path: string; readonly name: string; readonly mime: string }[];
}

/**
 * Open a client's stored messages into `dir` (a private temporary folder the caller removes), for
 * the client's copy of their data. A message no longer stored (purged) is left out.
 */
export async function exportMessages(store: InboxStore, keys: AgeKeys, states: readonly MessageState[], dir: string): Promise<ExportedMessage[]> {
  const out: ExportedMessage[] = [];
  for (const state of states) {
    if ((await sizeOf(join(store.paths.messages, `${state.id}.age`))) === undefined) continue;
    const message = await store.readMessage(state.id, keys);
    const files: { path: string; name: string; mime: string }[] = [];
    for (const [n, file] of message.files.entries()) {
      // Unique by day, message and position; the client's own name (shortened) after that.
      const name = `message-${message.arrived.slice(0, 10)}-${message.id.slice(0, 8)}-${n + 1}-${[...safeFileName(file.name)].slice(-40).join("")}`;
      const path = join(dir, `inbox-${message.id}-${n}`);
      await writeFile(path, await store.readFileContent(message.id, n, keys), { mode: 0o600 });
      files.push({ path, name, mime: file.mime.length > 0 && file.mime.length <= 200 ? file.mime : "application/octet-stream" });
    }
    out.push({ message, state, files });
  }
  return out;
}
