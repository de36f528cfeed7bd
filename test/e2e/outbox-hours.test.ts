/**
 * The outbox commands against contact hours and the practitioner's boundaries, through the real
 * CLI with the clock set (`NACHKLANG_NOW`): a follow-up rerouted outside contact hours waits for
 * the next opening as `outbox flush` would make it wait.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Ledger } from "../../src/delivery/ledger.js";
import { initHome, runCli } from "../helpers/cli.js";
import { queuedFollowUp } from "../helpers/outbox.js";

let home: string;
let cleanup: () => Promise<void>;
/** Monday 30 November 2026 in Berlin; contact hours mo-fr 09:00-18:00. */
const MONDAY_10 = { NACHKLANG_NOW: "2026-11-30T10:00:00+01:00" };
const MONDAY_19 = { NACHKLANG_NOW: "2026-11-30T19:00:00+01:00" };
const TUESDAY_10 = { NACHKLANG_NOW: "2026-12-01T10:00:00+01:00" };

async function ok(args: string[], env: Record<string, string> = MONDAY_10): Promise<string> {
  const r = await runCli(args, { home, env });
  expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

async function files(dir: string): Promise<string[]> {
  return existsSync(dir) ? (await readdir(dir)).sort() : [];
}

beforeAll(async () => {
  ({ home, cleanup } = await initHome());
  await ok(["hours", "set", "mo-fr 09:00-18:00", "--tz", "Europe/Berlin"]);
  await ok(["channels", "add", "folder", "--name", "zweit", "--path", join(home, "zweit")]);
});
afterAll(async () => {
  await cleanup();
});

/** A follow-up for a new client `alias`, queued on Monday for 11:00. */
const queued = (alias: string) => queuedFollowUp(home, alias, MONDAY_10, "2026-11-30T11:00:00+01:00");

describe("outbox reroute and contact hours", () => {
  it("outside contact hours re-addresses the follow-up and leaves it queued for the next opening", async () => {
    const fu = await queued("k1");
    const r = await runCli(["outbox", "reroute", fu.id, "--channel", "zweit"], { home, env: MONDAY_19 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(new RegExp(`^${fu.id} now goes to k1 through zweit; it is outside contact hours now, so it waits in the outbox for the next opening: .*2026-12-01 09:00`));
    // Nothing went out: queued, still in the outbox, nothing in the new channel's folder.
    expect((await new Ledger(join(home, "ledger")).state(fu.key))?.state).toBe("queued");
    expect(await files(join(home, "zweit"))).toEqual([]);
    expect(await files(join(home, "outbox"))).toContain(`${fu.id}.age`);
    // The next opening's flush delivers it through the new channel.
    const flush = await runCli(["outbox", "flush"], { home, env: TUESDAY_10 });
    expect(flush.code, flush.stderr).toBe(0);
    expect(flush.stdout).toContain(`k1: delivered via zweit (id ${fu.id})`);
    expect(await files(join(home, "zweit"))).toEqual([`${fu.id}.age`]);
  });

  it("inside contact hours delivers at once, as before", async () => {
    const fu = await queued("k2");
    const r = await runCli(["outbox", "reroute", fu.id, "--channel", "zweit"], { home, env: TUESDAY_10 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${fu.id} delivered to k2 through zweit`);
    expect((await new Ledger(join(home, "ledger")).state(fu.key))?.state).toBe("sent");
  });
});

describe("a damaged bundle met by the outbox commands", () => {
  /** Change bytes inside the sealed payload of a waiting follow-up. */
  async function damage(id: string): Promise<void> {
    const bundle = join(home, "outbox", `${id}.age`);
    const bytes = await readFile(bundle);
    bytes.fill(0x41, bytes.length - 40, bytes.length - 20);
    await writeFile(bundle, bytes);
  }

  it("outbox reroute exits 5 (integrity) with one line naming the follow-up", async () => {
    const fu = await queued("k3");
    await damage(fu.id);
    const r = await runCli(["outbox", "reroute", fu.id, "--channel", "zweit"], { home, env: TUESDAY_10 });
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr.trim().split("\n")).toEqual([expect.stringMatching(new RegExp(`^${fu.id} through zweit: FAILED `))]);
    expect(await files(join(home, "zweit"))).not.toContain(`${fu.id}.age`);
  });
});
