/**
 * The plaintext of Threema end-to-end messages: a type byte, the data, and PKCS#7-style random
 * padding. Text (0x01), file (0x17) and delivery receipt (0x80) are the types nachklang uses.
 */
import { randomInt } from "node:crypto";
import { box, openBox, randomNonce } from "./crypto.js";

export const MessageType = { text: 0x01, file: 0x17, deliveryReceipt: 0x80 } as const;

/** Most UTF-8 bytes one text message may carry (Gateway API documentation). */
export const TEXT_LIMIT_BYTES = 3500;
/** Largest box the Gateway accepts for send_e2e. */
export const BOX_LIMIT_BYTES = 4000;

export class MessageFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MessageFormatError";
  }
}

/**
 * type ‖ data ‖ padding. The padding length n is random in 1…255 and every padding byte is n.
 * data ‖ padding is at least 32 bytes, as the Python SDK does it, so short messages (a receipt,
 * "ok") do not reveal their length; the type byte comes on top of that.
 */
export function pad(type: number, data: Uint8Array, random: (min: number, max: number) => number = randomInt): Uint8Array {
  const padding = Math.max(random(1, 256), 32 - data.length);
  const out = new Uint8Array(1 + data.length + padding);
  out[0] = type;
  out.set(data, 1);
  out.fill(padding, 1 + data.length);
  return out;
}

/** Inverse of `pad`: checks every padding byte, not only the last. */
export function unpad(plaintext: Uint8Array): { type: number; data: Uint8Array } {
  const padding = plaintext[plaintext.length - 1];
  if (plaintext.length < 2 || padding === undefined || padding === 0 || padding > plaintext.length - 1) {
    throw new MessageFormatError("bad padding");
  }
  for (let i = plaintext.length - padding; i < plaintext.length; i++) {
    if (plaintext[i] !== padding) throw new MessageFormatError("bad padding");
  }
  return { type: plaintext[0] ?? 0, data: plaintext.subarray(1, plaintext.length - padding) };
}

export interface EncryptedMessage {
  readonly nonce: Uint8Array;
  readonly box: Uint8Array;
}

export function encryptMessage(type: number, data: Uint8Array, recipientPublicKey: Uint8Array, senderPrivateKey: Uint8Array): EncryptedMessage {
  const nonce = randomNonce();
  return { nonce, box: box(pad(type, data), nonce, recipientPublicKey, senderPrivateKey) };
}

export function decryptMessage(
  message: EncryptedMessage,
  senderPublicKey: Uint8Array,
  recipientPrivateKey: Uint8Array,
): { type: number; data: Uint8Array } {
  return unpad(openBox(message.box, message.nonce, senderPublicKey, recipientPrivateKey));
}

export function textData(text: string): Uint8Array {
  const data = new TextEncoder().encode(text);
  if (data.length > TEXT_LIMIT_BYTES) throw new MessageFormatError(`text of ${data.length} bytes exceeds ${TEXT_LIMIT_BYTES}`);
  return data;
}

const byteLength = (text: string) => Buffer.byteLength(text, "utf8");

/**
 * Split a text into parts of at most `limit` UTF-8 bytes, at paragraph boundaries (blank lines)
 * where possible, then at line ends, then at spaces, and only as a last resort inside a word
 * (never inside a character). When there is more than one part, each starts with "(i/n) ", and
 * the limit holds including that prefix.
 */
