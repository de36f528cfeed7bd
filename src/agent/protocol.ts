/**
 * What clients and the agent say to each other over the socket: one JSON object per line, bytes
 * in base64. Every request carries an `id` that its answer repeats; a connection may have many
 * requests open at once. Nothing in a request can make the agent give out a private key: it
 * unwraps file keys from X25519 (or hybrid post-quantum) stanzas, signs prehashes, computes keyed hashes, describes
 * itself, and locks.
 *
 *   → {"id":1,"op":"hello"}
 *   ← {"id":1,"ok":true,"hello":{"version":2,"pid":…,"home":…,"recipient":"age1…",…}}
 *   → {"id":2,"op":"unwrap","stanzas":[{"args":["X25519","…"],"body":"…"}]}
 *   ← {"id":2,"ok":true,"fileKey":"…"}            (or null: not the practice's)
 *   → {"id":3,"op":"sign","prehash":"…","comment":"timestamp:… file:manifest.json"}
 *   ← {"id":3,"ok":true,"signature":"…","globalSignature":"…"}
 *   → {"id":4,"op":"hash","purpose":"ledger-client-tag","messages":["…"]}
 *   ← {"id":4,"ok":true,"hashes":["…"]}
 *   → {"id":5,"op":"lock"}
 *   ← {"id":5,"ok":true}                          (then the agent wipes its keys and exits)
 *
 * `"use":false` on unwrap, sign or hash: not counted as use (the idle time runs on).
 *
 * A failure is `{"id":…,"ok":false,"error":"bad-request"|"invalid-stanza"|"locked"|"internal"}`.
 * A line that is not a request gets `bad-request` without an id, and the connection is closed.
 * When every connection slot is taken, a new connection gets `{"ok":false,"error":"busy"}`
 * (no id) before anything is asked, and is closed: the client waits and connects again.
 */
import { KEYED_HASH_PURPOSES, type KeyedHashPurpose } from "../practice/keys.js";

/** 2: the `batch-followup-key` hash purpose (an agent of version 1 refuses it as a bad request). */
export const PROTOCOL_VERSION = 2;
/** The longest line either side accepts; a longer one ends the connection. */
export const MAX_LINE = 1024 * 1024;
/** The most messages one hash request may carry (clients split longer lists). */
export const MAX_HASH_MESSAGES = 2048;
const MAX_STANZAS = 64;

export interface WireStanza {
  readonly args: string[];
  readonly body: string;
}

/** `use: false`: the request does not count as use (the idle time runs on; a command that only looks). */
export type Request =
  | { readonly id: number; readonly op: "hello" }
  | { readonly id: number; readonly op: "unwrap"; readonly stanzas: WireStanza[]; readonly use?: false }
  | { readonly id: number; readonly op: "sign"; readonly prehash: string; readonly comment: string; readonly use?: false }
  | { readonly id: number; readonly op: "hash"; readonly purpose: KeyedHashPurpose; readonly messages: string[]; readonly use?: false }
  | { readonly id: number; readonly op: "lock" };

/** What the agent says about itself (no secret). */
export interface Hello {
  readonly version: number;
  readonly pid: number;
  /** The home whose keys it holds. */
  readonly home: string;
  readonly recipient: string;
  readonly keyId: string;
  /** minisign key id (8 bytes) and Ed25519 public key (32 bytes), base64. */
  readonly signingKeyId: string;
  readonly publicKey: string;
  /** When it locks at the latest (ISO 8601), and when it locks if nobody uses it before. */
  readonly until: string;
  readonly idleUntil: string;
  readonly idleMinutes: number;
}

export type ErrorCode = "bad-request" | "invalid-stanza" | "locked" | "internal" | "busy";

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const isBase64 = (v: unknown, max: number): v is string => typeof v === "string" && v.length <= max && BASE64.test(v);
const isStringArray = (v: unknown, max: number): v is string[] => Array.isArray(v) && v.length <= max && v.every((s) => typeof s === "string" && s.length <= 4096);

/** A request line, checked field by field; undefined for anything else. */
export function parseRequest(line: string): Request | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isObject(value) || !Number.isSafeInteger(value.id)) return undefined;
  const id = value.id as number;
  const use = value.use === false ? { use: false as const } : {};
  switch (value.op) {
    case "hello":
    case "lock":
      return { id, op: value.op };
    case "unwrap": {
      const stanzas = value.stanzas;
      if (!Array.isArray(stanzas) || stanzas.length > MAX_STANZAS) return undefined;
      if (!stanzas.every((s) => isObject(s) && isStringArray(s.args, 16) && isBase64(s.body, 4096))) return undefined;
      return { id, op: "unwrap", stanzas: stanzas as WireStanza[], ...use };
    }
    case "sign":
      if (!isBase64(value.prehash, 128) || typeof value.comment !== "string" || value.comment.length > 4096) return undefined;
      return { id, op: "sign", prehash: value.prehash, comment: value.comment, ...use };
    case "hash": {
      const purpose = value.purpose as KeyedHashPurpose;
      if (!KEYED_HASH_PURPOSES.includes(purpose)) return undefined;
      const messages = value.messages;
      if (!Array.isArray(messages) || messages.length > MAX_HASH_MESSAGES || !messages.every((m) => isBase64(m, 8192))) return undefined;
      return { id, op: "hash", purpose, messages: messages, ...use };
    }
    default:
      return undefined;
  }
}

/**
 * Splits a byte stream into lines of at most MAX_LINE bytes. `push` returns the complete lines
 * so far, or undefined once a line grew too long (the connection is then closed).
 */
export class LineReader {
  #pending: Buffer[] = [];
  #length = 0;

  push(chunk: Buffer): string[] | undefined {
    const lines: string[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl >= 0; nl = chunk.indexOf(0x0a, start)) {
      const piece = chunk.subarray(start, nl);
      if (this.#length + piece.length > MAX_LINE) return undefined;
      lines.push(Buffer.concat([...this.#pending, piece]).toString("utf8"));
      this.#pending = [];
      this.#length = 0;
      start = nl + 1;
    }
    const rest = chunk.subarray(start);
    if (this.#length + rest.length > MAX_LINE) return undefined;
    if (rest.length > 0) {
      this.#pending.push(Buffer.from(rest));
      this.#length += rest.length;
    }
    return lines;
  }

  /** Whether part of a line has arrived and waits for its end. */
  get partial(): boolean {
    return this.#length > 0;
  }
}

export const b64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
export const unb64 = (text: string): Buffer => Buffer.from(text, "base64");
