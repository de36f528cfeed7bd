/**
 * Commands that change the practice's settings run one at a time (src/practice/settings-lock.ts):
 * started side by side from a script, every change survives — each of them read, changed and
 * wrote back a whole file (clients.age, config.json, groups.json), so all but the last change
 * were lost while every command exited 0. A lock left by a killed command does not block the
 * next one for long.
 */
import { mkdir, utimes } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initHome, runCli } from "../helpers/cli.js";

let home: string;
let cleanup: () => Promise<void>;

const cli = (args: string[]) => runCli(args, { home });
async function ok(args: string[]): Promise<string> {
  const r = await cli(args);
  expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

beforeAll(async () => {
  ({ home, cleanup } = await initHome());
});
afterAll(() => cleanup());

describe("commands that change the practice, side by side", () => {
  it("keeps every client added and every consent changed at the same time", async () => {
    await ok(["client", "add", "k0"]);
    await ok(["consent", "record", "k0", "--channel", "folder"]);
    const runs = await Promise.all([
      ...[1, 2, 3, 4, 5].map((n) => cli(["client", "add", `k${n}`])),
      // A withdrawal beside unrelated additions: it must hold, or the next send would go out.
      cli(["consent", "withdraw", "k0", "--channel", "folder"]),
    ]);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    expect((await ok(["client", "list"])).split("\n").filter(Boolean).map((l) => l.split("\t")[0])).toEqual(["k0", "k1", "k2", "k3", "k4", "k5"]);
    const sent = await cli(["send", "k0", "--note", "Hallo", "--channel", "folder", "--now", "--yes"]);
    expect(sent.code).toBe(4);
  });

  it("keeps every group and every day off added at the same time", async () => {
    await ok(["hours", "set", "mo-fr 09:00-18:00", "--tz", "Europe/Berlin"]);
    const runs = await Promise.all([
      ...[1, 2, 3, 4].map((n) => cli(["group", "add", `gruppe${n}`, "k1"])),
      ...["01", "02", "03", "04"].map((m) => cli(["hours", "off", `2027-${m}-01..2027-${m}-03`])),
    ]);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    expect((await ok(["group", "list"])).match(/^gruppe\d/gm)?.sort()).toEqual(["gruppe1", "gruppe2", "gruppe3", "gruppe4"]);
    const off = (await ok(["hours", "show"])).match(/2027-\d\d-01\.\.2027-\d\d-03/g) ?? [];
    expect(off.sort()).toEqual(["2027-01-01..2027-01-03", "2027-02-01..2027-02-03", "2027-03-01..2027-03-03", "2027-04-01..2027-04-03"]);
  });

  it("takes over the lock of a command that was killed while it held it", async () => {
    const lock = join(home, "settings.lock");
    await mkdir(lock);
    const past = new Date(Date.now() - 60_000);
    await utimes(lock, past, past);
    const started = Date.now();
    await ok(["client", "add", "k9"]);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
