/**
 * Receiving through signal-cli. The daemon runs with `--receive-mode=manual`, so messages wait
 * in signal-cli until nachklang asks: JSON-RPC `receive` answers a list of `{account, envelope}`
 * (AsamK/signal-cli ReceiveCommand and JsonMessageEnvelope: `source`, `sourceNumber`,
 * `timestamp`, `serverReceivedTimestamp`, `dataMessage.message`, `dataMessage.attachments` with
 * `contentType`, `filename`, `id`, `size`), and `getAttachment` (`id`, `recipient`) the bytes
 * of one attachment as base64. Each direct message is stored, attachments included, before the
 * next is looked at; group messages, receipts, typing and sync messages are not for the inbox.
 * Read receipts: `sendReceipt` with `recipient`, `targetTimestamp` (the message timestamps) and
 * `type: "read"`.
 */
import { z } from "../../zod.js";
import type { ChannelInbox, DeliveryRecipient, DeliveryResult, InboxLimits, OpenedEnvelope, PullResult, ReceivedFile, SkippedFile } from "../contract.js";
import type { MessageParams } from "../../messages/index.js";
import type { RpcOutcome } from "./rpc.js";
import { scrub } from "./text.js";

/** What one send-like call (send, sendReceipt) came to, as the channel judges it. */
export type SendVerdict = { readonly sent: true; readonly timestamp: number } | { readonly sent: false; readonly result: DeliveryResult; readonly retry: boolean };

export interface SignalInboxDeps {
  readonly base: string;
  readonly account: string;
  /** One JSON-RPC call; an answer longer than `maxBytes` (default: the channel's limit) comes back as `tooLarge`. */
  call(method: string, params: Record<string, unknown>, timeoutMs: number, maxBytes?: number): Promise<RpcOutcome>;
  judge(outcome: RpcOutcome, params: MessageParams): SendVerdict;
}

/** How long `receive` waits for messages that are on their way (signal-cli's own default is 3 s). */
const RECEIVE_WAIT_SECONDS = 2;
const RECEIVE_TIMEOUT_MS = 120_000;
/** Messages asked for per `receive`, and how many rounds one fetch makes at most. */
const BATCH = 20;
const MAX_ROUNDS = 50;

/**
 * The most read of a `getAttachment` answer: the file limit in base64 (4 characters per 3 bytes)
 * and room for the JSON around it. A longer answer is not read: the file counts as too large.
 */
export function attachmentAnswerLimit(fileBytes: number): number {
  return Math.ceil(fileBytes / 3) * 4 + 64 * 1024;
}

const attachmentSchema = z.looseObject({
  contentType: z.string().nullish(),
  filename: z.string().nullish(),
  id: z.string().nullish(),
  size: z.number().nullish(),
  caption: z.string().nullish(),
});

const envelopeSchema = z.looseObject({
  source: z.string().nullish(),
  sourceNumber: z.string().nullish(),
  sourceUuid: z.string().nullish(),
  timestamp: z.number().int(),
  serverReceivedTimestamp: z.number().int().nullish(),
  dataMessage: z
    .looseObject({
      timestamp: z.number().int().nullish(),
      message: z.string().nullish(),
      attachments: z.array(attachmentSchema).nullish(),
      groupInfo: z.unknown().optional(),
    })
    .nullish(),
});
type Envelope = z.infer<typeof envelopeSchema>;

const itemSchema = z.looseObject({ account: z.string().nullish(), envelope: envelopeSchema.optional(), exception: z.unknown().optional() });

const storedSchema = z
  .object({
    v: z.literal(1),
    envelope: envelopeSchema,
    attachments: z.array(
      z
        .object({
          name: z.string(),
          mime: z.string(),
          size: z.number().int().nonnegative().nullable(),
          caption: z.string().optional(),
          data: z.string().optional(),
          skipped: z.enum(["tooLarge", "unavailable"]).optional(),
        })
        .strict(),
    ),
  })
  .strict();
type Stored = z.infer<typeof storedSchema>;

/** The sender's address as the client registry has it: the phone number when signal-cli knows it. */
function senderOf(envelope: Envelope): string | undefined {
  return envelope.sourceNumber ?? envelope.source ?? envelope.sourceUuid ?? undefined;
}

/** A direct message with something to show (text or files). */
function isDirectMessage(envelope: Envelope): boolean {
  const data = envelope.dataMessage;
  if (data === undefined || data === null || data.groupInfo !== undefined) return false;
  return (data.message ?? "").length > 0 || (data.attachments ?? []).length > 0;
}

