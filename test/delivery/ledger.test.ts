import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { appendFile, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import fc from "fast-check";
import { Ledger, foldLedger, readLedgerLine, type LedgerEvent } from "../../src/delivery/ledger.js";
import { clientTagger } from "../../src/delivery/client-tag.js";
import { keysFor } from "../helpers/keys.js";
import { ROOT, tempDir } from "../helpers/cli.js";

const BUNDLE = "01jabcdefghjkmnpqrstvwxyz0";
const KEY = "b0123456789abcdef0123456789abcd";

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(() => cleanup());

const sealed = (fu: string) =>
  ({ fu, ev: "sealed", bundle: BUNDLE, sha256: "a".repeat(64), client: "b".repeat(32), channel: "folder", channelType: "folder", items: 2, bytes: 1000, origin: "batch" }) as const;

describe("ledger", () => {
  it("appends fsync'd JSON lines and folds them into states", async () => {
    const ledger = new Ledger(join(dir, "ledger"));
    await ledger.append(sealed(KEY), new Date("2026-11-23T08:00:00Z"));
    await ledger.append({ fu: KEY, ev: "queued", due: "2026-11-23T09:00:00.000Z" });
    await ledger.append({ fu: KEY, ev: "sending", attempt: 1, pid: 42 });
    await ledger.append({ fu: KEY, ev: "part", part: "photo-1", id: "m1" });
    await ledger.append({ fu: KEY, ev: "sent", ids: ["x"] }, new Date("2026-11-23T09:00:01Z"));
    const state = await ledger.state(KEY);
    expect(state).toMatchObject({ state: "sent", bundle: BUNDLE, due: "2026-11-23T09:00:00.000Z", attempts: 1, ids: ["x"], sentAt: "2026-11-23T09:00:01.000Z" });
    expect(state?.parts.get("photo-1")).toBe("m1");
    const text = await readFile(ledger.file, "utf8");
    expect(text.endsWith("\n")).toBe(true);
    expect(text.split("\n").filter(Boolean)).toHaveLength(5);
    expect((await stat(ledger.file)).mode & 0o777).toBe(0o600);
  });

  it("holds no names and no content: only ids, hashes, times, states", async () => {
    const ledger = new Ledger(join(dir, "ledger"));
    const tag = await clientTagger(await keysFor())("k042");
    await ledger.append({ ...sealed(KEY), client: tag });
    const text = await readFile(ledger.file, "utf8");
    expect(text).not.toContain("k042");
    expect(tag).toMatch(/^[0-9a-f]{32}$/);
    // Invalid events (e.g. an alias smuggled into a field) are rejected by the schema.
    await expect(ledger.append({ ...sealed(KEY), client: "k042" })).rejects.toThrow();
  });

  it("ignores a torn last line and cuts it off before the next append", async () => {
    const ledger = new Ledger(join(dir, "ledger"));
    await ledger.append(sealed(KEY));
    await appendFile(ledger.file, '{"v":1,"at":"2026-11-23T08:00:00.000Z","fu":"' + KEY + '","ev":"que');
    const torn = await ledger.read();
    expect(torn.tornTail).toBe(true);
    expect(torn.events).toHaveLength(1);
    expect((await ledger.state(KEY))?.state).toBe("sealed");
    await ledger.append({ fu: KEY, ev: "queued", due: "2026-11-23T09:00:00.000Z" });
    const repaired = await ledger.read();
    expect(repaired).toMatchObject({ tornTail: false });
    expect(repaired.events.map((e) => e.ev)).toEqual(["sealed", "queued"]);
  });

  it("property: any prefix of a ledger file (a crash at any byte) reads as a prefix of its events", async () => {
    const ledger = new Ledger(join(dir, "ledger"));
    const evs = ["sealed", "queued", "sending", "sent"] as const;
    await ledger.append(sealed(KEY));
    await ledger.append({ fu: KEY, ev: "queued", due: "2026-11-23T09:00:00.000Z" });
    await ledger.append({ fu: KEY, ev: "sending", attempt: 1, pid: 1 });
    await ledger.append({ fu: KEY, ev: "sent", ids: ["/x/" + BUNDLE + ".age"] });
    const full = await readFile(ledger.file);
    const copy = new Ledger(join(dir, "copy"));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: full.length }), async (cut) => {
        await writeFile(join(dir, "copy", "events.jsonl"), full.subarray(0, cut)).catch(async () => {
          const { mkdir } = await import("node:fs/promises");
          await mkdir(join(dir, "copy"), { recursive: true });
          await writeFile(join(dir, "copy", "events.jsonl"), full.subarray(0, cut));
        });
        const read = await copy.read();
        expect(read.events.map((e) => e.ev)).toEqual(evs.slice(0, read.events.length));
        const wholeLines = full.subarray(0, cut).toString().split("\n").length - 1;
        expect(read.events).toHaveLength(wholeLines);
      }),
      { numRuns: 60 },
    );
  });

  it("a damaged line that is not the torn tail is refused, naming the file and the line (exit 5)", async () => {
    const ledger = new Ledger(join(dir, "ledger"));
    await ledger.append(sealed(KEY));
    await ledger.append({ fu: KEY, ev: "queued", due: "2026-11-23T09:00:00.000Z" });
    const text = await readFile(ledger.file, "utf8");
    // One flipped character in the first line: still JSON-ish, no longer an event.
    await writeFile(ledger.file, text.replace('"ev":"sealed"', '"ev":"sealeD"'));
    await expect(ledger.read()).rejects.toMatchObject({ key: "ledger.damaged", code: 5, params: { file: ledger.file, line: 1 } });
    await expect(ledger.states()).rejects.toMatchObject({ key: "ledger.damaged" });
  });

  it("a newer version's event (this envelope, an unknown name) is skipped and counted; anything else unknown is damage", async () => {
    const at = "2026-11-23T08:00:00.000Z";
    const line = (x: Record<string, unknown>) => JSON.stringify({ v: 1, at, ...x });
    expect(readLedgerLine(line({ ev: "pinned", ignorable: true, fu: KEY, anything: [1] }))).toBe("newer");
    expect(readLedgerLine(line({ ev: "shownTwice", ignorable: true, msgs: [] }))).toBe("newer");
    for (const damaged of [
      "not json",
      line({ ev: "queued", fu: KEY }), // a known event without its `due`
      line({ ev: "sant", fu: KEY }), // a damaged name ("sent"): not marked as one older versions may skip
      line({ ev: "pinned", fu: KEY }), // a newer event older versions must not skip
      line({ ev: "pinned", ignorable: "yes", fu: KEY }),
      line({ ev: "Queued", ignorable: true, fu: KEY, due: at }), // a known name but for one letter's case
      line({ ev: "queued", ignorable: true, fu: KEY, due: at }), // a known event with a field it does not have
      line({ ev: "pinned", ignorable: true, fu: "K042" }), // an id not in its form
      line({ ev: "pinned", ignorable: true, client: "k042" }),
      line({ ev: "pin ned", ignorable: true }),
      JSON.stringify({ v: 2, at, ev: "pinned", ignorable: true }), // another format: refused, as older versions must
      JSON.stringify({ v: 1, at: "today", ev: "pinned", ignorable: true }),
      "null",
    ]) expect(readLedgerLine(damaged), damaged).toBeUndefined();
    const ledger = new Ledger(join(dir, "ledger"));
    await ledger.append(sealed(KEY));
    await appendFile(ledger.file, line({ ev: "pinned", ignorable: true, fu: KEY }) + "\n");
    await ledger.append({ fu: KEY, ev: "queued", due: at });
    const read = await ledger.read();
    expect(read.newer).toBe(1);
    expect(read.events.map((e) => e.ev)).toEqual(["sealed", "queued"]);
  });

  it("folds failed, uncertain, released and cancelled", () => {
    const at = "2026-11-23T08:00:00.000Z";
    const e = (x: Partial<LedgerEvent> & { ev: LedgerEvent["ev"] }) => ({ v: 1, at, fu: KEY, ...x }) as LedgerEvent;
    const base = [e({ ...sealed(KEY) }), e({ ev: "queued", due: at } as never)];
    expect(foldLedger([...base, e({ ev: "failed", reason: "x", retryable: false } as never)]).get(KEY)).toMatchObject({ state: "failed", retryable: false });
    expect(foldLedger([...base, e({ ev: "sending", attempt: 1, pid: 1 } as never), e({ ev: "uncertain" })]).get(KEY)?.state).toBe("uncertain");
    expect(foldLedger([...base, e({ ev: "uncertain" }), e({ ev: "released" })]).get(KEY)?.state).toBe("queued");
    expect(foldLedger([...base, e({ ev: "cancelled" })]).get(KEY)?.state).toBe("cancelled");
  });

  it("keeps lines whole when several processes append at once", async () => {
    const ledgerDir = join(dir, "ledger");
    const script = `
      const { Ledger } = await import(${JSON.stringify(join(ROOT, "dist/delivery/ledger.js"))});
      const l = new Ledger(${JSON.stringify(ledgerDir)});
      const id = process.argv[1];
      for (let i = 0; i < 25; i++) await l.append({ fu: id, ev: "part", part: "p" + i, id: "m".repeat(200 + i) });`;
    const run = (id: string) =>
      new Promise<number>((resolve) => {
        const child = spawn(process.execPath, ["--input-type=module", "-e", script, id], { stdio: "inherit" });
        child.on("close", (code) => resolve(code ?? -1));
      });
    const ids = ["b" + "1".repeat(31), "b" + "2".repeat(31), "b" + "3".repeat(31), "b" + "4".repeat(31)];
    expect(await Promise.all(ids.map(run))).toEqual([0, 0, 0, 0]);
    const read = await new Ledger(ledgerDir).read();
    expect(read).toMatchObject({ tornTail: false });
    expect(read.events).toHaveLength(100);
    for (const id of ids) expect(read.events.filter((e) => "fu" in e && e.fu === id).map((e) => (e as { part: string }).part)).toEqual(Array.from({ length: 25 }, (_, i) => "p" + i));
  });

  it("lets only one process hold a follow-up's delivery lock", async () => {
    const ledger = new Ledger(join(dir, "ledger"));
    const release = await ledger.claim(KEY);
    const other = new Ledger(join(dir, "ledger"));
    const started = Date.now();
    let second = false;
    const waiting = other.claim(KEY).then(async (r) => {
      second = true;
      await r();
    });
    await new Promise((r) => setTimeout(r, 600));
    expect(second).toBe(false);
    await release();
    await waiting;
    expect(second).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
  });
});
