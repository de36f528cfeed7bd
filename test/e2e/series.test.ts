/**
 * A series of follow-ups (issue 24) through the real CLI with the test clock: three steps go out
 * at their planned times (a flush before a time sends nothing of the later ones), every step is
 * checked before any is sealed, and `outbox cancel --series` withdraws what has not gone out.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateIdentity, identityToRecipient } from "../../src/age/index.js";
import { initHome, runCli, writeText } from "../helpers/cli.js";

const TZ = "Europe/Berlin";
const ls = async (dir: string) => (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith(".age")).sort();

const SERIES = `# Exercise today, an impulse in three days, a reminder the day before the appointment.
appointment: "2027-03-10 16:00"
series:
  - after: 0
    note: "Your exercise for this week: three slow breaths before each meal."
  - after: 3d
    impulses:
      - kind: quote
        text: "Wer langsam geht, kommt auch an."
  - before: 1d
    note: "A short reminder of our appointment tomorrow."
    appointment: "2027-03-10 16:00"
`;

interface StepResult {
  step: number;
  id: string;
  due: string;
  state: string;
}

describe("send --series", () => {
  let home: string;
  let cleanup: () => Promise<void>;
  let file: string;
  const at = (now: string) => ({ home, env: { NACHKLANG_NOW: now, TZ } });
  const cli = (args: string[], now: string) => runCli(args, at(now));

  beforeAll(async () => {
    ({ home, cleanup } = await initHome());
    for (const args of [
      ["client", "add", "k7", "--lang", "en", "--age-recipient", await identityToRecipient(generateIdentity())],
      ["consent", "record", "k7", "--channel", "folder"],
    ]) {
      const result = await runCli(args, { home });
      if (result.code !== 0) throw new Error(`${args.join(" ")}: ${result.stderr}`);
    }
    file = await writeText(join(home, "..", "series.yaml"), SERIES);
  });
  afterAll(async () => {
    await cleanup();
  });

  it("delivers three follow-ups at their planned times, and nothing early", async () => {
    const sent = await cli(["send", "k7", "--series", file, "--yes", "--json"], "2027-03-01T10:00:00+01:00");
    expect(sent.code, sent.stderr).toBe(0);
    const result = JSON.parse(sent.stdout) as { series: string; steps: StepResult[] };
    expect(result.series).toMatch(/^[0-9a-f]{12}$/);
    const [first, second, third] = result.steps;
    expect(result.steps.map((s) => s.state)).toEqual(["sent", "queued", "queued"]);
    expect(second!.due).toBe("2027-03-04T09:00:00.000Z");
    expect(third!.due).toBe("2027-03-09T15:00:00.000Z");
    const handoff = join(home, "handoff");
    expect(await ls(handoff)).toEqual([`${first!.id}.age`]);

    const list = await cli(["outbox", "list"], "2027-03-01T10:00:00+01:00");
    expect(list.stdout).toContain(`series ${result.series}, step 2/3`);

    const flushAt = async (now: string, expected: string[]) => {
      const flush = await cli(["outbox", "flush"], now);
      expect(flush.code, flush.stderr).toBe(0);
      expect(await ls(handoff)).toEqual(expected.map((id) => `${id}.age`).sort());
    };
    await flushAt("2027-03-04T09:59:00+01:00", [first!.id]);
    await flushAt("2027-03-04T10:00:00+01:00", [first!.id, second!.id]);
    await flushAt("2027-03-09T15:59:00+01:00", [first!.id, second!.id]);
    await flushAt("2027-03-09T16:00:00+01:00", [first!.id, second!.id, third!.id]);

    const status = JSON.parse((await cli(["status", "k7", "--json"], "2027-03-09T16:00:00+01:00")).stdout) as { id: string; state: string; series: string; step: number }[];
    const members = status.filter((s) => s.series === result.series).sort((a, b) => a.step - b.step);
    expect(members.map((s) => [s.step, s.id, s.state])).toEqual([
      [1, first!.id, "sent"],
      [2, second!.id, "sent"],
      [3, third!.id, "sent"],
    ]);
  });

  it("checks every step before sealing any: the file's form first, then times and clients", async () => {
    const before = await ls(join(home, "outbox"));
    const handedOver = await ls(join(home, "handoff"));
    const shapeless = await writeText(
      join(home, "..", "bad.yaml"),
      `series:
  - after: 0
    note: "fine"
  - note: "when?"
  - after: 2d
`,
    );
    const form = await cli(["send", "k7", "--series", shapeless, "--yes"], "2027-03-01T10:00:00+01:00");
    expect(form.code).toBe(2);
    expect(form.stderr).toMatch(/2 problems; nothing was processed or sent/);
    expect(form.stderr).toMatch(/entry 2 \(k7\): give exactly one time/);
    expect(form.stderr).toMatch(/entry 3 \(k7\): Nothing to send/i);

    const late = await writeText(
      join(home, "..", "late.yaml"),
      `series:
  - after: 0
    note: "fine"
  - at: "2027-02-01 10:00"
    note: "too late"
  - after: 1d
    photos: [does-not-exist.jpg]
`,
    );
    const times = await cli(["send", "k7", "--series", late, "--yes"], "2027-03-01T10:00:00+01:00");
    expect(times.code).toBe(2);
    expect(times.stderr).toMatch(/2 problems; nothing was processed or sent/);
    expect(times.stderr).toMatch(/entry 2 \(k7\): the planned time .*2027.* lies in the past/);
    expect(times.stderr).toMatch(/entry 3 \(k7\): .*does-not-exist\.jpg/);
    expect(await ls(join(home, "outbox"))).toEqual(before);
    expect(await ls(join(home, "handoff"))).toEqual(handedOver);

    const mixed = await cli(["send", "k7", "--series", file, "--note", "hi", "--yes"], "2027-03-01T10:00:00+01:00");
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/--series takes the content from the file/);
    // A group was given: the line says --series is for one client (it said "give either ALIAS or --group NAME").
    const grouped = await cli(["send", "--group", "any", "--series", file, "--yes"], "2027-03-01T10:00:00+01:00");
    expect([grouped.code, grouped.stderr]).toEqual([2, "--series plans follow-ups for one client, not for a group; please use 'nachklang send ALIAS --series FILE' per member, or send each step with --group and --at.\n"]);
  });

  it("cancels a series as a whole: what has not gone out is withdrawn and never sent", async () => {
    const sent = await cli(["send", "k7", "--series", file, "--yes", "--json"], "2027-03-02T10:00:00+01:00");
    expect(sent.code, sent.stderr).toBe(0);
    const result = JSON.parse(sent.stdout) as { series: string; steps: StepResult[] };
    const waiting = result.steps.filter((s) => s.state === "queued").map((s) => s.id);
    expect(waiting).toHaveLength(2);
    expect(await ls(join(home, "outbox"))).toEqual(expect.arrayContaining(waiting.map((id) => `${id}.age`)));

    // Fewer than six characters name no series, and it is said so (it said "No series").
    const short = await cli(["outbox", "cancel", "--series", result.series.slice(0, 5)], "2027-03-02T10:00:00+01:00");
    expect([short.code, short.stderr]).toEqual([
      2,
      `'${result.series.slice(0, 5)}' is too short to name a series: please give at least 6 characters of the series id (see 'nachklang outbox list').\n`,
    ]);
    const cancel = await cli(["outbox", "cancel", "--series", result.series.slice(0, 8)], "2027-03-02T10:00:00+01:00");
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(cancel.stdout).toContain(`Series ${result.series}: 2 cancelled, 1 already delivered`);
    expect((await ls(join(home, "outbox"))).filter((f) => waiting.some((id) => f.startsWith(id)))).toEqual([]);

    const handoffBefore = await ls(join(home, "handoff"));
    const flush = await cli(["outbox", "flush"], "2027-03-11T10:00:00+01:00");
    expect(flush.code, flush.stderr).toBe(0);
    expect(await ls(join(home, "handoff"))).toEqual(handoffBefore);

    const unknown = await cli(["outbox", "cancel", "--series", "ffffffffffff"], "2027-03-02T10:00:00+01:00");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/No series 'ffffffffffff'/);
  });

  it("says what a span is, and what a series file holds, instead of 'does not have the expected form'", async () => {
    for (const [text, line] of [
      ["series:\n  - after: 1y\n    note: a\n", "  entry 1 (k7): after: '1y' is not a span; use e.g. 30m, 2h, 3d, 1w or 0 (whole numbers; docs/workflow.md, \"A series of follow-ups\")"],
      ["", "  no steps: a series file needs the list 'series:' with at least one step (docs/workflow.md, \"A series of follow-ups\")"],
    ] as const) {
      const bad = await writeText(join(home, "..", "bad-series.yaml"), text);
      const r = await cli(["send", "k7", "--series", bad, "--yes"], "2027-03-01T10:00:00+01:00");
      expect(r.code).toBe(2);
      expect(r.stderr.split("\n")).toContain(line);
    }
  });

  it("counts days and weeks on the calendar: a step keeps its time of day across the end of summer time", async () => {
    // Summer time ends on Sunday 2026-10-25. Counted in 24-hour blocks, three days before Monday
    // 17:30 was Friday 18:30, and a week after Tuesday 10:00 was Tuesday 09:00.
    const dst = await writeText(
      join(home, "..", "dst.yaml"),
      `appointment: "2026-10-26 17:30"\nseries:\n  - before: 3d\n    note: "Three days before."\n  - after: 1w\n    note: "A week on."\n  - after: 2h\n    note: "Two hours on."\n`,
    );
    const sent = await cli(["send", "k7", "--series", dst, "--yes", "--json"], "2026-10-20T10:00:00+02:00");
    expect(sent.code, sent.stderr).toBe(0);
    const steps = (JSON.parse(sent.stdout) as { steps: StepResult[] }).steps;
    // Fri 17:30 CEST, Tue 10:00 CET, and hours stay exact.
    expect(steps.map((s) => s.due)).toEqual(["2026-10-23T15:30:00.000Z", "2026-10-27T09:00:00.000Z", "2026-10-20T10:00:00.000Z"]);
    const series = (JSON.parse(sent.stdout) as { series: string }).series;
    expect((await cli(["outbox", "cancel", "--series", series], "2026-10-20T10:00:00+02:00")).code).toBe(0);
  });

  it("takes a series: block in a batch file, next to plain entries; a re-run sends nothing twice", async () => {
    const batch = await writeText(
      join(home, "..", "week.yaml"),
      `followups:
  - client: k7
    note: "A plain entry."
  - client: k7
    appointment: "2027-04-14 10:00"
    series:
      - after: 0
        note: "Exercise: the body scan, once a day."
      - before: 2d
        impulses: [{ kind: book, text: "Jon Kabat-Zinn: Full Catastrophe Living" }]
`,
    );
    const now = "2027-04-01T10:00:00+02:00";
    const run = await cli(["batch", batch, "--json"], now);
    expect(run.code, run.stderr).toBe(0);
    const handoff = join(home, "handoff");
    const before = await ls(handoff);
    const status = async (when: string) =>
      (JSON.parse((await cli(["status", "k7", "--json"], when)).stdout) as { id: string; state: string; series: string | null; step: number | null; due: string | null }[]).filter(
        (s) => s.due !== null && s.due >= "2027-04-01",
      );
    const states = await status(now);
    const steps = states.filter((s) => s.series !== null).sort((a, b) => a.step! - b.step!);
    expect(steps.map((s) => [s.step, s.state])).toEqual([
      [1, "sent"],
      [2, "queued"],
    ]);
    expect(steps[0]!.series).toBe(steps[1]!.series);
    expect(steps[1]!.due).toBe("2027-04-12T08:00:00.000Z");
    expect(states.filter((s) => s.series === null).map((s) => s.state)).toEqual(["sent"]);

    const again = await cli(["batch", batch], now);
    expect(again.code, again.stderr).toBe(0);
    expect(await ls(handoff)).toEqual(before);

    await cli(["outbox", "flush"], "2027-04-12T09:59:00+02:00");
    expect(await ls(handoff)).toEqual(before);
    await cli(["outbox", "flush"], "2027-04-12T10:00:00+02:00");
    expect(await ls(handoff)).toEqual([...before, `${steps[1]!.id}.age`].sort());
  });
});
