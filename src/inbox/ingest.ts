/**
 * Turning stored envelopes into messages, with the practice unlocked: each envelope is opened
 * by the channel it came through (MAC, decryption, sender, files), the decoded message and its
 * files are sealed into the inbox, the ledger records that it was received (client tag, time,
 * no content), and the envelope is deleted. The ledger names the message by its keyed id
 * (store.ts `messageId`); an envelope whose message the ledger already names is a repeat. Delivery receipts for follow-ups
 * land in the ledger as `threema receipts` would record them. Then the away notices that are
 * due go out.
 *
 * A message from a sender who is in no client record waits, sealed, for a client with that address
 * to be added; once it was stored more than UNKNOWN_SENDER_DAYS ago it is discarded unread (a
 * `refused` event with reason UNKNOWN_SENDER_EXPIRED, then the envelope is deleted): the practice has no
 * basis to keep a stranger's message, and such messages must not hold `inbox serve` at its limit.
 *
 * Crash safety: the order is message → ledger → envelope deleted, and an envelope whose message
 * the ledger already knows is only deleted, so a run killed at any point neither loses a message
 * nor records it twice. Runs of several processes take turns (a lock on the inbox folder).
 */
import { createHash } from "node:crypto";
import type { Channel, EnvelopeProblem, ReceivedFile, SenderDirectory, SkippedFile } from "../channels/contract.js";
import { isUserError } from "../errors.js";
import { exists } from "../files.js";
import type { MessageKey, MessageParams } from "../messages/index.js";
import type { ResolvedChannel } from "../followup/ports.js";
import { currentConsent } from "../practice/consent.js";
import type { ClientRecord } from "../practice/clients.js";
import { dueNotices, offPeriod } from "./away.js";
import { aliasOfTag, recipientOf, type InboxEnv } from "./env.js";
import type { StoredEnvelope, StoredMessage } from "./store.js";
import { addressOf } from "../followup/validate.js";

/** How long a message from a sender who is in no client record is kept (docs/inbox.md, "Unknown senders"). */
export const UNKNOWN_SENDER_DAYS = 30;

/**
 * The ledger's `refused` reason for such a message discarded after UNKNOWN_SENDER_DAYS. A new
 * value of a free-text field, not a new event: every older version reads the line as valid
 * (docs/decisions/unknown-sender-expiry.md).
 */
export const UNKNOWN_SENDER_EXPIRED = "unknownSenderExpired";

const DAY_MS = 24 * 60 * 60 * 1000;

export interface Received {
  readonly id: string;
  readonly alias: string;
  readonly channel: string;
}

export interface Refused {
  /** The inbox id the ledger's `refused` event names. */
  readonly msg: string;
  readonly channel: string;
  readonly problem: EnvelopeProblem | "damaged";
}

export interface Postponed {
  readonly channel: string;
  readonly reason: MessageKey;
  readonly params: MessageParams;
}

export type NoticeOutcome =
  | { readonly alias: string; readonly channel: string; readonly state: "sent" }
  | { readonly alias: string; readonly channel: string; readonly state: "failed"; readonly reason: MessageKey; readonly params: MessageParams }
  | { readonly alias: string; readonly channel: string; readonly state: "skipped"; readonly why: "consent" | "address" | "channel" };

export interface IngestReport {
  readonly received: readonly Received[];
  /** Delivery receipts for follow-ups recorded in the ledger. */
  readonly receipts: number;
  readonly refused: readonly Refused[];
  /** Envelopes from senders who are not in the client registry (kept until they are, UNKNOWN_SENDER_DAYS at most). */
  readonly unknownSenders: number;
  /** Inbox ids of envelopes from such senders discarded now, stored more than UNKNOWN_SENDER_DAYS ago. */
  readonly expired: readonly string[];
  /** Envelopes that could not be decoded now and wait for the next run. */
  readonly postponed: readonly Postponed[];
  readonly notices: readonly NoticeOutcome[];
  /** Another process was decoding the inbox; nothing was done here. */
  readonly busy: boolean;
}

const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

/** The clients with an address on this channel, found by that address. */
function senderDirectory(env: InboxEnv, channel: ResolvedChannel): SenderDirectory {
  return {
    find(address) {
      const client = env.clients.list().find((c) => addressOf(c, channel.address) === address);
      return client === undefined ? undefined : recipientOf(env, client, channel);
    },
  };
}

interface Opened {
  readonly resolved: ResolvedChannel;
  readonly channel: Channel;
}

