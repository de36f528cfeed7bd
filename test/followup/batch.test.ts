import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { BatchInvalid, readBatchFile } from "../../src/followup/batch.js";
import { readSeriesFile } from "../../src/followup/series.js";
import { batchFollowUpKey, canonicalJson } from "../../src/followup/keys.js";
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
    const vars = await invalid("v.csv", "client,var.days\nk1,3\n");
    expect(vars.problems[0]).toMatchObject({ where: "line 2 (k1)", key: "batch.varsWithoutHomework" });
  });

  it("gives stable keys that change with content but not with the channel or other clients", () => {
    const base = { batchFile: "/p/b.yaml", client: "k001", occurrence: 0, content: { note: "a", photos: [{ sha256: "x" }] } };
    const k = batchFollowUpKey(base);
    expect(k).toMatch(/^b[0-9a-f]{31}$/);
    expect(batchFollowUpKey({ ...base, content: { photos: [{ sha256: "x" }], note: "a" } })).toBe(k);
    expect(batchFollowUpKey({ ...base, content: { note: "b", photos: [{ sha256: "x" }] } })).not.toBe(k);
    expect(batchFollowUpKey({ ...base, occurrence: 1 })).not.toBe(k);
    expect(batchFollowUpKey({ ...base, run: "2026-11-23" })).not.toBe(k);
    expect(batchFollowUpKey({ ...base, batchFile: "/p/other.yaml" })).not.toBe(k);
    expect(canonicalJson({ b: 1, a: [1, { d: undefined, c: 2 }] })).toBe('{"a":[1,{"c":2}],"b":1}');
  });
});
