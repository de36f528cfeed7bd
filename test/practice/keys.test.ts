/**
 * The practice's keys in this process (KeyringKeys): the keyed hashes are the ones ledgers and
 * media caches were made with before the agent (computed here as the old code did, with noble),
 * signatures are minisign's own, and wiping leaves nothing usable.
 */
import { createHash, createHmac } from "node:crypto";
import { hkdf } from "@noble/hashes/hkdf.js";
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { clientTags } from "../../src/delivery/client-tag.js";
import { nodeEd25519 } from "../../src/bundle/ed25519-node.js";
import { sign, signWith, verify } from "../../src/bundle/signature.js";
import { KeyringKeys } from "../../src/practice/keyring-keys.js";
import { KEYED_HASH_PURPOSES } from "../../src/practice/keys.js";
import { keyringFor } from "../helpers/keys.js";

/** The ledger's client tag as src/delivery/client-tag.ts computed it before the agent. */
function oldClientTag(ageIdentity: string, alias: string): string {
  const key = hkdf(sha256, utf8ToBytes(ageIdentity), new Uint8Array(0), utf8ToBytes("nachklang ledger client tag v1"), 32);
  return bytesToHex(hmac(sha256, key, utf8ToBytes(alias)).subarray(0, 16));
}

/** The media cache's entry name as src/media/cache.ts computed it before the agent. */
function oldCacheName(ageIdentity: string, material: string): string {
  const nameKey = createHash("sha256").update("nachklang-media-cache/1 names\0").update(ageIdentity).digest();
  return createHmac("sha256", nameKey).update(material).digest("hex");
}

describe("KeyringKeys", () => {
  it("property: client tags and cache names are those of existing ledgers and caches", async () => {
    const keyring = await keyringFor();
    const keys = new KeyringKeys(keyring);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ unit: "grapheme", maxLength: 40 }), { maxLength: 5 }), async (texts) => {
        expect(await clientTags(keys, texts)).toEqual(texts.map((a) => oldClientTag(keyring.ageIdentity, a)));
        const names = await keys.keyedHashes("media-cache-name", texts.map((t) => new TextEncoder().encode(t)));
        expect(names.map((n) => Buffer.from(n).toString("hex"))).toEqual(texts.map((t) => oldCacheName(keyring.ageIdentity, t)));
      }),
      { numRuns: 50 },
    );
  });

  it("keeps the purposes apart: the same message gives different hashes", async () => {
    const keys = new KeyringKeys(await keyringFor());
    const m = [new TextEncoder().encode("k042")];
    const hashes = await Promise.all(KEYED_HASH_PURPOSES.map(async (p) => Buffer.from((await keys.keyedHashes(p, m))[0]!).toString("hex")));
    expect(new Set(hashes).size).toBe(KEYED_HASH_PURPOSES.length);
  });

  it("derives the batch key as written down: HKDF-SHA-256 of the identity, info 'nachklang batch follow-up key v1'", async () => {
    const keyring = await keyringFor();
    const keys = new KeyringKeys(keyring);
    const key = hkdf(sha256, utf8ToBytes(keyring.ageIdentity), new Uint8Array(0), utf8ToBytes("nachklang batch follow-up key v1"), 32);
    const m = sha256(utf8ToBytes("entry"));
    const [h] = await keys.keyedHashes("batch-followup-key", [m]);
    expect(bytesToHex(h!)).toBe(bytesToHex(hmac(sha256, key, m)));
  });

  it("signs as minisign does with the secret key, and the signature verifies", async () => {
    const keyring = await keyringFor();
    const keys = new KeyringKeys(keyring);
    const manifest = new TextEncoder().encode('{"items":[]}\n');
    const comment = "timestamp:1764000000 file:manifest.json";
    const text = await signWith(keys.signer, manifest, comment);
    expect(text).toBe(sign(keyring.signing, manifest, comment, nodeEd25519));
    expect(verify(keys.signer, manifest, text, nodeEd25519)).toEqual({ keyId: keyring.keyId, trustedComment: comment });
    await expect(signWith(keys.signer, manifest, "two\nlines")).rejects.toThrow(/one line/);
  });

  it("after wipe(), nothing works and the seed it held is zero", async () => {
    const keyring = await keyringFor();
    const keys = new KeyringKeys(keyring);
    keys.wipe();
    expect(() => keys.signPrehashed(new Uint8Array(64), "x")).toThrow(/wiped/);
    await expect(keys.keyedHashes("ledger-client-tag", [])).rejects.toThrow(/wiped/);
    expect(() => keys.identity.unwrapFileKey([])).toThrow(/wiped/);
    // The keyring it was made from is the caller's and stays intact (the agent's input is dropped).
    expect(keyring.signing.seed.some((b) => b !== 0)).toBe(true);
  });
});