/** Decode every waiting envelope, then send the away notices that are due (unless `notices: false`). */
export async function ingest(env: InboxEnv, options: { notices?: boolean } = {}): Promise<IngestReport> {
  // A practice that never received anything has no inbox folder, and gets none from this.
  if (!(await exists(env.store.paths.incoming))) return { received: [], receipts: 0, refused: [], unknownSenders: 0, expired: [], postponed: [], notices: [], busy: false };
  const release = await env.store.lock("ingest");
  if (release === undefined) return { received: [], receipts: 0, refused: [], unknownSenders: 0, expired: [], postponed: [], notices: [], busy: true };
  try {
    const report = await decodeAll(env);
    // Not for a command that only files messages away (client forget, export): it sends nothing.
    return { ...report, notices: options.notices === false ? [] : await sendNotices(env), busy: false };
  } finally {
    await release();
  }
}

async function decodeAll(env: InboxEnv): Promise<Omit<IngestReport, "notices" | "busy">> {
  const received: Received[] = [];
  const refused: Refused[] = [];
  const postponed: Postponed[] = [];
  let receipts = 0;
  let unknownSenders = 0;
  const expired: string[] = [];
  await env.store.sweepTombstones();
  const pending = await env.store.pending();
  if (pending.length === 0) return { received, receipts, refused, unknownSenders, expired, postponed };
  const known = new Set<string>();
  for (const e of (await env.ledger.read()).events) if (e.ev === "received" || e.ev === "refused") known.add(e.msg);
  const channels = new Map<string, Opened | Postponed>();
  const channelFor = async (name: string): Promise<Opened | Postponed> => {
    const cached = channels.get(name);
    if (cached !== undefined) return cached;
    let result: Opened | Postponed;
    try {
      const resolved = await env.channels.resolve(name);
      result = { resolved, channel: await resolved.create() };
    } catch (error) {
      if (!isUserError(error)) throw error;
      result = { channel: name, reason: error.key, params: error.params };
    }
    channels.set(name, result);
    return result;
  };

  for (const file of pending) {
    let envelope: StoredEnvelope;
    try {
      envelope = await env.store.readEnvelope(file, env.keys);
    } catch {
      // Not sealed to this practice's key, or damaged: nothing can ever be read from it.
      await env.ledger.append({ ev: "refused", msg: file, channel: "-", reason: "damaged" }, env.now());
      await env.store.discard(file);
      refused.push({ msg: file, channel: "-", problem: "damaged" });
      continue;
    }
    // The message's keyed id; an envelope stored before there were such ids is named by its own.
    const id = envelope.native === undefined ? file : await env.messageId(envelope.channelType, envelope.native);
    if (known.has(id)) {
      // Recorded by a run that was killed before it deleted the envelope, or delivered twice.
      await env.store.discard(file);
      continue;
    }
    const opened = await channelFor(envelope.channel);
    if (!("resolved" in opened)) {
      postponed.push(opened);
      continue;
    }
    const inbox = opened.channel.inbox;
    if (inbox === undefined) {
      postponed.push({ channel: envelope.channel, reason: "inbox.channelCannotReceive", params: { channel: envelope.channel } });
      continue;
    }
    // Kept until a client with the sender's address exists, for UNKNOWN_SENDER_DAYS at most.
    const unknownSender = async () => {
      if (env.now().getTime() - Date.parse(envelope.received) <= UNKNOWN_SENDER_DAYS * DAY_MS) {
        unknownSenders++;
        return;
      }
      await env.ledger.append({ ev: "refused", msg: id, channel: envelope.channel, reason: UNKNOWN_SENDER_EXPIRED }, env.now());
      await env.store.discard(file);
      expired.push(id);
      known.add(id);
    };
    const result = await inbox.open(new Uint8Array(Buffer.from(envelope.body, "base64")), senderDirectory(env, opened.resolved), { fileBytes: env.settings.fileBytes });
    switch (result.kind) {
      case "message": {
        const client = env.clients.list().find((c) => addressOf(c, opened.resolved.address) === result.from);
        if (client === undefined) {
          await unknownSender();
          break;
        }
        // A service's time that is no date (out of range) would stop every run here: ours instead.
        const arrived = result.arrivedAt !== undefined && !Number.isNaN(result.arrivedAt.getTime()) ? result.arrivedAt : new Date(envelope.received);
        await keepMessage(env, id, envelope, opened.resolved, client, result.ids, arrived, result);
        const away = env.settings.awayNotice ? offPeriod(env.hours, arrived) : undefined;
        await env.ledger.append(
          {
            ev: "received",
            msg: id,
            client: await env.tagger(client.alias),
            channel: envelope.channel,
            channelType: opened.resolved.type,
            arrived: arrived.toISOString(),
            files: result.files.length,
            ...(away === undefined ? {} : { away }),
          },
          env.now(),
        );
        await env.store.discard(file);
        received.push({ id, alias: client.alias, channel: envelope.channel });
        // The same message delivered twice may wait twice in this run.
        known.add(id);
        break;
      }
      case "receipt": {
        for (const messageId of result.messageIds) {
          const followUp = await env.ledger.byMessageId(messageId);
          if (followUp === undefined) continue;
          await env.ledger.append({ ev: "receipt", fu: followUp.key, id: messageId, status: result.status }, env.now());
          receipts++;
        }
        // Recording a receipt twice (a run killed before the envelope was deleted) changes nothing.
        await env.store.discard(file);
        break;
      }
      case "refused":
        await env.ledger.append({ ev: "refused", msg: id, channel: envelope.channel, reason: result.problem }, env.now());
        await env.store.discard(file);
        refused.push({ msg: id, channel: envelope.channel, problem: result.problem });
        known.add(id);
        break;
      case "ignored":
        await env.store.discard(file);
        break;
      case "unknownSender":
        await unknownSender();
        break;
      case "retry":
        postponed.push({ channel: envelope.channel, reason: result.reason, params: result.params });
        break;
    }
  }
  return { received, receipts, refused, unknownSenders, expired, postponed };
}

