/**
 * The ledger's purge records, in process: a purge removes exactly the lines named and nothing
 * else, and `verifyLedger` finds every way the result could be tampered with — a forged or
 * altered record, a record taken out of the chain, a line changed before the purge point — while
 * accepting lines appended afterwards.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import fc from "fast-check";
import { appendFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nodeEd25519 } from "../../src/bundle/ed25519-node.js";
import { formatKeyId, generateSigningKey, sign, verify } from "../../src/bundle/signature.js";
import { purgeLedger, verifyLedger, type LedgerSigner, type LedgerVerifier } from "../../src/records/ledger-purge.js";

const practice = generateSigningKey(nodeEd25519);
const stranger = generateSigningKey(nodeEd25519);
const signerOf = (key: typeof practice): LedgerSigner => ({ keyId: formatKeyId(key.keyId), sign: (m, c) => sign(key, m, c, nodeEd25519) });
const verifier: LedgerVerifier = { keyId: formatKeyId(practice.keyId), verify: (m, s) => void verify(practice, m, s, nodeEd25519) };

const tag = (n: number) => n.toString(16).padStart(32, "0");
const fu = (n: number) => `fu${n.toString().padStart(14, "0")}`;
function sealed(n: number, client: number): string {
  return JSON.stringify({
    v: 1, at: "2026-12-01T10:00:00.000Z", fu: fu(n), ev: "sealed", bundle: n.toString().padStart(26, "0"), sha256: "a".repeat(64),
    client: tag(client), channel: "folder", channelType: "folder", items: 0, bytes: 10, origin: "send",
  });
}
const sent = (n: number) => JSON.stringify({ v: 1, at: "2026-12-01T10:01:00.000Z", fu: fu(n), ev: "sent", ids: ["x"] });

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "ledger-purge-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function ledger(lines: string[]): Promise<void> {
  await writeFile(join(dir, "events.jsonl"), lines.map((l) => l + "\n").join(""));
}
const now = new Date("2037-12-10T10:00:00Z");

describe("purging the ledger", () => {
  it("removes exactly the lines of the named follow-ups and clients, in order, for any mix", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 12 }), fc.subarray([0, 1, 2, 3]), async (owners, gone) => {
        const lines = owners.flatMap((client, n) => [sealed(n, client), sent(n)]);
        await ledger(lines);
        await rm(join(dir, "purges.jsonl"), { force: true });
        const followUps = new Set(owners.flatMap((client, n) => (gone.includes(client) ? [fu(n)] : [])));
        const result = await purgeLedger(dir, followUps, new Set(gone.map(tag)), signerOf(practice), now);
        const expected = lines.filter((_, i) => !gone.includes(owners[Math.floor(i / 2)]!));
        const after = (await readFile(join(dir, "events.jsonl"), "utf8")).split("\n").filter(Boolean);
        expect(after).toEqual(expected);
        expect(result.removedLines).toBe(lines.length - expected.length);
        expect((await verifyLedger(dir, verifier)).problems).toEqual([]);
      }),
      { numRuns: 25 },
    );
  });

  it("finds tampering, and accepts lines appended after a purge", async () => {
    await ledger([sealed(1, 1), sent(1), sealed(2, 2), sent(2), sealed(3, 3)]);
    await purgeLedger(dir, new Set([fu(1)]), new Set([tag(1)]), signerOf(practice), now);
    await purgeLedger(dir, new Set([fu(2)]), new Set([tag(2)]), signerOf(practice), now);
    await appendFile(join(dir, "events.jsonl"), sent(3) + "\n");
    const good = await verifyLedger(dir, verifier);
    expect(good).toMatchObject({ lines: 2, damaged: 0, purges: 2, problems: [] });

    const events = await readFile(join(dir, "events.jsonl"), "utf8");
    const purges = await readFile(join(dir, "purges.jsonl"), "utf8");
    const problems = async () => (await verifyLedger(dir, verifier)).problems.map((p) => p.key);

    // A line before the purge point changed.
    await writeFile(join(dir, "events.jsonl"), events.replace('"bytes":10', '"bytes":11'));
    expect(await problems()).toEqual(["ledger.verify.prefix"]);
    await writeFile(join(dir, "events.jsonl"), events);

    // A record altered, forged by another key, or removed from the chain.
    const [first, second] = purges.trim().split("\n") as [string, string];
    const altered = JSON.parse(second) as { summary: string; signature: string };
    await writeFile(join(dir, "purges.jsonl"), `${first}\n${JSON.stringify({ ...altered, summary: altered.summary.replace('"lines":2', '"lines":3') })}\n`);
    expect(await problems()).toContain("ledger.verify.signature");
    const forged = { ...altered, signature: sign(stranger, new TextEncoder().encode(altered.summary), "x", nodeEd25519) };
    await writeFile(join(dir, "purges.jsonl"), `${first}\n${JSON.stringify(forged)}\n`);
    expect(await problems()).toContain("ledger.verify.signature");
    await writeFile(join(dir, "purges.jsonl"), `${second}\n`);
    expect(await problems()).toEqual(["ledger.verify.chain"]);
    await writeFile(join(dir, "purges.jsonl"), purges);

    // A newer version's event is no damage; a line that is no event is.
    await appendFile(join(dir, "events.jsonl"), '{"v":1,"at":"2026-11-23T08:00:00.000Z","ev":"pinned","ignorable":true}\n');
    expect(await verifyLedger(dir, verifier)).toMatchObject({ lines: 3, damaged: 0, problems: [] });
    await appendFile(join(dir, "events.jsonl"), '{"v":1,"ev":"nonsense"}\n');
    expect(await problems()).toEqual(["ledger.verify.damaged"]);
  });

  it("finds removed lines copied back after the purge, but takes a new client's lines under the same tag", async () => {
    await ledger([sealed(1, 1), sent(1), sealed(2, 2)]);
    const before = await readFile(join(dir, "events.jsonl"), "utf8");
    await purgeLedger(dir, new Set([fu(1)]), new Set([tag(1)]), signerOf(practice), now);
    // Appended after the kept prefix, the old lines passed the prefix check.
    await appendFile(join(dir, "events.jsonl"), before);
    const check = await verifyLedger(dir, verifier);
    expect(check.problems).toEqual([{ key: "ledger.verify.resurrected", detail: "2" }]);
    // A client added later under the same alias (the same tag): lines dated after the purge.
    await ledger([sealed(2, 2)]);
    await purgeLedger(dir, new Set(), new Set([tag(2)]), signerOf(practice), now);
    const later = JSON.parse(sealed(5, 2)) as Record<string, unknown>;
    await appendFile(join(dir, "events.jsonl"), JSON.stringify({ ...later, at: "2038-01-05T09:00:00.000Z" }) + "\n");
    expect((await verifyLedger(dir, verifier)).problems).toEqual([]);
  });

  it("a purge with nothing to remove changes nothing and signs nothing", async () => {
    await ledger([sealed(1, 1)]);
    const result = await purgeLedger(dir, new Set(), new Set([tag(9)]), signerOf(practice), now);
    expect(result).toEqual({ removedLines: 0, summary: undefined });
    await expect(readFile(join(dir, "purges.jsonl"))).rejects.toThrow();
  });
});
