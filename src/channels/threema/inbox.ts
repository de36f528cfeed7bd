/**
 * Receiving through the Threema Gateway: a stored callback (the form body exactly as the Gateway
 * POSTed it) is checked — MAC with the API secret, addressed to our Gateway ID, from a client in
 * the registry — and its box opened with our private key and the client's (pinned) key. Text
 * (0x01), file messages (0x17, the blob fetched from the Gateway and opened with the key in the
 * message) and delivery receipts (0x80) are understood; other types are named, not shown.
 * Read receipts go back as delivery receipts with status 2 ("read") naming the message ids.
 */
import type { ChannelInbox, DeliveryRecipient, DeliveryResult, OpenedEnvelope, ReceivedFile, SkippedFile } from "../contract.js";
import { callbackMacMatches, readCallbackForm } from "./callback.js";
import { FILE_NONCE, fromHex, openSecretbox } from "./crypto.js";
import { GatewayError, type Gateway } from "./gateway.js";
import { decodeDeliveryReceipt, decryptMessage, encodeDeliveryReceipt, encryptMessage, MessageType, splitText, textData } from "./message.js";

/** What the receiving side needs from the channel: its Gateway, keys, and how it finds and names things. */
export interface ThreemaInboxDeps {
  readonly gatewayId: string;
  readonly secret: string;
  readonly privateKey: Uint8Array;
  readonly gateway: Gateway;
  /** The client's public key: pinned, or fetched and pinned on first contact; a failure as a value. */
  recipientKey(recipient: DeliveryRecipient, threemaId: string): Promise<Uint8Array | DeliveryResult>;
  /** A Gateway error as a delivery result (one catalogue line). */
  failure(error: GatewayError, alias: string, part: string): DeliveryResult;
}

/** Most message ids one receipt names: 8 bytes each, well inside the Gateway's 4000-byte box. */
const IDS_PER_RECEIPT = 400;

const FILE_MESSAGE_MIME = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;

interface FileFields {
  readonly blobId: string;
  readonly key: Uint8Array;
  readonly mime: string;
  readonly name: string;
  readonly size: number;
  readonly caption?: string;
}

/** The file message JSON a client's app sends (b, k, m, n, s, d …); undefined when malformed. */
export function readFileMessage(data: Uint8Array): FileFields | undefined {
  let fields: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(data));
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return undefined;
    fields = parsed as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const { b, k, m, n, s, d } = fields;
  if (typeof b !== "string" || !/^[0-9a-f]{32}$/i.test(b)) return undefined;
  if (typeof k !== "string" || !/^[0-9a-f]{64}$/i.test(k)) return undefined;
  if (typeof s !== "number" || !Number.isSafeInteger(s) || s < 0) return undefined;
  const mime = typeof m === "string" && FILE_MESSAGE_MIME.test(m) ? m.toLowerCase() : "application/octet-stream";
  const name = typeof n === "string" && n.trim().length > 0 ? n : "file";
  return { blobId: b.toLowerCase(), key: fromHex(k.toLowerCase(), 32), mime, name, size: s, ...(typeof d === "string" && d.trim().length > 0 ? { caption: d } : {}) };
}

const RECEIPT_STATE = { received: "delivered", read: "read", acknowledged: "read", declined: "read" } as const;

