/**
 * Delivery receipts from callback payloads: check the MAC, decrypt with the practice's private
 * key and the sender's (pinned) key, decode the receipt, and hand each message id with its new
 * state to `record` (the ledger). Content messages from clients are not read: nachklang only
 * cares whether what it sent was delivered or read.
 */
import { CallbackError, decodeIncoming, parseCallback } from "./callback.js";
import type { ReceiptStatus } from "./message.js";

/** Ledger states a receipt can move a message to. */
export type ReceiptState = "delivered" | "read";

const STATE: Record<ReceiptStatus, ReceiptState> = {
  received: "delivered",
  read: "read",
  // Acknowledge/decline (thumbs up/down) are only possible on a message the client has read.
  acknowledged: "read",
  declined: "read",
};

export interface ReceiptContext {
  readonly gatewayId: string;
  readonly secret: string;
  readonly privateKey: Uint8Array;
  /** The sender's public key (pinned in the client record, or fetched), or undefined for strangers. */
  senderKey(threemaId: string): Promise<Uint8Array | undefined>;
  /** Record one message's new state, e.g. in the ledger. */
  record(messageId: string, status: ReceiptState): Promise<void>;
}

export type ReceiptProblem = "mac" | "malformed" | "wrongGateway" | "unknownSender" | "notReceipt";

export type ReceiptOutcome =
  | { readonly line: number; readonly ok: true; readonly from: string; readonly status: ReceiptState; readonly receipt: ReceiptStatus; readonly messageIds: readonly string[] }
  | { readonly line: number; readonly ok: false; readonly problem: ReceiptProblem; readonly from?: string; readonly reason?: string };

/** Process one callback body (one line of a saved file). Never throws for bad input. */
export async function processReceipt(body: string, line: number, context: ReceiptContext): Promise<ReceiptOutcome> {
  try {
    const message = parseCallback(body, context.secret);
    if (message.to !== context.gatewayId) return { line, ok: false, problem: "wrongGateway" };
    const key = await context.senderKey(message.from);
    if (key === undefined) return { line, ok: false, problem: "unknownSender", from: message.from };
    const content = decodeIncoming(message, key, context.privateKey);
    if (content.kind !== "receipt") return { line, ok: false, problem: "notReceipt", from: message.from };
    const status = STATE[content.receipt.status];
    for (const id of content.receipt.messageIds) await context.record(id, status);
    return { line, ok: true, from: message.from, status, receipt: content.receipt.status, messageIds: content.receipt.messageIds };
  } catch (error) {
    if (!(error instanceof CallbackError)) throw error;
    return error.problem === "mac" ? { line, ok: false, problem: "mac" } : { line, ok: false, problem: "malformed", reason: error.message };
  }
}

/** Process form-encoded callback bodies, one per line; blank lines are ignored. */
export async function processReceipts(text: string, context: ReceiptContext): Promise<ReceiptOutcome[]> {
  const outcomes: ReceiptOutcome[] = [];
  const lines = text.split(/\r?\n/);
  for (const [index, body] of lines.entries()) {
    if (body.trim().length === 0) continue;
    outcomes.push(await processReceipt(body, index + 1, context));
  }
  return outcomes;
}