export function splitText(text: string, limit = TEXT_LIMIT_BYTES): string[] {
  const trimmed = text.trim();
  if (trimmed.length === 0) return [];
  if (byteLength(trimmed) <= limit) return [trimmed];
  // Room for the longest prefix we may add, "(nnnn/nnnn) ".
  const budget = limit - 12;
  const tokens: { text: string; join: string }[] = [];
  const collect = (piece: string, level: number, join: string): void => {
    if (byteLength(piece) <= budget) {
      tokens.push({ text: piece, join });
      return;
    }
    const rule = SPLIT_LEVELS[level];
    if (rule === undefined) {
      let first = true;
      for (const ch of piece) {
        tokens.push({ text: ch, join: first ? join : "" });
        first = false;
      }
      return;
    }
    const pieces = piece
      .split(rule.split)
      .map((p) => (rule.join === " " ? p : p.trim()))
      .filter((p) => p.length > 0);
    if (pieces.length <= 1) return collect(piece, level + 1, join);
    pieces.forEach((p, i) => collect(p, level + 1, i === 0 ? join : rule.join));
  };
  collect(trimmed, 0, "");
  const parts: string[] = [];
  let current = "";
  let bytes = 0;
  for (const token of tokens) {
    const added = byteLength(token.join) + byteLength(token.text);
    if (current.length > 0 && bytes + added <= budget) {
      current += token.join + token.text;
      bytes += added;
    } else {
      if (current.trim().length > 0) parts.push(current.trim());
      current = token.text;
      bytes = byteLength(token.text);
    }
  }
  if (current.trim().length > 0) parts.push(current.trim());
  return parts.map((p, i) => `(${i + 1}/${parts.length}) ${p}`);
}

/** Where a text may be cut, best first: paragraphs, lines, words (then characters). */
const SPLIT_LEVELS: readonly { split: RegExp; join: string }[] = [
  { split: /\n[ \t]*\n+/, join: "\n\n" },
  { split: /\n/, join: "\n" },
  { split: / +/, join: " " },
];

export interface FileMessageFields {
  /** Blob id of the encrypted file (32 hex digits). */
  readonly b: string;
  /** The blob key (64 hex digits). */
  readonly k: string;
  /** MIME type of the file. */
  readonly m: string;
  /** File name. */
  readonly n: string;
  /** Size of the (unencrypted) file in bytes. */
  readonly s: number;
  /** Thumbnail blob id and MIME type. */
  readonly t?: string;
  readonly p?: string;
  /** Caption. */
  readonly d?: string;
  /** Rendering: 0 file, 1 media, 2 sticker. */
  readonly j: 0 | 1 | 2;
  /** Legacy rendering flag for old clients: 1 for media, else 0. */
  readonly i: 0 | 1;
  /** Metadata: `d` duration in seconds (audio/video), `w`/`h` dimensions (images). */
  readonly x?: { readonly d?: number; readonly w?: number; readonly h?: number };
}

export function fileData(fields: FileMessageFields): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(fields));
}

export type ReceiptStatus = "received" | "read" | "acknowledged" | "declined";
const RECEIPT_STATUS: Record<number, ReceiptStatus> = { 1: "received", 2: "read", 3: "acknowledged", 4: "declined" };

export interface DeliveryReceipt {
  readonly status: ReceiptStatus;
  /** Message ids as the Gateway returned them from send_e2e: 16 hex digits each. */
  readonly messageIds: readonly string[];
}

/** A delivery receipt's data (after the type byte): status byte, then 8-byte message ids. */
export function decodeDeliveryReceipt(data: Uint8Array): DeliveryReceipt {
  const status = RECEIPT_STATUS[data[0] ?? 0];
  if (status === undefined) throw new MessageFormatError(`unknown receipt status ${data[0] ?? "none"}`);
  if (data.length < 9 || (data.length - 1) % 8 !== 0) throw new MessageFormatError("bad receipt length");
  const messageIds: string[] = [];
  for (let i = 1; i < data.length; i += 8) messageIds.push(Buffer.from(data.subarray(i, i + 8)).toString("hex"));
  return { status, messageIds };
}

export function encodeDeliveryReceipt(receipt: DeliveryReceipt): Uint8Array {
  const code = Number(Object.entries(RECEIPT_STATUS).find(([, s]) => s === receipt.status)?.[0]);
  const out = new Uint8Array(1 + 8 * receipt.messageIds.length);
  out[0] = code;
  receipt.messageIds.forEach((id, i) => out.set(Buffer.from(id, "hex"), 1 + 8 * i));
  return out;
}
