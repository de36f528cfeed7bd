/**
 * Reading a client's messages when there is time: open the sealed messages, hand them to the
 * caller to show (and to write files where asked), record each as read in the ledger, and only
 * then send the read receipt — unless receipts are off for the practice or this client, or the
 * client has no current consent for that channel. A receipt therefore never says more than
 * happened: the practitioner has seen the message. Read outside contact hours, the receipt is held
 * (`held` in the ledger) and goes out with the first inbox command or `outbox flush` once they
 * open (`sendHeldReceipts`): a receipt at 23:00 would tell the client the practice reads then.
 */
import { constants } from "node:fs";
import { open, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Channel } from "../channels/contract.js";
import { isUserError, unwritableFile } from "../errors.js";
import { makeDirs } from "../files.js";
import type { ResolvedChannel } from "../followup/ports.js";
import type { MessageKey, MessageParams } from "../messages/index.js";
import { currentConsent } from "../practice/consent.js";
import { firstCodePoints, withoutUnsafe } from "../printable.js";
import type { ClientRecord } from "../practice/clients.js";
import { isOpen, nextOpening } from "../delivery/hours.js";
import type { LedgerEvent } from "../delivery/ledger.js";
import { aliasOfTag, recipientOf, type InboxEnv } from "./env.js";
import { foldInbox, unread, type MessageState } from "./state.js";
import type { StoredMessage } from "./store.js";

export type ReceiptOutcome =
  | { readonly channel: string; readonly state: "sent"; readonly count: number }
  | { readonly channel: string; readonly state: "held"; readonly until: Date | null }
  | { readonly channel: string; readonly state: "off"; readonly why: "practice" | "client" | "consent" }
  | { readonly channel: string; readonly state: "failed"; readonly reason: MessageKey; readonly params: MessageParams };

export interface ReadResult {
  readonly messages: readonly StoredMessage[];
  readonly receipts: readonly ReceiptOutcome[];
}

/**
 * Read `client`'s waiting messages: `show` gets them (oldest first) and must have shown them
 * when it returns; then they are marked read and the receipts sent. When `show` throws, nothing
 * is marked and no receipt goes out.
 */
export async function readMessages(env: InboxEnv, client: ClientRecord, show: (messages: readonly StoredMessage[]) => Promise<void>): Promise<ReadResult> {
  const tag = await env.tagger(client.alias);
  const waiting = unread(foldInbox((await env.ledger.read()).events), tag);
  const messages: StoredMessage[] = [];
  for (const state of waiting) messages.push(await env.store.readMessage(state.id, env.keys));
  await show(messages);
  for (const m of messages) await env.ledger.append({ ev: "read", msg: m.id, client: tag }, env.now());
  // Outside contact hours a receipt that would go out is held (checked as if sent, then kept).
  return { messages, receipts: await sendReceipts(env, client, messages, !isOpen(env.hours, env.now())) };
}

function byChannel(messages: readonly StoredMessage[]): Map<string, StoredMessage[]> {
  const grouped = new Map<string, StoredMessage[]>();
  for (const m of messages) grouped.set(m.channel, [...(grouped.get(m.channel) ?? []), m]);
  return grouped;
}

/**
 * Send the receipts held outside contact hours, when they are open now: for each client still in
 * the registry and not forgotten, with the same checks as when reading (receipts off, consent).
 * Returns what happened, by client alias.
 */
export async function sendHeldReceipts(env: InboxEnv): Promise<{ alias: string; outcome: ReceiptOutcome }[]> {
  if (!isOpen(env.hours, env.now())) return [];
  // Nothing held (as a rule): no lock, and no inbox folder made for a practice without one.
  if (heldReceipts((await env.ledger.read()).events).size === 0) return [];
  // One process at a time (the timer's flush and an `inbox` at the opening): the other finds
  // them sent when it gets the lock, or leaves them to the one that has it.
  const release = await env.store.lock("receipts");
  if (release === undefined) return [];
  try {
    return await sendHeld(env);
  } finally {
    await release();
  }
}

