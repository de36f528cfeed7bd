/**
 * Stable follow-up keys. A key names one follow-up in the ledger and the outbox; running the
 * same batch again finds the same keys and sends nothing twice.
 *
 * A batch entry's key is derived from the batch file's resolved path, the optional `run`
 * label, the client, the client's position among that client's entries, and the entry's
 * content after defaults (including the SHA-256 of every media file). It does not depend on
 * the channel (a follow-up that failed on one channel may be sent on another) nor on the
 * order of other clients. Editing an entry's content makes it a new follow-up.
 */
import { randomBytes } from "node:crypto";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";

/** JSON with sorted object keys, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

export interface BatchKeyInput {
  readonly batchFile: string;
  readonly run?: string;
  readonly client: string;
  /** 0 for the client's first entry in the file, 1 for the second, … */
  readonly occurrence: number;
  readonly content: unknown;
}

export function batchFollowUpKey(input: BatchKeyInput): string {
  const text = canonicalJson({ kind: "nachklang batch entry v1", ...input });
  return "b" + bytesToHex(sha256(utf8ToBytes(text))).slice(0, 31);
}

/** A fresh key for a follow-up sent on its own (`send`, `new`). */
export function singleFollowUpKey(): string {
  return "s" + randomBytes(16).toString("hex").slice(0, 31);
}
