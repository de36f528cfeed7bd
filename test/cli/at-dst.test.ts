/**
 * `--at` on the nights the clocks change, through the real CLI: a time in the hour that repeats
 * is its first occurrence (as contact-hour windows take it); a time that is skipped is refused
 * in one line, and nothing is sealed or queued. An appointment and a series file's `at:` are read
 * the same way.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateIdentity, identityToRecipient } from "../../src/age/index.js";
import { initHome, runCli, writeText } from "../helpers/cli.js";

describe("send --at in the hours the clocks change (Europe/Berlin)", () => {
  let home: string;
  let cleanup: () => Promise<void>;
  const cli = (args: string[]) => runCli(args, { home, env: { NACHKLANG_NOW: "2026-03-20T10:00:00+01:00" } });

  beforeAll(async () => {
    ({ home, cleanup } = await initHome());
    const recipient = await identityToRecipient(generateIdentity());
    for (const args of [["client", "add", "k1", "--channel", "folder", "--age-recipient", recipient], ["consent", "record", "k1", "--channel", "folder"], ["hours", "set", "mo-so 00:00-24:00", "--tz", "Europe/Berlin"]]) {
      const r = await cli(args);
      if (r.code !== 0) throw new Error(`${args.join(" ")}: ${r.stderr}`);
    }
  });
  afterAll(() => cleanup());

  it("a skipped time: one line naming the time the clocks jump to, exit 2, nothing queued", async () => {
    const r = await cli(["send", "k1", "--note", "Hallo", "--at", "2026-03-29 02:30", "--yes"]);
    expect(r.code, r.stdout).toBe(2);
    expect(r.stderr).toBe("'2026-03-29 02:30' does not exist in Europe/Berlin: the clocks jump forward that night, to 2026-03-29 03:00. Please give a time before or after.\n");
    expect(await readdir(join(home, "outbox")).catch(() => [])).toEqual([]);
  });

  const SKIPPED = "'2026-03-29 02:30' does not exist in Europe/Berlin: the clocks jump forward that night, to 2026-03-29 03:00. Please give a time before or after.";

  it("an appointment at a skipped time: the same line, exit 2, nothing queued", async () => {
    // Before the fix the appointment was moved an hour on silently (03:30) and sent.
    const r = await cli(["send", "k1", "--note", "Hallo", "--appointment", "2026-03-29 02:30", "--yes"]);
    expect(r.code, r.stdout).toBe(2);
    expect(r.stderr).toBe(SKIPPED + "\n");
    expect(await readdir(join(home, "outbox")).catch(() => [])).toEqual([]);
  });

  it("a series step at a skipped time: the same line, not 'is not a time'", async () => {
    const file = await writeText(join(home, "..", "dst-series.yaml"), `series:\n  - at: "2026-03-29 02:30"\n    note: "Hallo"\n`);
    const r = await cli(["send", "k1", "--series", file, "--yes"]);
    expect(r.code, r.stdout).toBe(2);
    expect(r.stderr).toContain(`entry 1 (k1): ${SKIPPED}\n`);
    expect(await readdir(join(home, "outbox")).catch(() => [])).toEqual([]);
  });

  it("a repeated time: its first occurrence (+02:00)", async () => {
    const r = await cli(["--json", "send", "k1", "--note", "Hallo", "--at", "2026-10-25 02:30", "--yes"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("2026-10-25T00:30:00.000Z");
  });
});