async function sendHeld(env: InboxEnv): Promise<{ alias: string; outcome: ReceiptOutcome }[]> {
  const out: { alias: string; outcome: ReceiptOutcome }[] = [];
  for (const [tag, channels] of heldReceipts((await env.ledger.read()).events)) {
    const alias = await aliasOfTag(env, tag);
    const client = alias === undefined ? undefined : env.clients.get(alias);
    const messages: StoredMessage[] = [];
    for (const [name, ids] of channels) {
      const stored: StoredMessage[] = [];
      for (const id of ids) {
        const m = await env.store.readMessage(id, env.keys).catch(() => undefined);
        if (m !== undefined) stored.push(m);
      }
      // Nobody to tell any more (removed, forgotten), or the messages are gone: given up, not held for good.
      if (client === undefined || client.forgotten !== undefined || stored.length === 0) {
        await env.ledger.append({ ev: "readReceipt", client: tag, channel: name, msgs: ids, state: "off", reason: "client" }, env.now());
      } else messages.push(...stored);
    }
    if (client !== undefined && messages.length > 0) for (const outcome of await sendReceipts(env, client, messages)) out.push({ alias: client.alias, outcome });
  }
  return out;
}

/** Messages whose receipt was held and has neither gone out nor been given up since: by client tag, then channel. */
function heldReceipts(events: readonly LedgerEvent[]): Map<string, Map<string, string[]>> {
  const last = new Map<string, { client: string; channel: string; state: string }>();
  for (const e of events) if (e.ev === "readReceipt") for (const msg of e.msgs) last.set(msg, { client: e.client, channel: e.channel, state: e.state });
  const held = new Map<string, Map<string, string[]>>();
  for (const [msg, { client, channel, state }] of last) {
    if (state !== "held") continue;
    const channels = held.get(client) ?? new Map<string, string[]>();
    channels.set(channel, [...(channels.get(channel) ?? []), msg]);
    held.set(client, channels);
  }
  return held;
}

/**
 * Each channel's receipt for `messages`: off (practice, client, consent), failed, sent — or, with
 * `hold`, recorded as held for contact hours once the checks say it would go out.
 */
async function sendReceipts(env: InboxEnv, client: ClientRecord, messages: readonly StoredMessage[], hold = false): Promise<ReceiptOutcome[]> {
  const tag = await env.tagger(client.alias);
  const outcomes: ReceiptOutcome[] = [];
  for (const [name, list] of byChannel(messages)) {
    const msgs = list.map((m) => m.id);
    const off = async (why: "practice" | "client" | "consent") => {
      await env.ledger.append({ ev: "readReceipt", client: tag, channel: name, msgs, state: "off", reason: why }, env.now());
      outcomes.push({ channel: name, state: "off", why });
    };
    if (!env.settings.readReceipts) {
      await off("practice");
      continue;
    }
    if (client.readReceipts === false) {
      await off("client");
      continue;
    }
    let resolved: ResolvedChannel;
    let channel: Channel;
    try {
      resolved = await env.channels.resolve(name);
      channel = await resolved.create();
    } catch (error) {
      if (!isUserError(error)) throw error;
      await env.ledger.append({ ev: "readReceipt", client: tag, channel: name, msgs, state: "failed", reason: error.key }, env.now());
      outcomes.push({ channel: name, state: "failed", reason: error.key, params: error.params });
      continue;
    }
    if (currentConsent(client, resolved.type) === undefined) {
      await off("consent");
      continue;
    }
    if (channel.inbox === undefined) {
      await off("practice");
      continue;
    }
    if (hold) {
      await env.ledger.append({ ev: "readReceipt", client: tag, channel: name, msgs, state: "held" }, env.now());
      outcomes.push({ channel: name, state: "held", until: nextOpening(env.hours, env.now()) });
      continue;
    }
    const result = await channel.inbox.sendReadReceipt(recipientOf(env, client, resolved), list.flatMap((m) => m.ids));
    if (result.status === "sent") {
      await env.ledger.append({ ev: "readReceipt", client: tag, channel: name, msgs, state: "sent" }, env.now());
      outcomes.push({ channel: name, state: "sent", count: list.length });
    } else {
      await env.ledger.append({ ev: "readReceipt", client: tag, channel: name, msgs, state: "failed", reason: result.reason }, env.now());
      outcomes.push({ channel: name, state: "failed", reason: result.reason, params: result.params ?? {} });
    }
  }
  return outcomes;
}

