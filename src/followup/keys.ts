/**
 * Stable follow-up keys. A key names one follow-up in the ledger and the outbox; running the
 * same batch again finds the same keys and sends nothing twice.
 *
 * A batch entry's key is derived from the batch file's resolved path, the optional `run`
 * label, the client, the entry's content after defaults (including the SHA-256 of every media
 * file) and how many of that client's entries before it have the same content (0 unless the file
 * holds the same entry twice). It does not depend on the channel (a follow-up that failed on one
 * channel may be sent on another), on other clients' entries, nor on the client's other entries:
 * removing an entry that went out does not change the others' keys. Editing an entry's content
 * makes it a new follow-up. Versions before 2026-12-08 counted the client's position among all
 * their entries instead; those keys are looked up too (`legacy`).
 *
 * The key is a keyed hash (HMAC-SHA-256 under the practice's `batch-followup-key` key, computed
 * where the keys are held: this process or the agent), because it is stored at rest: a plain
 * hash would let anyone holding the ledger confirm a guess of a client and the content they were
 * sent. Keys made before that were plain SHA-256 of the same text; `legacyBatchFollowUpKey`
 * still finds them, for lookup only (docs/decisions/keyed-batch-keys.md).
 */
import { randomBytes } from "node:crypto";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import type { FollowUpState } from "../delivery/ledger.js";
import type { PracticeKeys } from "../practice/keys.js";

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
  /** 0 for the client's first entry with this content, 1 for a second one the same, … */
  readonly occurrence: number;
  readonly content: unknown;
  /** A step of a `series:` entry: which entry, which step (steps of equal content stay apart). */
  readonly step?: { readonly entry: number; readonly step: number };
}

/** A batch entry's keys: the one it is stored under, and those older versions used. */
export interface BatchKeys {
  readonly key: string;
  /**
   * Only for finding follow-ups older versions sealed; never written for a new one: the plain
   * hash (before keys were keyed), and the keyed and plain keys with the client's position
   * among all their entries (before 2026-12-08), in that order.
   */
  readonly legacy: readonly string[];
}

/**
 * SHA-256 of the entry's canonical text. Its first 31 hex digits were the key before keys were
 * keyed; the keyed key is the HMAC of this digest, so the agent gets 32 bytes per entry — never
 * an entry's content, and never more than its requests carry (protocol.ts), however long a note.
 */
function entryDigest(input: BatchKeyInput): Uint8Array {
  return sha256(utf8ToBytes(canonicalJson({ kind: "nachklang batch entry v1", ...input })));
}

const shape = (hash: Uint8Array): string => "b" + bytesToHex(hash).slice(0, 31);

type Hasher = Pick<PracticeKeys, "keyedHashes">;

/**
 * The keys of `inputs`, in order, in one request to where the practice keys are held. Equal
 * inputs give equal keys for one practice; another practice's keys differ. `positions`: each
 * entry's position among its client's entries, for the keys older versions derived from it.
 */
export async function batchFollowUpKeys(keys: Hasher, inputs: readonly BatchKeyInput[], positions: readonly number[] = inputs.map((i) => i.occurrence)): Promise<BatchKeys[]> {
  if (inputs.length === 0) return [];
  const digests = inputs.map(entryDigest);
  // The same entries as versions before 2026-12-08 derived them: by the client's position, with no step.
  const earlier = inputs.map((input, i) => entryDigest({ ...input, step: undefined, occurrence: positions[i] ?? input.occurrence }));
  const hashes = await keys.keyedHashes("batch-followup-key", [...digests, ...earlier]);
  return digests.map((_, i) => {
    const key = shape(hashes[i]!);
    // Keyed by position (2026-12-06 to 12-07), and the plain hash before keys were keyed.
    const legacy = [shape(hashes[inputs.length + i]!), shape(earlier[i]!)];
    return { key, legacy: [...new Set(legacy)].filter((k) => k !== key) };
  });
}

export interface BatchSeriesInput {
  readonly batchFile: string;
  readonly run?: string;
  /** The series entry's position in the file (1 for the first entry). */
  readonly entry: number;
}

/**
 * The ids of `series:` entries (12 hex digits, `outbox cancel --series ID`), keyed like the
 * follow-up keys: the id is in the ledger, and the file's path may name a client. Stable for
 * the file, its run label and the entry's position, so a re-run finds the same.
 */
export async function batchSeriesIds(keys: Hasher, inputs: readonly BatchSeriesInput[]): Promise<string[]> {
  if (inputs.length === 0) return [];
  const digests = inputs.map((s) => sha256(utf8ToBytes(canonicalJson({ kind: "nachklang batch series v2", batchFile: s.batchFile, run: s.run, entry: s.entry }))));
  return (await keys.keyedHashes("batch-followup-key", digests)).map((h) => bytesToHex(h).slice(0, 12));
}

/**
 * The key to use for a batch entry, given the ledger's follow-ups: a legacy key when only it is
 * known (a follow-up an older version sealed continues under the key it has), else the keyed
 * one — which every new follow-up gets.
 */
export function resolveBatchKey(known: ReadonlyMap<string, FollowUpState>, keys: BatchKeys): string {
  if (known.has(keys.key)) return keys.key;
  return keys.legacy.find((k) => known.has(k)) ?? keys.key;
}

/** A fresh key for a follow-up sent on its own (`send`, `new`). */
export function singleFollowUpKey(): string {
  return "s" + randomBytes(16).toString("hex").slice(0, 31);
}
