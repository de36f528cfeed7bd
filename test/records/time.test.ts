/**
 * Contact time through the real CLI: log, correct, remove, and the month's billing report with
 * exact amounts for the hourly profile (with the practice's rounding) and the GOÄ profile;
 * nothing about a client in plain text in the home, only in the report file asked for.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendFile, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import lockfile from "proper-lockfile";
import { join } from "node:path";
import { initHome, runCli, tempDir } from "../helpers/cli.js";
import { plaintextFinds } from "../helpers/home.js";

let home: string;
let cleanup: () => Promise<void>;
const NOW = { NACHKLANG_NOW: "2026-12-02T10:00:00+01:00" };
const run = (args: string[]) => runCli(args, { home, env: NOW });
const NOTE = "Sprach über Schlafprobleme und den Streit mit der Schwester";

async function ok(args: string[]): Promise<string> {
  const r = await run(args);
  expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

beforeAll(async () => {
  ({ home, cleanup } = await initHome());
  await ok(["client", "add", "klient-01", "--name", "Annegret Kellermann", "--billing", "goae"]);
  await ok(["client", "add", "klient-02", "--name", "Bernhard Größe-Özdemir", "--billing", "hourly"]);
  await ok(["client", "add", "klient-03", "--name", "Carlotta Nowakowski"]);
  await ok(["billing", "set", "--hourly", "92.50", "--round", "15m", "--profile", "none"]);
});
afterAll(() => cleanup());

/**
 * In a practice of its own, with 1 hour logged for klient-01 on 2026-11-20: runs `args` (given that
 * entry's id) while another process holds the contact-time file's lock (as `time log` does while
 * it appends), long enough for the command to have started, read and reached the lock; then that
 * process logs `minutes` more for the same client and day. Returns the command's result and the
 * minutes klient-01's entries on that day stand at afterwards.
 */
function whileAnotherLogs(args: (id: string) => string[], minutes: number) {
  return inOwnPractice(async (own) => {
    const cli = (a: string[]) => runCli(a, { home: own, env: NOW });
    const r = await cli(["--json", "time", "log", "klient-01", "1h", "--on", "2026-11-20"]);
    expect(r.code, r.stderr).toBe(0);
    const id = (JSON.parse(r.stdout) as { id: string }).id;
    const file = join(own, "records", "time.jsonl");
    const line = JSON.parse((await readFile(file, "utf8")).trim()) as Record<string, unknown>;
    const release = await lockfile.lock(file, { realpath: false, lockfilePath: `${file}.lock` });
    const running = cli(args(id));
    try {
      await new Promise((done) => setTimeout(done, 4_000));
      await appendFile(file, JSON.stringify({ ...line, id: "zzzzzzz9", minutes }) + "\n");
    } finally {
      await release();
    }
    const result = await running;
    const day = JSON.parse((await cli(["--json", "time", "list", "klient-01", "--month", "2026-11"])).stdout) as { entries: { id: string; minutes: number }[]; minutes: number };
    return { result, day, id };
  });
}

const DAY_TOO_LONG = "klient-01 already has 23h of contact time on 2026-11-20; 2h more would be over 24h in one day. 'nachklang time list klient-01' shows the entries.\n";

describe("time log and time edit while another process writes", () => {
  it("time edit checks the 24-hour rule on the same version of the file it corrects", async () => {
    // Before the fix the edit read the file three times, unlocked, and missed the 23 hours.
    const { result, day, id } = await whileAnotherLogs((id) => ["time", "edit", id, "--duration", "2h"], 23 * 60);
    expect(result.code, result.stdout).toBe(2);
    expect(result.stderr).toBe(DAY_TOO_LONG);
    expect(day.entries.find((e) => e.id === id)?.minutes).toBe(60);
  }, 40_000);

  it("time log checks the 24-hour rule on the same version of the file it appends to", async () => {
    // Before the fix the log checked an unlocked reading (1 hour) and appended after the 22 hours.
    const { result, day } = await whileAnotherLogs(() => ["time", "log", "klient-01", "2h", "--on", "2026-11-20"], 22 * 60);
    expect(result.code, result.stdout).toBe(2);
    expect(result.stderr).toBe(DAY_TOO_LONG);
    expect(day.minutes).toBe(23 * 60);
  }, 40_000);
});