export function createSignalInbox(deps: SignalInboxDeps): ChannelInbox {
  const { account } = deps;

  async function attachment(envelope: Envelope, a: z.infer<typeof attachmentSchema>, limits: InboxLimits): Promise<Stored["attachments"][number]> {
    const name = a.filename ?? "attachment";
    const mime = a.contentType ?? "application/octet-stream";
    const size = a.size ?? null;
    const base = { name, mime, size, ...(a.caption ? { caption: a.caption } : {}) };
    if (size !== null && size > limits.fileBytes) return { ...base, skipped: "tooLarge" };
    const sender = senderOf(envelope);
    if (a.id === undefined || a.id === null || sender === undefined) return { ...base, skipped: "unavailable" };
    const outcome = await deps.call("getAttachment", { account, id: a.id, recipient: sender }, RECEIVE_TIMEOUT_MS, attachmentAnswerLimit(limits.fileBytes));
    if (outcome.kind === "tooLarge") return { ...base, skipped: "tooLarge" };
    const data = outcome.kind === "result" ? z.object({ data: z.string() }).safeParse(outcome.result) : undefined;
    if (data === undefined || !data.success) return { ...base, skipped: "unavailable" };
    // base64 is 4 characters per 3 bytes: refuse before decoding what cannot fit.
    if ((data.data.data.length * 3) / 4 > limits.fileBytes + 3) return { ...base, skipped: "tooLarge" };
    const bytes = Buffer.from(data.data.data, "base64");
    if (bytes.length > limits.fileBytes) return { ...base, skipped: "tooLarge" };
    return { ...base, size: bytes.length, data: bytes.toString("base64") };
  }

  /** Keep each direct message (with its attachments) before looking at the next. */
  async function storeAll(items: readonly unknown[], store: (nativeId: string, envelope: Uint8Array) => Promise<void>, limits: InboxLimits) {
    const counts = { stored: 0, ignored: 0, malformed: 0 };
    for (const raw of items) {
      const item = itemSchema.safeParse(raw);
      if (!item.success) {
        counts.malformed++;
        continue;
      }
      const envelope = item.data.envelope;
      if (envelope === undefined || item.data.exception !== undefined || !isDirectMessage(envelope)) {
        counts.ignored++;
        continue;
      }
      const sender = senderOf(envelope);
      if (sender === undefined) {
        counts.ignored++;
        continue;
      }
      const attachments = [];
      for (const a of envelope.dataMessage?.attachments ?? []) attachments.push(await attachment(envelope, a, limits));
      const record: Stored = { v: 1, envelope, attachments };
      await store(`${sender}:${envelope.timestamp}`, new TextEncoder().encode(JSON.stringify(record)));
      counts.stored++;
    }
    return counts;
  }

  async function deliverParams(to: DeliveryRecipient, method: string, params: Record<string, unknown>): Promise<DeliveryResult> {
    const outcome = await deps.call(method, { account, ...params }, RECEIVE_TIMEOUT_MS);
    const verdict = deps.judge(outcome, { alias: to.alias, account, url: deps.base });
    return verdict.sent ? { status: "sent", ids: [String(verdict.timestamp)] } : verdict.result;
  }

  return {
    async pull(store, limits): Promise<PullResult> {
      let stored = 0;
      let ignored = 0;
      let malformed = 0;
      // In batches, so that a long absence does not put every waiting attachment in memory at once.
      for (let round = 0; round < MAX_ROUNDS; round++) {
        const outcome = await deps.call("receive", { account, timeout: RECEIVE_WAIT_SECONDS, maxMessages: BATCH }, RECEIVE_TIMEOUT_MS);
        if (outcome.kind === "unreachable") return { ok: false, stored, reason: "signal.daemonUnreachable", params: { url: deps.base, reason: outcome.detail } };
        if (outcome.kind === "tooLarge") return { ok: false, stored, reason: "inbox.fetch.tooLarge", params: { url: deps.base, limit: Math.round(outcome.limitBytes / 1024 / 1024) } };
        if (outcome.kind === "error") return { ok: false, stored, reason: "inbox.fetch.refused", params: { url: deps.base, detail: scrub(`${outcome.code}: ${outcome.message}`) } };
        if (outcome.kind !== "result") return { ok: false, stored, reason: "inbox.fetch.malformed", params: { url: deps.base, detail: outcome.detail } };
        if (!Array.isArray(outcome.result)) return { ok: false, stored, reason: "inbox.fetch.notAList", params: { url: deps.base } };
        const counts = await storeAll(outcome.result, store, limits);
        stored += counts.stored;
        ignored += counts.ignored;
        malformed += counts.malformed;
        if (outcome.result.length < BATCH) break;
      }
      if (malformed > 0) return { ok: false, stored, reason: "inbox.fetch.entriesNotUnderstood", params: { url: deps.base, count: malformed } };
      return { ok: true, stored, ignored };
    },

    open(envelope, senders): Promise<OpenedEnvelope> {
      let stored: Stored;
      try {
        stored = storedSchema.parse(JSON.parse(new TextDecoder().decode(envelope)));
      } catch {
        return Promise.resolve({ kind: "refused", problem: "format" });
      }
      const address = senderOf(stored.envelope);
      const sender = address === undefined ? undefined : senders.find(address);
      if (address === undefined || sender === undefined) return Promise.resolve({ kind: "unknownSender" });
      const files: ReceivedFile[] = [];
      const skipped: SkippedFile[] = [];
      for (const a of stored.attachments) {
        if (a.data === undefined) skipped.push({ name: a.name, ...(a.size === null ? {} : { size: a.size }), reason: a.skipped ?? "unavailable" });
        else files.push({ name: a.name, mime: a.mime, data: new Uint8Array(Buffer.from(a.data, "base64")), ...(a.caption === undefined ? {} : { caption: a.caption }) });
      }
      const data = stored.envelope.dataMessage;
      const text = data?.message ?? undefined;
      const received = stored.envelope.serverReceivedTimestamp ?? undefined;
      return Promise.resolve({
        kind: "message",
        from: address,
        ids: [String(data?.timestamp ?? stored.envelope.timestamp)],
        ...(received === undefined ? {} : { arrivedAt: new Date(received) }),
        ...(text === undefined || text.length === 0 ? {} : { text }),
        files,
        skipped,
      });
    },

    sendReadReceipt(to, ids) {
      if (to.address === null) return Promise.resolve({ status: "failed", reason: "signal.noAddress", params: { alias: to.alias }, retryable: false });
      return deliverParams(to, "sendReceipt", { recipient: to.address, targetTimestamp: ids.map(Number), type: "read" });
    },

    sendText(to, text) {
      if (to.address === null) return Promise.resolve({ status: "failed", reason: "signal.noAddress", params: { alias: to.alias }, retryable: false });
      return deliverParams(to, "send", { recipient: [to.address], message: text });
    },
  };
}
