/**
 * Contact hours changed while a follow-up waits: it waits for the hours as they are when it would
 * go out, not as they were when it was queued (a day off added, a window narrowed). One planned
 * outside contact hours on purpose (`--now --at`) still goes when it is due.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateIdentity, identityToRecipient } from "../../src/age/index.js";
import { initHome, runCli } from "../helpers/cli.js";

describe("a follow-up queued for contact hours, the hours changed since", () => {
  let home: string;
  let cleanup: () => Promise<void>;
  const at = (now: string) => (args: string[]) => runCli(args, { home, env: { NACHKLANG_NOW: now } });
  const ok = async (now: string, args: string[]) => {
    const r = await at(now)(args);
    if (r.code !== 0) throw new Error(`${args.join(" ")}: ${r.stderr}`);
    return r.stdout;
  };
  const handedOver = async () => (await readdir(join(home, "handoff")).catch(() => [] as string[])).filter((f) => f.endsWith(".age"));

  beforeAll(async () => {
    ({ home, cleanup } = await initHome());
    const recipient = await identityToRecipient(generateIdentity());
    for (const args of [["client", "add", "k1", "--channel", "folder", "--age-recipient", recipient], ["consent", "record", "k1", "--channel", "folder"], ["hours", "set", "mo-fr 09:00-18:00", "--tz", "Europe/Berlin"]]) {
      await ok("2026-12-04T12:00:00+01:00", args);
    }
  });
  afterAll(() => cleanup());

  it("waits for the next opening under the new hours, and outbox list says when", async () => {
    // Friday evening: queued for Monday 09:00.
    const sent = JSON.parse(await ok("2026-12-04T19:00:00+01:00", ["--json", "send", "k1", "--note", "Schönes Wochenende", "--yes"])) as { id: string; due: string };
    expect(sent.due).toBe("2026-12-07T08:00:00.000Z");
    // Then Monday is no contact day any more.
    await ok("2026-12-05T10:00:00+01:00", ["hours", "set", "di-fr 09:00-18:00", "--tz", "Europe/Berlin"]);
    const list = await ok("2026-12-05T10:00:00+01:00", ["outbox", "list"]);
    expect(list).toMatch(/Tue 2026-12-08 09:00/);
    expect(await ok("2026-12-05T10:00:00+01:00", ["status", "k1"])).toMatch(/→ Tue 2026-12-08 09:00/);
    // Monday 09:10 and 23:30: nothing goes out.
    for (const now of ["2026-12-07T09:10:00+01:00", "2026-12-07T23:30:00+01:00"]) {
      const r = await at(now)(["outbox", "flush"]);
      expect(r.code, r.stderr).toBe(0);
      expect(await handedOver(), now).toEqual([]);
    }
    // Tuesday 09:05: it does.
    await ok("2026-12-08T09:05:00+01:00", ["outbox", "flush"]);
    expect(await handedOver()).toEqual([`${sent.id}.age`]);
  });

  it("one planned outside contact hours on purpose (--now --at a Sunday) goes when it is due", async () => {
    const before = await handedOver();
    const sent = JSON.parse(await ok("2026-12-11T12:00:00+01:00", ["--json", "send", "k1", "--note", "Sonntagsgruß", "--now", "--at", "2026-12-13 10:00", "--yes"])) as { id: string };
    await ok("2026-12-13T10:05:00+01:00", ["outbox", "flush"]);
    expect((await handedOver()).filter((f) => !before.includes(f))).toEqual([`${sent.id}.age`]);
  });

  it("one planned with --now at a time inside contact hours is an ordinary one: a late flush at night does not send it", async () => {
    const before = await handedOver();
    const sent = JSON.parse(await ok("2026-12-18T12:00:00+01:00", ["--json", "send", "k1", "--note", "Montag", "--now", "--at", "2026-12-22 11:00", "--yes"])) as { id: string };
    // Tuesday 23:00 (the computer was off all day): it waits for Wednesday.
    await ok("2026-12-22T23:00:00+01:00", ["outbox", "flush"]);
    expect((await handedOver()).filter((f) => !before.includes(f))).toEqual([]);
    await ok("2026-12-23T09:05:00+01:00", ["outbox", "flush"]);
    expect((await handedOver()).filter((f) => !before.includes(f))).toEqual([`${sent.id}.age`]);
  });
});