/**
 * The longest name `safeFileName` gives, in UTF-8 bytes: file systems allow 255 bytes (not
 * characters) per name, and `writeMessageFiles` may add `-1000` before the extension.
 */
export const MAX_FILE_NAME_BYTES = 200;

/** The longest start of `text` (whole code points) of at most `max` UTF-8 bytes. */
function firstBytes(text: string, max: number): string {
  let out = "";
  let bytes = 0;
  for (const char of text) {
    bytes += Buffer.byteLength(char);
    if (bytes > max) break;
    out += char;
  }
  return out;
}

/**
 * A file name a client chose, made safe to create in a folder: no path, none of the characters a
 * terminal must not get (src/printable.ts: controls, format characters such as bidi overrides,
 * which disguise the extension, or zero-widths, line separators), no leading dot, at most 120
 * characters and MAX_FILE_NAME_BYTES bytes (a shortened name keeps a short extension); "file"
 * when nothing is left.
 */
export function safeFileName(name: string): string {
  const base = withoutUnsafe(name.split(/[/\\]/).pop() ?? "")
    .replace(/^[.\s]+/, "")
    .trim();
  let limited = firstCodePoints(base, 120);
  if (Buffer.byteLength(limited) > MAX_FILE_NAME_BYTES) {
    const dot = base.lastIndexOf(".");
    const ext = dot > 0 && Buffer.byteLength(base.slice(dot)) <= 16 ? base.slice(dot) : "";
    limited = firstBytes(ext === "" ? base : base.slice(0, dot), MAX_FILE_NAME_BYTES - Buffer.byteLength(ext)).trimEnd() + ext;
  }
  return limited.length === 0 ? "file" : limited;
}

/**
 * Write a message's files into `dir` (created 0700 when missing), each 0600 and never over an
 * existing file (a number is added instead), and never in part (a file that cannot be written
 * whole is removed). Returns the paths written. The files are plain:
 * the practitioner asked for them there. A folder or file that cannot be written throws
 * `unwritableFile`'s one line naming it: a full disk exit 1, an impossible place exit 2.
 */
export async function writeMessageFiles(env: InboxEnv, message: StoredMessage, dir: string): Promise<string[]> {
  await makeDirs(dir, 0o700).catch((error: unknown) => {
    throw unwritableFile(dir, error) ?? error;
  });
  const written: string[] = [];
  for (const [n, file] of message.files.entries()) {
    // A stored file that cannot be opened is the inbox's problem, not the folder's: not mapped.
    const data = await env.store.readFileContent(message.id, n, env.keys);
    const name = safeFileName(file.name);
    const dot = name.lastIndexOf(".");
    const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ""];
    for (let attempt = 1; ; attempt++) {
      const path = join(dir, attempt === 1 ? name : `${stem}-${attempt}${ext}`);
      let handle;
      try {
        handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EEXIST" && attempt < 1000) continue;
        throw unwritableFile(path, error) ?? error;
      }
      try {
        await handle.writeFile(data);
      } catch (error) {
        // Never half a file (a full disk): what could not be written whole is removed.
        await handle.close();
        await rm(path, { force: true });
        throw unwritableFile(path, error) ?? error;
      }
      await handle.close();
      written.push(path);
      break;
    }
  }
  return written;
}

/** The client's messages read and not yet answered: what a reply answers. */
export async function answeredBy(env: Pick<InboxEnv, "ledger">, clientTag: string): Promise<MessageState[]> {
  const states = foldInbox((await env.ledger.read()).events);
  return [...states.values()].filter((s) => s.client === clientTag && s.read !== undefined && s.replied === undefined);
}

/** Record that follow-up `fu` answers the client's read messages; returns those messages. */
export async function recordReply(env: Pick<InboxEnv, "ledger" | "now">, clientTag: string, fu: string): Promise<MessageState[]> {
  const answered = await answeredBy(env, clientTag);
  await env.ledger.append({ ev: "replied", client: clientTag, fu, msgs: answered.map((s) => s.id) }, env.now());
  return answered;
}