export function createThreemaInbox(deps: ThreemaInboxDeps): ChannelInbox {
  const { gateway } = deps;

  async function fetchFile(file: FileFields, limit: number): Promise<ReceivedFile | SkippedFile | "retry"> {
    if (file.size > limit) return { name: file.name, size: file.size, reason: "tooLarge" };
    let blob: Uint8Array;
    try {
      // The secretbox adds a 16-byte tag to the file.
      blob = await gateway.downloadBlob(file.blobId, limit + 16);
    } catch (error) {
      if (!(error instanceof GatewayError)) throw error;
      if (error.problem === "tooLarge") return { name: file.name, size: file.size, reason: "tooLarge" };
      if (error.problem === "notFound") return { name: file.name, size: file.size, reason: "unavailable" };
      return "retry";
    }
    let data: Uint8Array;
    try {
      data = openSecretbox(blob, FILE_NONCE, file.key);
    } catch {
      return { name: file.name, size: file.size, reason: "unavailable" };
    }
    return { name: file.name, mime: file.mime, data, ...(file.caption === undefined ? {} : { caption: file.caption }) };
  }

  async function send(to: DeliveryRecipient, parts: readonly { type: number; data: Uint8Array }[], what: string): Promise<DeliveryResult> {
    const threemaId = to.address;
    if (threemaId === null || threemaId.length === 0) return { status: "failed", reason: "threema.noAddress", params: { alias: to.alias }, retryable: false };
    const ids: string[] = [];
    try {
      const key = await deps.recipientKey(to, threemaId);
      if (!(key instanceof Uint8Array)) return key;
      for (const part of parts) {
        const message = encryptMessage(part.type, part.data, key, deps.privateKey);
        ids.push(await gateway.sendE2e(threemaId, message.nonce, message.box));
      }
    } catch (error) {
      if (error instanceof GatewayError) return deps.failure(error, to.alias, what);
      throw error;
    }
    return { status: "sent", ids };
  }

  return {
    verifyCallback: (body) => callbackMacMatches(body, deps.secret),

    async open(envelope, senders, limits): Promise<OpenedEnvelope> {
      const body = new TextDecoder().decode(envelope);
      const read = readCallbackForm(body);
      if (!read.ok) return { kind: "refused", problem: "format" };
      if (!callbackMacMatches(body, deps.secret)) return { kind: "refused", problem: "mac" };
      const { form } = read;
      if (form.to !== deps.gatewayId) return { kind: "refused", problem: "wrongGateway" };
      const sender = senders.find(form.from);
      if (sender === undefined) return { kind: "unknownSender" };
      let key: Uint8Array | DeliveryResult;
      try {
        key = await deps.recipientKey(sender, form.from);
      } catch (error) {
        if (!(error instanceof GatewayError)) throw error;
        const failed = deps.failure(error, sender.alias, "pubkeys");
        return failed.status === "failed" ? { kind: "retry", reason: failed.reason, params: failed.params ?? {} } : { kind: "retry", reason: "threema.gateway.network", params: { endpoint: "pubkeys" } };
      }
      if (!(key instanceof Uint8Array)) {
        // A key that changed since it was pinned: nothing from this sender is shown until the
        // practitioner has checked it (threema pin), as for sending.
        return key.status === "failed" ? { kind: "retry", reason: key.reason, params: key.params ?? {} } : { kind: "refused", problem: "decrypt" };
      }
      const params = new URLSearchParams(body.trim());
      let opened: { type: number; data: Uint8Array };
      try {
        opened = decryptMessage({ nonce: fromHex(params.get("nonce") ?? ""), box: fromHex(params.get("box") ?? "") }, key, deps.privateKey);
      } catch {
        return { kind: "refused", problem: "decrypt" };
      }
      // No arrivedAt: the callback's date is set by the sender's phone; when the callback
      // reached nachklang is the better clock for contact hours.
      const base = { kind: "message" as const, from: form.from, ids: [form.messageId] };
      switch (opened.type) {
        case MessageType.text: {
          let text: string;
          try {
            text = new TextDecoder("utf-8", { fatal: true }).decode(opened.data);
          } catch {
            return { kind: "refused", problem: "format" };
          }
          return { ...base, text, files: [], skipped: [] };
        }
        case MessageType.file: {
          const file = readFileMessage(opened.data);
          if (file === undefined) return { kind: "refused", problem: "format" };
          const fetched = await fetchFile(file, limits.fileBytes);
          if (fetched === "retry") return { kind: "retry", reason: "threema.gateway.network", params: { endpoint: "blobs" } };
          if ("reason" in fetched) return { ...base, ...(file.caption === undefined ? {} : { text: file.caption }), files: [], skipped: [fetched] };
          return { ...base, files: [fetched], skipped: [] };
        }
        case MessageType.deliveryReceipt: {
          try {
            const receipt = decodeDeliveryReceipt(opened.data);
            return { kind: "receipt", from: form.from, status: RECEIPT_STATE[receipt.status], messageIds: receipt.messageIds };
          } catch {
            return { kind: "refused", problem: "format" };
          }
        }
        default:
          return { ...base, files: [], skipped: [], unsupported: `0x${opened.type.toString(16).padStart(2, "0")}` };
      }
    },

    sendReadReceipt(to, ids) {
      const parts = [];
      for (let i = 0; i < ids.length; i += IDS_PER_RECEIPT) {
        parts.push({ type: MessageType.deliveryReceipt, data: encodeDeliveryReceipt({ status: "read", messageIds: ids.slice(i, i + IDS_PER_RECEIPT) }) });
      }
      return send(to, parts, "receipt");
    },

    sendText(to, text) {
      return send(to, splitText(text).map((part) => ({ type: MessageType.text, data: textData(part) })), "text");
    },
  };
}
