/**
 * Clients in the ledger: a keyed hash of the alias, so `status ALIAS` and `history ALIAS` can
 * find a client's follow-ups while the ledger itself names nobody. The key is derived from the
 * practice's age identity (practice/keys.ts, purpose `ledger-client-tag`), so the hash is
 * computed where the keys are held — in this process or in the agent — and the key never
 * leaves there.
 */
import type { PracticeKeys } from "../practice/keys.js";

export type ClientTagger = (alias: string) => Promise<string>;

type Hasher = Pick<PracticeKeys, "keyedHashes">;

/** The tags of `aliases`, in order, in one request (HMAC-SHA-256, first 16 bytes, hex). */
export async function clientTags(keys: Hasher, aliases: readonly string[]): Promise<string[]> {
  if (aliases.length === 0) return [];
  const te = new TextEncoder();
  const hashes = await keys.keyedHashes(
    "ledger-client-tag",
    aliases.map((a) => te.encode(a)),
  );
  return hashes.map((h) => Buffer.from(h.subarray(0, 16)).toString("hex"));
}

/** A tagger that remembers what it computed; `known` (alias → tag) seeds it. */
export function clientTagger(keys: Hasher, known: ReadonlyMap<string, string> = new Map()): ClientTagger {
  const memo = new Map(known);
  return async (alias) => {
    const cached = memo.get(alias);
    if (cached !== undefined) return cached;
    const [tag] = await clientTags(keys, [alias]);
    memo.set(alias, tag!);
    return tag!;
  };
}