describe("contact time", () => {
  it("refuses a note file that is empty, not text or too large, as send does (exit 2, one line, nothing logged); a real one is trimmed", async () => {
    const dir = join(home, "..", "note-files");
    await mkdir(dir, { recursive: true });
    const files = { empty: join(dir, "empty.txt"), escape: join(dir, "escape.txt"), binary: join(dir, "binary.bin"), large: join(dir, "large.txt"), good: join(dir, "good.txt") };
    await writeFile(files.empty, "\uFEFF  \n");
    await writeFile(files.escape, "Notiz \u001b[2J mit Steuerzeichen");
    await writeFile(files.binary, Buffer.from([0x4e, 0x6f, 0xff, 0xfe, 0x74]));
    await writeFile(files.large, "x".repeat(64 * 1024 + 1));
    await writeFile(files.good, "\n  Kurzes Telefonat wegen der Hausaufgabe.  \n");
    const before = (await run(["--json", "time", "list"])).stdout;
    for (const [file, line] of [
      [files.empty, `${files.empty}: the note is empty; nothing was done. Please write the note into the file (and save it), or leave --note-file out.\n`],
      [files.escape, `${files.escape}: holds control characters (a NUL byte, for one) that have no place in a note; --note-file takes the note as plain text (line breaks and tabs are fine).\n`],
      [files.binary, `${files.binary}: not a text file (not valid UTF-8 text); --note-file takes the note as plain text.\n`],
      [files.large, `${files.large}: the note is 65 KiB; a note may be at most 64 KiB. Please shorten it.\n`],
    ] as const) {
      const r = await run(["time", "log", "klient-03", "5m", "--on", "2026-09-09", "--note-file", file]);
      expect(r.code, file).toBe(2);
      expect(r.stderr).toBe(line);
    }
    expect((await run(["--json", "time", "list"])).stdout).toBe(before);
    // Outside the month the next test bills.
    const good = await run(["--json", "time", "log", "klient-03", "5m", "--on", "2026-09-09", "--note-file", files.good]);
    expect(good.code, good.stderr).toBe(0);
    const { id } = JSON.parse(good.stdout) as { id: string };
    try {
      const listed = JSON.parse((await run(["--json", "time", "list", "klient-03", "--notes"])).stdout) as { entries: { id: string; noteText?: string }[] };
      expect(listed.entries.find((e) => e.id === id)?.noteText).toBe("Kurzes Telefonat wegen der Hausaufgabe.");
    } finally {
      await ok(["time", "remove", id]);
    }
  });

  it("logs, corrects and removes entries, and bills the month exactly", async () => {
    const noteFile = join(home, "..", "note.txt");
    await writeFile(noteFile, NOTE);
    const logged: Record<string, string> = {};
    for (const [name, args] of [
      ["a", ["klient-01", "9m", "--kind", "phone", "--on", "2026-11-03"]],
      ["b", ["klient-01", "10m", "--kind", "messenger", "--on", "2026-11-04", "--note-file", noteFile]],
      ["c", ["klient-02", "1h1m", "--kind", "email", "--on", "2026-11-05"]],
      ["d", ["klient-02", "16m", "--on", "2026-11-06"]],
      ["e", ["klient-03", "30m", "--on", "2026-11-07"]],
      ["f", ["klient-01", "40m", "--on", "2026-10-31"]],
      ["g", ["klient-02", "5m", "--on", "2026-11-08"]],
    ] as const) {
      const r = await run(["--json", "time", "log", ...args]);
      expect(r.code, r.stderr).toBe(0);
      logged[name] = (JSON.parse(r.stdout) as { id: string }).id;
    }
    // A correction and a removal: d becomes 31 minutes, g goes.
    await ok(["time", "edit", logged.d!, "--duration", "31m"]);
    await ok(["time", "remove", logged.g!]);
    expect((await run(["time", "remove", logged.g!])).code).toBe(2);

    const out = join(home, "..", "2026-11.csv");
    const r = await run(["time", "report", "--month", "2026-11", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/names clients/);
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    const rows = (await readFile(out, "utf8")).trim().split("\r\n").map((l) => l.split(","));
    const cells = rows.map((row) => [row[0], row[2], row[8], row[9]]);
    expect(cells).toEqual([
      ["type", "client", "item", "amount_eur"],
      // GOÄ: 9 minutes → no. 1 (10.72), 10 minutes → no. 3 (20.11).
      ["entry", "Annegret Kellermann", "GOÄ 1", "10.72"],
      ["entry", "Annegret Kellermann", "GOÄ 3", "20.11"],
      // Hourly 92.50 per started 15 minutes: 61 → 75 min = 115.625 → 115.63; 31 → 45 min = 69.375 → 69.38.
      ["entry", "Bernhard Größe-Özdemir", "hourly", "115.63"],
      ["entry", "Bernhard Größe-Özdemir", "hourly", "69.38"],
      // The practice default (none): documented, not billed.
      ["entry", "Carlotta Nowakowski", "", "0.00"],
      ["sum", "Annegret Kellermann", "2", "30.83"],
      ["sum", "Bernhard Größe-Özdemir", "2", "185.01"],
      ["sum", "Carlotta Nowakowski", "1", "0.00"],
      ["total", "", "5", "215.84"],
    ]);
    // Never replaced silently.
    expect((await run(["time", "report", "--month", "2026-11", "--out", out])).code).toBe(2);

    // Markdown for people, in the practice's language: German words and decimal commas (CSV and JSON keep theirs).
    const md = await run(["--lang", "de", "time", "report", "--month", "2026-11", "--format", "md", "--pseudonyms"]);
    expect(md.code, md.stderr).toBe(0);
    const mdLines = md.stdout.split("\n");
    expect(mdLines[0]).toBe("# Kontaktzeit 2026-11");
    expect(mdLines).toContain("| Datum | Klient:in | Art | Dauer | Abgerechnet | Position | EUR |");
    expect(mdLines.find((l) => l.startsWith("| **Summe** |"))).toBe("| **Summe** | 5 | 2h21m | **215,84** |");
    expect(mdLines.some((l) => l.includes("| Telefon |"))).toBe(true);
    const json = await run(["time", "report", "--month", "2026-11", "--format", "json", "--pseudonyms"]);
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout) as { total: { cents: number }; clients: { client: string }[] };
    expect(report.total.cents).toBe(21584);
    expect(report.clients.map((c) => c.client)).toEqual(["klient-01", "klient-02", "klient-03"]);
    expect(json.stderr).toBe("");

    const listed = JSON.parse((await run(["--json", "time", "list", "klient-01", "--month", "2026-11", "--notes"])).stdout) as {
      entries: { id: string; noteText?: string }[];
      minutes: number;
    };
    expect(listed.minutes).toBe(19);
    expect(listed.entries.find((e) => e.id === logged.b)?.noteText).toBe(NOTE);

    // The home holds tags and sealed notes, never a name or the note.
    // Aliases as they would stand in JSON or CSV: two bare bytes turn up in ciphertext by chance.
    expect(await plaintextFinds(home, ["Annegret", "Kellermann", "Bernhard", "Größe-Özdemir", "Carlotta", "Nowakowski", "Schlafprobleme", "Schwester", '"klient-01"', '"klient-02"', "klient-01,", "klient-02,"])).toEqual([]);
  });

  it("refuses what cannot be right with one line and exit 2", async () => {
    const refusals: string[][] = [];
    for (const args of [
      ["time", "log", "klient-01", "0m"],
      ["time", "log", "klient-01", "25h"],
      ["time", "log", "klient-01", "1.5h"],
      ["time", "log", "klient-01", "15m", "--on", "2026-12-03"],
      ["time", "log", "klient-01", "15m", "--on", "2026-02-30"],
      ["time", "log", "klient-01", "15m", "--kind", "dinner"],
      ["time", "log", "nobody", "15m"],
      ["time", "report", "--month", "2026-13"],
      ["time", "edit", "zzzzzzzz", "--duration", "5m"],
      ["time", "list", "--month", "2026-11", "--from", "2026-11-01"],
      ["billing", "set", "--goae-factor", "4"],
      ["billing", "set", "--round", "7m"],
      ["billing", "set", "--hourly", "9250"],
    ]) refusals.push(args);
    const results = await Promise.all(refusals.map((args) => run(args)));
    for (const [i, r] of results.entries()) {
      const args = refusals[i]!;
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
      expect(r.stderr).not.toMatch(/at .*\.js/);
    }
  });

  it("a day of contact further back than the retention period is refused for log and edit, naming the earliest day; nothing written", async () => {
    await inOwnPractice(async (own) => {
      const inOwn = (args: string[]) => runCli(args, { home: own, env: NOW });
      const logged = await inOwn(["--json", "time", "log", "klient-01", "15m"]);
      const { id } = JSON.parse(logged.stdout) as { id: string };
      const file = join(own, "records", "time.jsonl");
      const before = await readFile(file, "utf8");
      for (const [args, value] of [
        [["time", "log", "klient-01", "50m", "--on", "1900-01-01"], "1900-01-01"],
        [["time", "log", "klient-01", "50m", "--on", "2016-12-01"], "2016-12-01"],
        [["time", "edit", id, "--on", "1926-12-02"], "1926-12-02"],
      ] as const) {
        const r = await inOwn([...args]);
        expect(r.code, args.join(" ")).toBe(2);
        expect(r.stdout).toBe("");
        expect(r.stderr).toBe(`${value} lies before 2016-12-02, further back than the retention period (10y): records that old are no longer kept; give a day from 2016-12-02 on.\n`);
      }
      expect(await readFile(file, "utf8")).toBe(before);
      // The earliest day itself is kept, and a shorter retention moves it.
      expect((await inOwn(["time", "log", "klient-01", "50m", "--on", "2016-12-02"])).code).toBe(0);
      expect((await inOwn(["records", "retention", "set", "2y"])).code).toBe(0);
      const r = await inOwn(["time", "edit", id, "--on", "2024-12-01"]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^2024-12-01 lies before 2024-12-02, further back than the retention period \(2y\)/);
    });
  });

  it("no client has more than 24 hours of contact time in one day, logged or corrected; nothing written", async () => {
    await inOwnPractice(async (own) => {
      const inOwn = (args: string[]) => runCli(args, { home: own, env: NOW });
      const id = async (args: string[]) => (JSON.parse((await inOwn(["--json", ...args])).stdout) as { id: string }).id;
      await id(["time", "log", "klient-01", "20h", "--on", "2026-11-03"]);
      const four = await id(["time", "log", "klient-01", "4h", "--on", "2026-11-03"]);
      const other = await id(["time", "log", "klient-01", "1m", "--on", "2026-11-04"]);
      const file = join(own, "records", "time.jsonl");
      const before = await readFile(file, "utf8");
      for (const [args, line] of [
        [["time", "log", "klient-01", "1m", "--on", "2026-11-03"], "klient-01 already has 24h of contact time on 2026-11-03; 1m more would be over 24h in one day."],
        [["time", "edit", four, "--duration", "4h1m"], "klient-01 already has 20h of contact time on 2026-11-03; 4h1m more would be over 24h in one day."],
        [["time", "edit", other, "--on", "2026-11-03"], "klient-01 already has 24h of contact time on 2026-11-03; 1m more would be over 24h in one day."],
      ] as const) {
        const r = await inOwn([...args]);
        expect(r.code, args.join(" ")).toBe(2);
        expect(r.stderr).toBe(`${line} 'nachklang time list klient-01' shows the entries.\n`);
      }
      expect(await readFile(file, "utf8")).toBe(before);
      // Less is always possible; so is the same on another day.
      expect((await inOwn(["time", "edit", four, "--duration", "3h"])).code).toBe(0);
      expect((await inOwn(["time", "log", "klient-01", "24h", "--on", "2026-11-05"])).code).toBe(0);
    });
  });

  it("a damaged line in the records is skipped and said so, so a list or report never looks complete when it is not", async () => {
    await inOwnPractice(async (own) => {
      expect((await runCli(["time", "log", "klient-01", "15m", "--on", "2026-11-03"], { home: own, env: NOW })).code).toBe(0);
      const file = join(own, "records", "time.jsonl");
      await writeFile(file, (await readFile(file, "utf8")) + "{not json\n" + JSON.stringify({ ev: "logged" }) + "\n");
      const warning = `${file}: 2 damaged lines skipped; what follows is incomplete without them. Please compare the file with a backup.\n`;
      for (const args of [["time", "list"], ["time", "report", "--month", "2026-11"]]) {
        const r = await runCli(args, { home: own, env: NOW });
        expect(r.code, r.stderr).toBe(0);
        expect(r.stderr, args.join(" ")).toBe(warning);
        expect(r.stdout).toMatch(/15/);
      }
    });
  });

  it("a newer version's entry marked ignorable is skipped without a word; a damaged line beside it still warns", async () => {
    await inOwnPractice(async (own) => {
      const cli = (args: string[]) => runCli(args, { home: own, env: NOW });
      expect((await cli(["time", "log", "klient-01", "15m", "--on", "2026-11-03"])).code).toBe(0);
      const file = join(own, "records", "time.jsonl");
      const logged = JSON.parse((await readFile(file, "utf8")).trim()) as { id: string; client: string };
      const newer = { v: 1, at: "2026-11-04T09:00:00+01:00", ev: "travelled", ignorable: true, id: "zzzzzzz8", client: logged.client, day: "2026-11-04", minutes: 45 };
      await appendFile(file, JSON.stringify(newer) + "\n");
      for (const args of [["--json", "time", "list"], ["--json", "time", "report", "--month", "2026-11"]]) {
        const r = await cli(args);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stderr, args.join(" ")).toBe("");
        expect(r.stdout).not.toContain("zzzzzzz8");
      }
      const listed = JSON.parse((await cli(["--json", "time", "list"])).stdout) as { entries: { id: string }[]; minutes: number };
      expect(listed).toMatchObject({ entries: [{ id: logged.id }], minutes: 15 });
      // Without the mark, or under a known name in other letter case, the same line is damage.
      const { ignorable: _, ...unmarked } = newer;
      await appendFile(file, JSON.stringify(unmarked) + "\n" + JSON.stringify({ ...newer, ev: "Logged" }) + "\n");
      const r = await cli(["time", "list"]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe(`${file}: 2 damaged lines skipped; what follows is incomplete without them. Please compare the file with a backup.\n`);
    });
  });

  it("the purge removes a newer version's line naming a purged client, also one with no entry of this version, and keeps one naming another", async () => {
    await inOwnPractice(async (own) => {
      const at = (now: string) => ({ home: own, env: { NACHKLANG_NOW: now } });
      expect((await runCli(["time", "log", "klient-01", "15m"], at(NOW.NACHKLANG_NOW))).code).toBe(0);
      const file = join(own, "records", "time.jsonl");
      const { client } = JSON.parse((await readFile(file, "utf8")).trim()) as { client: string };
      const newer = { v: 1, at: NOW.NACHKLANG_NOW, ev: "travelled", ignorable: true };
      const other = JSON.stringify({ ...newer, client: "0".repeat(32) });
      // Only the newer version's lines are left: the client has no entry this version knows.
      await writeFile(file, JSON.stringify({ ...newer, client }) + "\n" + other + "\n");
      const r = await runCli(["records", "purge"], at("2037-12-10T10:00:00+01:00"));
      expect(r.code, r.stderr).toBe(0);
      expect(await readFile(file, "utf8")).toBe(other + "\n");
    });
  });

  it("a removed entry's lines go with the purge, also for a client no longer in the registry", async () => {
    await inOwnPractice(async (own) => {
      const at = (now: string) => ({ home: own, env: { NACHKLANG_NOW: now } });
      const logged = await runCli(["--json", "time", "log", "klient-01", "15m"], at(NOW.NACHKLANG_NOW));
      const { id } = JSON.parse(logged.stdout) as { id: string };
      expect((await runCli(["time", "remove", id], at(NOW.NACHKLANG_NOW))).code).toBe(0);
      expect((await runCli(["client", "remove", "klient-01"], at(NOW.NACHKLANG_NOW))).code).toBe(0);
      const file = join(own, "records", "time.jsonl");
      // Ten years on, not yet; eleven years on, the lines (naming klient-01's tag) are gone.
      expect((await runCli(["records", "purge"], at("2036-12-02T10:00:00+01:00"))).code).toBe(0);
      expect(await readFile(file, "utf8")).toContain(id);
      const r = await runCli(["records", "purge"], at("2037-12-10T10:00:00+01:00"));
      expect(r.code, r.stderr).toBe(0);
      expect(await readFile(file, "utf8")).toBe("");
    });
  });

  it("the purge counts, per client and in all, the removed entries whose lines it deletes too", async () => {
    await inOwnPractice(async (own) => {
      const at = (now: string) => ({ home: own, env: { NACHKLANG_NOW: now } });
      expect((await runCli(["time", "log", "klient-01", "15m"], at(NOW.NACHKLANG_NOW))).code).toBe(0);
      const { id } = JSON.parse((await runCli(["--json", "time", "log", "klient-01", "20m"], at(NOW.NACHKLANG_NOW))).stdout) as { id: string };
      expect((await runCli(["time", "remove", id], at(NOW.NACHKLANG_NOW))).code).toBe(0);
      const file = join(own, "records", "time.jsonl");
      expect((await readFile(file, "utf8")).trim().split("\n")).toHaveLength(3);
      const later = at("2037-12-10T10:00:00+01:00");
      for (const args of [["--json", "records", "purge", "--dry-run"], ["--json", "records", "purge"]]) {
        const r = await runCli(args, later);
        expect(r.code, r.stderr).toBe(0);
        const out = JSON.parse(r.stdout) as { removed: { client: string | null; timeEntries: number }[]; timeEntries: number };
        expect(out.removed, args.join(" ")).toEqual([expect.objectContaining({ client: "klient-01", timeEntries: 2 })]);
        expect(out.timeEntries, args.join(" ")).toBe(2);
      }
      expect(await readFile(file, "utf8")).toBe("");
    });
  });

  it("damaged billing settings are exit 5, not a report that bills everything 0.00", async () => {
    await inOwnPractice(async (own) => {
      const inOwn = (args: string[]) => runCli(args, { home: own, env: NOW });
      expect((await inOwn(["time", "log", "klient-01", "15m", "--on", "2026-11-03"])).code).toBe(0);
      expect((await inOwn(["billing", "set", "--profile", "goae"])).code).toBe(0);
      // Edited by hand: the factor as a decimal, not in hundredths.
      const file = join(own, "config.json");
      const config = JSON.parse(await readFile(file, "utf8")) as { billing: Record<string, unknown> };
      config.billing.goaeFactor = 2.3;
      await writeFile(file, JSON.stringify(config));
      for (const args of [["time", "report", "--month", "2026-11"], ["billing", "show"]]) {
        const r = await inOwn(args);
        expect(r.code, args.join(" ")).toBe(5);
        expect(r.stdout).toBe("");
        expect(r.stderr).toBe(`${file}: the billing settings ('billing') are damaged. Set them again with 'nachklang billing set …' or repair the JSON by hand.\n`);
      }
      // billing set repairs them.
      expect((await inOwn(["billing", "set", "--profile", "goae"])).code).toBe(0);
      expect((await inOwn(["time", "report", "--month", "2026-11"])).stdout).toMatch(/GOÄ 3,20\.11/);
    });
  });
});

/** A practice of its own (English, client klient-01) for a test that damages or purges it; removed afterwards. */
async function inOwnPractice<T>(work: (own: string) => Promise<T>): Promise<T> {
  const { dir, cleanup } = await tempDir();
  try {
    const own = join(dir, "home");
    expect((await runCli(["init", "--name", "Praxis", "--lang", "en"], { home: own, env: NOW })).code).toBe(0);
    expect((await runCli(["client", "add", "klient-01"], { home: own, env: NOW })).code).toBe(0);
    return await work(own);
  } finally {
    await cleanup();
  }
}
