/**
 * Incoming messages as the Gateway POSTs them to a callback URL (form-encoded): the MAC check,
 * decryption, and the delivery receipts nachklang records. No web server is needed: the
 * payloads can be saved by any HTTPS endpoint and fed to `nachklang threema receipts`.
 */
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { timingSafeEqual } from "node:crypto";
import { fromHex, toHex } from "./crypto.js";
import { decodeDeliveryReceipt, decryptMessage, MessageType, type DeliveryReceipt } from "./message.js";

export interface IncomingMessage {
  readonly from: string;
  readonly to: string;
  readonly messageId: string;
  readonly date: number;
  readonly nonce: Uint8Array;
  readonly box: Uint8Array;
  readonly nickname?: string;
}

export type CallbackProblem = "fields" | "mac" | "format";

export class CallbackError extends Error {
  constructor(
    readonly problem: CallbackProblem,
    message: string,
  ) {
    super(message);
    this.name = "CallbackError";
  }
}

const MAC_FIELDS = ["from", "to", "messageId", "date", "nonce", "box"] as const;

/** The MAC the Gateway puts in `mac`: hex HMAC-SHA256 (key: the API secret) of the fields, concatenated. */
export function callbackMac(fields: Readonly<Record<(typeof MAC_FIELDS)[number], string>>, secret: string): string {
  const text = MAC_FIELDS.map((name) => fields[name]).join("");
  return toHex(hmac(sha256, new TextEncoder().encode(secret), new TextEncoder().encode(text)));
}

/**
 * Parse one form-encoded callback body and check its MAC with the API secret (in constant
 * time). Throws CallbackError for a missing field, a wrong MAC or malformed values.
 */
export function parseCallback(body: string, secret: string): IncomingMessage {
  const form = new URLSearchParams(body.trim());
  const values: Record<string, string> = {};
  for (const name of [...MAC_FIELDS, "mac"]) {
    const value = form.get(name);
    if (value === null) throw new CallbackError("fields", `missing field ${name}`);
    values[name] = value;
  }
  const mac = (values.mac ?? "").toLowerCase();
  const expected = callbackMac(values as Record<(typeof MAC_FIELDS)[number], string>, secret);
  if (!/^[0-9a-f]{64}$/.test(mac) || !timingSafeEqual(Buffer.from(mac), Buffer.from(expected))) {
    throw new CallbackError("mac", "MAC does not match");
  }
  const date = Number(values.date);
  const messageId = values.messageId ?? "";
  const nonce = values.nonce ?? "";
  const boxHex = values.box ?? "";
  if (!Number.isSafeInteger(date) || !/^[0-9a-fA-F]{16}$/.test(messageId) || !/^[0-9a-fA-F]{48}$/.test(nonce) || !/^(?:[0-9a-fA-F]{2})+$/.test(boxHex)) {
    throw new CallbackError("format", "malformed field");
  }
  const nickname = form.get("nickname");
  return {
    from: values.from ?? "",
    to: values.to ?? "",
    messageId: messageId.toLowerCase(),
    date,
    nonce: fromHex(nonce),
    box: fromHex(boxHex),
    ...(nickname === null ? {} : { nickname }),
  };
}

/** A Threema ID: eight characters, digits and capitals (Gateway IDs start with `*`). */
export const THREEMA_ID = /^[0-9A-Z*][0-9A-Z]{7}$/;

export interface CallbackForm {
  readonly from: string;
  readonly to: string;
  /** 16 hex digits, lower case. */
  readonly messageId: string;
  readonly body: string;
}

/**
 * The shape of one callback without its MAC, which needs the API secret: every field there,
 * IDs, message id, date, nonce and box well-formed. What `inbox serve` can check while the
 * practice is locked.
 */
export function readCallbackForm(body: string): { ok: true; form: CallbackForm } | { ok: false; problem: "fields" | "format" } {
  const form = new URLSearchParams(body.trim());
  const values: Record<string, string> = {};
  for (const name of [...MAC_FIELDS, "mac"]) {
    const value = form.get(name);
    if (value === null || value.length === 0) return { ok: false, problem: "fields" };
    values[name] = value;
  }
  const { from = "", to = "", messageId = "", date = "", nonce = "", box = "", mac = "" } = values;
  const wellFormed =
    THREEMA_ID.test(from) &&
    THREEMA_ID.test(to) &&
    /^[0-9a-fA-F]{16}$/.test(messageId) &&
    /^\d{1,12}$/.test(date) &&
    /^[0-9a-fA-F]{48}$/.test(nonce) &&
    /^(?:[0-9a-fA-F]{2})+$/.test(box) &&
    /^[0-9a-fA-F]{64}$/.test(mac);
  if (!wellFormed) return { ok: false, problem: "format" };
  return { ok: true, form: { from, to, messageId: messageId.toLowerCase(), body } };
}

/** Whether the callback's MAC is right for this API secret (compared in constant time). */
export function callbackMacMatches(body: string, secret: string): boolean {
  const form = new URLSearchParams(body.trim());
  const fields = Object.fromEntries(MAC_FIELDS.map((name) => [name, form.get(name) ?? ""])) as Record<(typeof MAC_FIELDS)[number], string>;
  const mac = (form.get("mac") ?? "").toLowerCase();
  return /^[0-9a-f]{64}$/.test(mac) && timingSafeEqual(Buffer.from(mac), Buffer.from(callbackMac(fields, secret)));
}

export type IncomingContent =
  | { readonly kind: "receipt"; readonly receipt: DeliveryReceipt }
  | { readonly kind: "other"; readonly type: number };

/** Decrypt an incoming message with our private key and the sender's public key. */
export function decodeIncoming(message: IncomingMessage, senderPublicKey: Uint8Array, ourPrivateKey: Uint8Array): IncomingContent {
  let opened: { type: number; data: Uint8Array };
  try {
    opened = decryptMessage(message, senderPublicKey, ourPrivateKey);
  } catch (error) {
    throw new CallbackError("format", `cannot decrypt: ${String(error)}`);
  }
  if (opened.type !== MessageType.deliveryReceipt) return { kind: "other", type: opened.type };
  try {
    return { kind: "receipt", receipt: decodeDeliveryReceipt(opened.data) };
  } catch (error) {
    throw new CallbackError("format", String(error));
  }
}