async function keepMessage(
  env: InboxEnv,
  id: string,
  envelope: StoredEnvelope,
  channel: ResolvedChannel,
  client: ClientRecord,
  ids: readonly string[],
  arrived: Date,
  content: { readonly text?: string; readonly files: readonly ReceivedFile[]; readonly skipped: readonly SkippedFile[]; readonly unsupported?: string },
): Promise<void> {
  const message: StoredMessage = {
    v: 1,
    id,
    channel: envelope.channel,
    channelType: channel.type,
    from: addressOf(client, channel.address) ?? "",
    alias: client.alias,
    ids: [...ids],
    arrived: arrived.toISOString(),
    ...(content.text === undefined ? {} : { text: content.text }),
    files: content.files.map((f) => ({ name: f.name, mime: f.mime, size: f.data.length, sha256: sha256(f.data), ...(f.caption === undefined ? {} : { caption: f.caption }) })),
    skipped: content.skipped.map((f) => ({ ...f })),
    ...(content.unsupported === undefined ? {} : { unsupported: content.unsupported }),
  };
  await env.store.putMessage(
    message,
    content.files.map((f) => f.data),
  );
}

/** Send the away notices that are due now (at most one per client and off-period). */
async function sendNotices(env: InboxEnv): Promise<NoticeOutcome[]> {
  if (!env.settings.awayNotice) return [];
  const now = env.now();
  const due = dueNotices((await env.ledger.read()).events, env.hours, now);
  const outcomes: NoticeOutcome[] = [];
  for (const notice of due) {
    const alias = await aliasOfTag(env, notice.client);
    const client = alias === undefined ? undefined : env.clients.get(alias);
    const skip = async (why: "consent" | "address" | "channel", reason: string) => {
      await env.ledger.append({ ev: "away", client: notice.client, channel: notice.channel, period: notice.period, state: "skipped", reason }, env.now());
      outcomes.push({ alias: alias ?? "?", channel: notice.channel, state: "skipped", why });
    };
    if (client === undefined) {
      await skip("address", "client");
      continue;
    }
    let resolved: ResolvedChannel;
    let channel: Channel;
    try {
      resolved = await env.channels.resolve(notice.channel);
      channel = await resolved.create();
    } catch (error) {
      if (!isUserError(error)) throw error;
      await skip("channel", error.key);
      continue;
    }
    // Nothing goes to a client through a channel they have not (or no longer) agreed to.
    if (currentConsent(client, resolved.type) === undefined) {
      await skip("consent", "consent");
      continue;
    }
    const recipient = recipientOf(env, client, resolved);
    if (recipient.address === null || channel.inbox === undefined) {
      await skip("address", "address");
      continue;
    }
    const reopens = notice.period === "never" ? null : new Date(notice.period);
    const text = await env.awayText(client, reopens);
    await env.ledger.append({ ev: "away", client: notice.client, channel: notice.channel, period: notice.period, state: "sending" }, env.now());
    const result = await channel.inbox.sendText(recipient, text);
    if (result.status === "sent") {
      await env.ledger.append({ ev: "away", client: notice.client, channel: notice.channel, period: notice.period, state: "sent" }, env.now());
      outcomes.push({ alias: client.alias, channel: notice.channel, state: "sent" });
    } else {
      await env.ledger.append(
        { ev: "away", client: notice.client, channel: notice.channel, period: notice.period, state: "failed", reason: result.reason, retryable: result.retryable },
        env.now(),
      );
      outcomes.push({ alias: client.alias, channel: notice.channel, state: "failed", reason: result.reason, params: result.params ?? {} });
    }
  }
  return outcomes;
}
