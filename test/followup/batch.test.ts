import { createHash } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { BatchInvalid, readBatchFile } from "../../src/followup/batch.js";
import { readSeriesFile } from "../../src/followup/series.js";
import fc from "fast-check";
import { batchFollowUpKeys, canonicalJson, resolveBatchKey, type BatchKeyInput } from "../../src/followup/keys.js";
import type { FollowUpState } from "../../src/delivery/ledger.js";
import { keysFor } from "../helpers/keys.js";
import { tempDir } from "../helpers/cli.js";

const labels = { entry: (n: number, c: string) => `entry ${n} (${c})`, line: (n: number, c: string) => `line ${n} (${c})` };
let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(() => cleanup());

async function invalid(name: string, text: string): Promise<BatchInvalid> {
  await writeFile(join(dir, name), text);
  try {
    await readBatchFile(join(dir, name), labels);
  } catch (error) {
    if (error instanceof BatchInvalid) return error;
    throw error;
  }
  throw new Error("expected BatchInvalid");
}

describe("batch files", () => {
  it("reads YAML with defaults, relative paths and per-entry overrides", async () => {
    await writeFile(
      join(dir, "b.yaml"),
      `defaults:
  channel: folder
  audio: [exercises/sicherer-ort.wav]
  homework: { id: resource-diary, vars: { days: 7 } }
followups:
  - client: k001
    photos: [boards/k001.jpg, { path: boards/k001b.jpg, caption: "Genogramm" }]
    note: "Schön, dass Sie heute da waren."
    impulses: [{ kind: quote, text: "Der Weg entsteht im Gehen." }]
  - client: k002
    homework: breathing
  - client: k001
    audio: []
`,
    );
    const batch = await readBatchFile(join(dir, "b.yaml"), labels);
    expect(batch.format).toBe("yaml");
    const [a, b, c] = batch.entries;
    expect(a?.draft).toMatchObject({
      client: "k001",
      channel: "folder",
      audio: [{ path: join(dir, "exercises/sicherer-ort.wav") }],
      photos: [{ path: join(dir, "boards/k001.jpg") }, { path: join(dir, "boards/k001b.jpg"), caption: "Genogramm" }],
      homework: { id: "resource-diary", vars: { days: "7" } },
      impulses: [{ kind: "quote", text: "Der Weg entsteht im Gehen." }],
    });
    expect(b?.draft.homework).toEqual({ id: "breathing", vars: {} });
    expect(c?.draft.audio).toEqual([]);
    expect([a?.occurrence, b?.occurrence, c?.occurrence]).toEqual([0, 0, 1]);
  });

  it("reads CSV with var.NAME columns", async () => {
    await writeFile(join(dir, "b.csv"), "client,homework,note,channel,var.days\nk001,resource-diary,Bis bald,folder,7\nk002,,,,\n");
    const batch = await readBatchFile(join(dir, "b.csv"), labels);
    expect(batch.entries.map((e) => e.draft)).toMatchObject([
      { client: "k001", homework: { id: "resource-diary", vars: { days: "7" } }, note: "Bis bald", channel: "folder" },
      { client: "k002", photos: [], audio: [] },
    ]);
    expect(batch.entries[1]?.where).toBe("line 3 (k002)");
  });

  it("reports every structural problem at once, with where it is", async () => {
    const e = await invalid(
      "bad.yaml",
      `followups:
  - client: k001
    foto: [a.jpg]
  - note: "no client"
  - client: k003
    impulses: [{ kind: poem, text: "x" }]
  - client: k004
    photos: "not a list"
`,
    );
    expect(e.problems.map((p) => [p.where, p.key])).toEqual([
      ["entry 1 (k001)", "batch.unknownKey"],
      ["entry 2 (?)", "batch.missingField"],
      ["entry 3 (k003)", "batch.badImpulseKind"],
      ["entry 4 (k004)", "batch.badField"],
    ]);
  });

  it("names a row with a stray comma and an unclosed quote in words, with the line", async () => {
    const comma = await invalid("comma.csv", "client,note\nk1,Hallo, bis bald\n");
    expect(comma.problems).toEqual([{ where: "", key: "batch.csvRowLength", params: { line: 2, got: 3, expected: 2 } }]);
    const quote = await invalid("quote.csv", "client,note\nk1,ok\nk2,\"open\n");
    expect(quote.problems).toEqual([{ where: "", key: "batch.csvQuote", params: { line: 3 } }]);
  });

  it("refuses a batch or series file that is not UTF-8 instead of sending its notes garbled", async () => {
    for (const name of ["w.csv", "w.yaml"]) {
      const text = name.endsWith(".csv") ? "client,note\nk1,Schön\n" : "followups:\n  - client: k1\n    note: Schön\n";
      await writeFile(join(dir, name), Buffer.from(text, "latin1"));
      await expect(readBatchFile(join(dir, name), labels)).rejects.toMatchObject({ key: "file.notUtf8", code: 2 });
    }
    await expect(readSeriesFile(join(dir, "w.yaml"), "k1", labels.entry)).rejects.toMatchObject({ key: "file.notUtf8" });
  });

  it("reports YAML syntax errors with the line, CSV header problems by column", async () => {
    expect((await invalid("s.yaml", "followups:\n  - client: [k1\n")).problems[0]?.key).toBe("batch.yamlSyntax");
    // The line where the mistake is (the third entry's note is indented one space too few), not 0.
    const late = await invalid("late.yaml", "followups:\n  - client: k1\n    note: a\n  - client: k2\n   note: b\n");
    expect(late.problems[0]).toMatchObject({ key: "batch.yamlSyntax", params: { line: 5 } });
    await writeFile(join(dir, "series.yaml"), "start: 2027-01-04 09:00\nevery: 1w\nfollowups:\n  - note: a\n - note: b\n");
    const series = await readSeriesFile(join(dir, "series.yaml"), "k1", labels.entry).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(series).toBeInstanceOf(BatchInvalid);
    expect((series as BatchInvalid).problems[0]).toMatchObject({ key: "batch.yamlSyntax", params: { line: 5 } });
    const csv = await invalid("h.csv", "alias,homework,colour\nk1,x,red\n");
    expect(csv.problems.map((p) => p.key)).toEqual(["batch.csvNoClient", "batch.csvUnknownColumns"]);
    // Every column the reader takes is named as allowed (kind and homework.lang were left out).
    expect(String(csv.problems[1]?.params.allowed).split(", ")).toEqual(["client", "kind", "homework", "homework.lang", "note", "channel", "photos", "audio", "appointment", "var.NAME"]);
    // A header alone has a client column: only "no follow-ups" is said.
    expect((await invalid("hdr.csv", "client,note\n")).problems.map((p) => p.key)).toEqual(["batch.empty"]);
    // A column named twice kept the last one's values, silently.
    const twice = await invalid("twice.csv", "client,note,note,var.d,var.d,photos\nk1,a,b,1,2,\n");
    expect(twice.problems).toEqual([{ where: "", key: "batch.csvColumnTwice", params: { columns: "note, var.d", count: 2 } }]);
    const vars = await invalid("v.csv", "client,var.days\nk1,3\n");
    expect(vars.problems[0]).toMatchObject({ where: "line 2 (k1)", key: "batch.varsWithoutHomework" });
  });

  it("gives stable keys that change with content but not with the channel or other clients", async () => {
    const keys = await keysFor();
    const key = async (input: BatchKeyInput) => (await batchFollowUpKeys(keys, [input]))[0]!.key;
    const base = { batchFile: "/p/b.yaml", client: "k001", occurrence: 0, content: { note: "a", photos: [{ sha256: "x" }] } };
    const k = await key(base);
    expect(k).toMatch(/^b[0-9a-f]{31}$/);
    expect(await key({ ...base, content: { photos: [{ sha256: "x" }], note: "a" } })).toBe(k);
    expect(await key({ ...base, content: { note: "b", photos: [{ sha256: "x" }] } })).not.toBe(k);
    expect(await key({ ...base, occurrence: 1 })).not.toBe(k);
    expect(await key({ ...base, run: "2026-11-23" })).not.toBe(k);
    expect(await key({ ...base, batchFile: "/p/other.yaml" })).not.toBe(k);
    expect(canonicalJson({ b: 1, a: [1, { d: undefined, c: 2 }] })).toBe('{"a":[1,{"c":2}],"b":1}');
  });

  it("property: a key depends on the practice's keys — stable for one practice, another for the next, never the plain hash", async () => {
    const [mine, theirs] = [await keysFor(), await keysFor()];
    const input = fc.record(
      {
        batchFile: fc.string({ minLength: 1, maxLength: 30 }),
        run: fc.string({ maxLength: 10 }),
        client: fc.string({ minLength: 1, maxLength: 8 }),
        occurrence: fc.nat(5),
        content: fc.record({ note: fc.string({ maxLength: 5000 }), vars: fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 20 })) }),
      },
      { requiredKeys: ["batchFile", "client", "occurrence", "content"] },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(input, { minLength: 1, maxLength: 4 }), async (inputs) => {
        const a = await batchFollowUpKeys(mine, inputs);
        const again = await batchFollowUpKeys(mine, inputs);
        const b = await batchFollowUpKeys(theirs, inputs);
        expect(again).toEqual(a);
        for (const [i, x] of inputs.entries()) {
          // What keys were before: plain SHA-256 of the entry's canonical text (computed here, not by the code under test).
          const plain = "b" + createHash("sha256").update(canonicalJson({ kind: "nachklang batch entry v1", ...x })).digest("hex").slice(0, 31);
          expect(a[i]!.key).toMatch(/^b[0-9a-f]{31}$/);
          expect(a[i]!.key).not.toBe(b[i]!.key);
          expect(a[i]!.key).not.toBe(plain);
          // Without another position, the plain hash is the one older key to look up.
          expect(a[i]!.legacy).toEqual([plain]);
          expect(b[i]!.legacy).toEqual([plain]);
        }
      }),
      { numRuns: 50 },
    );
  });

  it("resolves to a legacy key only when the ledger knows it and not the keyed one, the first one known", () => {
    const [plain, positioned] = ["b" + "2".repeat(31), "b" + "3".repeat(31)];
    const keys = { key: "b" + "1".repeat(31), legacy: [plain, positioned] };
    const known = (...ks: string[]) => new Map(ks.map((k) => [k, { key: k } as FollowUpState]));
    expect(resolveBatchKey(known(), keys)).toBe(keys.key);
    expect(resolveBatchKey(known(plain), keys)).toBe(plain);
    expect(resolveBatchKey(known(positioned), keys)).toBe(positioned);
    expect(resolveBatchKey(known(keys.key, plain), keys)).toBe(keys.key);
    expect(resolveBatchKey(known(keys.key), keys)).toBe(keys.key);
  });

  it("finds a follow-up an older version keyed by the client's position among all their entries", async () => {
    const keys = await keysFor();
    const input = { batchFile: "/p/b.yaml", client: "k002", occurrence: 0, content: { note: "Übung B" } };
    // Second of k002's entries then, the only one with this content now.
    const [now] = await batchFollowUpKeys(keys, [input], [1]);
    const [before] = await batchFollowUpKeys(keys, [{ ...input, occurrence: 1 }]);
    expect(now!.key).not.toBe(before!.key);
    expect(now!.legacy).toContain(before!.key);
    expect(now!.legacy).toContain(before!.legacy[0]);
  });
});
