/**
 * What a follow-up says, through the real `bin/nachklang` (issue 24): the greeting per client
 * (de/en × formal/informal/none, and a note that greets by itself), each kind's framing, and
 * dates in the past refused. Dry runs through the folder channel show the composed message.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateIdentity, identityToRecipient } from "../../src/age/index.js";
import { initHome, runCli, tempDir } from "../helpers/cli.js";
import { plaintextFinds } from "../helpers/home.js";

let home: string;
let cleanup: () => Promise<void>;
/** The test clock: every command runs on 1 March 2027, 10:00 in Berlin. */
const NOW = { NACHKLANG_NOW: "2027-03-01T10:00:00+01:00", TZ: "Europe/Berlin" };

const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { home, env: { ...NOW, ...env } });
const ok = async (args: string[]) => {
  const r = await cli(args);
  if (r.code !== 0) throw new Error(`${args.join(" ")} → ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r;
};

async function addClient(alias: string, lang: "de" | "en", extra: string[] = []): Promise<void> {
  await ok(["client", "add", alias, "--lang", lang, "--age-recipient", await identityToRecipient(generateIdentity()), ...extra]);
  await ok(["consent", "record", alias, "--channel", "folder", "--date", "2027-02-01"]);
}

/** The message a dry run would send. */
async function message(alias: string, args: string[]): Promise<string> {
  const r = await ok(["--json", "send", alias, ...args, "--dry-run"]);
  return (JSON.parse(r.stdout) as { message: string }).message;
}

const firstParagraph = (text: string) => text.split("\n\n")[0];

beforeAll(async () => {
  ({ home, cleanup } = await initHome());
});
afterAll(async () => {
  await cleanup();
});

describe("the greeting per client", () => {
  const matrix: [string, "de" | "en", string[], string | null][] = [
    ["fde", "de", ["--name", "Anna Kellermann", "--title", "Frau", "--salutation", "formal"], "Guten Tag Frau Kellermann,"],
    ["fen", "en", ["--name", "Anna Kellermann", "--title", "Ms", "--salutation", "formal"], "Dear Ms Kellermann,"],
    ["ide", "de", ["--name", "Jonathan Berg", "--title", "Herr", "--salutation", "informal"], "Lieber Jonathan,"],
    ["ide2", "de", ["--name", "Anna Kellermann", "--title", "Frau", "--salutation", "informal"], "Liebe Anna,"],
    ["ide3", "de", ["--name", "Kim Wolf", "--salutation", "informal"], "Hallo Kim,"],
    ["ien", "en", ["--name", "Anna Kellermann", "--salutation", "informal"], "Dear Anna,"],
    ["nde", "de", ["--name", "Anna Kellermann", "--salutation", "none"], null],
    ["nen", "en", ["--name", "Anna Kellermann", "--salutation", "none"], null],
    ["old", "de", ["--name", "Jürgen Größe-Özdemir"], "Hallo Jürgen Größe-Özdemir,"],
  ];

  beforeAll(async () => {
    for (const [alias, lang, extra] of matrix) await addClient(alias, lang, extra);
  });

  it("greets each client as recorded (de/en × formal/informal/none, and the old default)", async () => {
    for (const [alias, , , greeting] of matrix) {
      const text = await message(alias, ["--note", "Schön, dass Sie da waren."]);
      if (greeting === null) expect(firstParagraph(text), alias).toBe("Schön, dass Sie da waren.");
      else expect(firstParagraph(text), alias).toBe(greeting);
      expect(text.match(/^(Guten Tag|Dear|Liebe|Lieber|Hallo|Hello)\b/gm)?.length ?? 0, alias).toBe(greeting === null ? 0 : 1);
    }
  });

  it("keeps the salutation in the client record (client show --json)", async () => {
    const shown = JSON.parse((await ok(["--json", "client", "show", "fde"])).stdout) as Record<string, unknown>;
    expect(shown).toMatchObject({ salutation: "formal", title: "Frau", name: "Anna Kellermann" });
    // Names and forms of address live in the encrypted registry only.
    expect(await plaintextFinds(home, ["Kellermann", "Größe-Özdemir", "Jonathan", "informal"])).toEqual([]);
  });

  it("never greets a note twice that greets by itself", async () => {
    const text = await message("fde", ["--note", "Liebe Frau Kellermann, danke für heute."]);
    expect(firstParagraph(text)).toBe("Liebe Frau Kellermann, danke für heute.");
    expect(text).not.toContain("Guten Tag");
    const en = await message("ien", ["--note", "Hello Anna, thank you for today."]);
    expect(en).not.toContain("Dear Anna,");
    expect(firstParagraph(en)).toBe("Hello Anna, thank you for today.");
  });

  it("refuses an unknown salutation with exit 2", async () => {
    const r = await cli(["client", "add", "bad", "--salutation", "casual"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/casual/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("dates", () => {
  beforeAll(async () => {
    await addClient("d1", "de");
    await addClient("d2", "en");
  });

  it("refuses an appointment in the past with one line naming it (exit 2), dry run or not", async () => {
    for (const extra of [["--dry-run"], ["--yes"]]) {
      const r = await cli(["send", "d1", "--note", "Bis bald", "--appointment", "2027-02-28 16:00", ...extra]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toContain("2027-02-28 16:00");
      expect(r.stderr).toMatch(/in the past/);
    }
    // Nothing was stored.
    const status = JSON.parse((await ok(["--json", "status", "d1"])).stdout) as unknown[];
    expect(status).toEqual([]);
    // The next appointment is fine.
    expect(await message("d1", ["--appointment", "2027-03-04 16:00"])).toContain("Donnerstag, 4. März 2027, 16:00 Uhr");
  });

  it("refuses a past appointment in a batch before anything is processed, naming the entry", async () => {
    const work = await tempDir();
    try {
      const file = join(work.dir, "past.yaml");
      await writeFile(file, 'followups:\n  - client: d1\n    note: Bis bald\n  - client: d2\n    appointment: "2027-01-15 10:00"\n');
      const r = await cli(["batch", file]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/entry 2 \(d2\).*The appointment '2027-01-15 10:00' lies in the past/);
      expect(JSON.parse((await ok(["--json", "status"])).stdout)).toEqual([]);
    } finally {
      await work.cleanup();
    }
  });

  it("refuses --at in the past (exit 2) instead of sending now", async () => {
    const r = await cli(["send", "d2", "--note", "Later", "--at", "2027-03-01 09:59", "--yes"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("--at '2027-03-01 09:59' lies in the past");
    const status = JSON.parse((await ok(["--json", "status", "d2"])).stdout) as unknown[];
    expect(status).toEqual([]);
  });

  it("needs --yes for --at more than a year ahead when not at a terminal", async () => {
    const far = await cli(["send", "d2", "--note", "Much later", "--at", "2028-03-02 10:00", "--dry-run"]);
    expect(far.code).toBe(2);
    expect(far.stderr).toContain("more than a year ahead");
    const within = await cli(["--json", "send", "d2", "--note", "Later", "--at", "2028-02-28 10:00", "--dry-run"]);
    expect(within.code, within.stderr).toBe(0);
    const sure = await ok(["--json", "send", "d2", "--note", "Much later", "--at", "2028-03-02 10:00", "--yes"]);
    const queued = JSON.parse(sure.stdout) as { state: string; due: string };
    expect(queued.state).toBe("queued");
    expect(queued.due).toBe("2028-03-02T09:00:00.000Z");
  });
});

describe("each kind framed as what it is", () => {
  const VOLUNTARY = /freiwillig|voluntary/;
  let work: { dir: string; cleanup: () => Promise<void> };

  beforeAll(async () => {
    await addClient("kd", "de", ["--name", "Anna Kellermann", "--title", "Frau", "--salutation", "formal"]);
    await addClient("ke", "en", ["--name", "Sam Reed", "--salutation", "informal"]);
    work = await tempDir();
  });
  afterAll(async () => {
    await work.cleanup();
  });

  it("homework: the voluntary suggestion, as before", async () => {
    const text = await message("kd", ["--homework", "three-good-things"]);
    expect(text).toMatch(/^Eine Anregung für die Zeit bis zum nächsten Mal \(freiwillig\): /m);
  });

  it("exercise: from the template's kind, introduced as an exercise", async () => {
    const r = JSON.parse((await ok(["--json", "send", "kd", "--homework", "breathing-body-scan", "--dry-run"])).stdout) as { message: string; items: { kind: string }[] };
    expect(r.message.split("\n\n").slice(0, 2)).toEqual(["Guten Tag Frau Kellermann,", "Hier ist die Übung aus unserer Sitzung – zum Wiederholen, so oft es Ihnen guttut."]);
    expect(r.message).toMatch(/^Die Übung: Übung: Atem und Körperreise$/m);
    expect(r.message).not.toMatch(VOLUNTARY);
    expect(r.items).toHaveLength(1);
  });

  it("impulse: quote, book, music, link and a video-session room, without a task", async () => {
    const text = await message("ke", [
      "--kind", "impulse",
      "--impulse", "quote:The path is made by walking.",
      "--impulse", "book:Momo",
      "--impulse", "music:Arvo Pärt, Spiegel im Spiegel",
      "--impulse", "link:https://example.org/pauses",
      "--impulse", "video:https://elvi.example.org/room/abc",
    ]);
    expect(text.split("\n\n")[1]).toBe("A small impulse to think on – no task attached.");
    for (const line of ["– Quote: The path is made by walking.", "– Book: Momo", "– Music: Arvo Pärt, Spiegel im Spiegel", "– Link: https://example.org/pauses", "– Video session: https://elvi.example.org/room/abc"]) {
      expect(text).toContain(line);
    }
    expect(text).not.toMatch(VOLUNTARY);
    const fromTemplate = await message("ke", ["--homework", "impulse-quote", "--var", "quote=Slow is smooth."]);
    expect(fromTemplate).toContain("A small impulse to think on – no task attached.");
    expect(fromTemplate).toMatch(/^The impulse: /m);
  });

  it("a link impulse is one http(s) address: javascript:, file: or free text is refused in send and in a batch (exit 2)", async () => {
    const line = (value: string) => `'${value}' is not a link (an http(s) address such as https://example.org/); a link impulse carries one address.`;
    for (const value of ["javascript:alert(1)", "file:///etc/passwd", "not a link", "https://example.org/a b"]) {
      const r = await cli(["send", "ke", "--impulse", `link:${value}`, "--dry-run"]);
      expect([r.code, r.stderr], value).toEqual([2, `${line(value)}\n`]);
    }
    const work = await tempDir();
    try {
      const file = join(work.dir, "links.yaml");
      await writeFile(file, "followups:\n  - client: ke\n    impulses: [{ kind: link, text: \"javascript:alert(1)\" }]\n  - client: ke\n    impulses: [{ kind: link, text: \"https://example.org/pauses\" }]\n");
      const r = await cli(["batch", file, "--dry-run"]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split("\n").slice(1)).toEqual([`  entry 1 (ke): ${line("javascript:alert(1)")}`]);
    } finally {
      await work.cleanup();
    }
  });

  it("reminder: the appointment with its calendar file, and no homework wording; none without the appointment", async () => {
    const r = JSON.parse((await ok(["--json", "send", "kd", "--kind", "reminder", "--appointment", "2027-03-04 16:00", "--dry-run"])).stdout) as {
      message: string;
      items: { kind: string; name: string; mime: string }[];
    };
    expect(r.message.split("\n\n").slice(0, 3)).toEqual([
      "Guten Tag Frau Kellermann,",
      "Eine kurze Erinnerung an unseren nächsten Termin.",
      "Wir sehen uns am Donnerstag, 4. März 2027, 16:00 Uhr. Den Kalendereintrag finden Sie im Anhang.",
    ]);
    expect(r.message).not.toMatch(/Anregung|freiwillig/);
    expect(r.items).toEqual([expect.objectContaining({ kind: "appointment", name: "termin.ics", mime: "text/calendar; charset=utf-8" })]);
    // The reminder template takes its date and time from the appointment.
    const templated = JSON.parse((await ok(["--json", "send", "kd", "--homework", "appointment-reminder", "--appointment", "2027-03-04 16:00", "--dry-run"])).stdout) as {
      message: string;
      items: { kind: string }[];
    };
    expect(templated.message).toContain("Eine kurze Erinnerung an unseren nächsten Termin.");
    expect(templated.message).toMatch(/^Alles Weitere zum Termin: Erinnerung an unseren Termin am 4\. März 2027$/m);
    expect(templated.items.map((i) => i.kind).sort()).toEqual(["appointment", "homework"]);
    expect(templated.message).not.toMatch(/Anregung|freiwillig/);
    const missing = await cli(["send", "kd", "--kind", "reminder", "--note", "Bis Donnerstag", "--dry-run"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe('A reminder to kd needs the appointment: --appointment "YYYY-MM-DD HH:MM" (in a batch: appointment:).');
  });

  it("welcome and ground rules: from the onboarding templates, each with its own intro", async () => {
    const welcome = await message("kd", ["--homework", "welcome"]);
    expect(welcome.split("\n\n")[1]).toBe("Herzlich willkommen – schön, dass Sie sich gemeldet haben.");
    expect(welcome).toMatch(/^Zum Ankommen: Willkommen$/m);
    const rules = await message("ke", ["--homework", "messenger-ground-rules", "--var", "channel_name=Threema", "--var", "hours=Monday to Thursday, 9 to 5"]);
    expect(rules.split("\n\n")[1]).toBe("So that our contact between sessions is reliable for you, here are our agreements.");
    expect(rules).toMatch(/^To read at your leisure: /m);
    for (const text of [welcome, rules]) expect(text).not.toMatch(VOLUNTARY);
    // --kind overrides what the template implies.
    expect(await message("ke", ["--kind", "welcome", "--note", "See you soon."])).toContain("Welcome – I am glad you got in touch.");
  });

  it("refuses an unknown kind (exit 2)", async () => {
    const r = await cli(["send", "kd", "--kind", "advert", "--note", "x", "--dry-run"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("advert");
  });

  it("a batch gives each entry its kind (YAML and CSV), and names a bad one", async () => {
    const yaml = join(work.dir, "kinds.yaml");
    await writeFile(
      yaml,
      [
        "followups:",
        "  - client: kd",
        "    kind: reminder",
        '    appointment: "2027-03-04 16:00"',
        "  - client: ke",
        "    kind: impulse",
        "    impulses: [{ kind: video, text: https://elvi.example.org/room/abc }]",
        "  - client: ke",
        "    homework: breathing-body-scan",
        "",
      ].join("\n"),
    );
    const r = JSON.parse((await ok(["--json", "batch", yaml, "--dry-run"])).stdout) as { followups: { client: string; message: string }[] };
    const [reminder, impulse, exercise] = r.followups.map((f) => f.message);
    expect(reminder).toContain("Eine kurze Erinnerung an unseren nächsten Termin.");
    expect(reminder).toContain("Wir sehen uns am Donnerstag, 4. März 2027, 16:00 Uhr.");
    expect(impulse).toContain("– Video session: https://elvi.example.org/room/abc");
    expect(exercise).toContain("Here is the exercise from our session");
    const csv = join(work.dir, "kinds.csv");
    await writeFile(csv, 'client,kind,note,appointment\nkd,welcome,Bis bald,\nke,reminder,,"2027-03-04 16:00"\n');
    const fromCsv = JSON.parse((await ok(["--json", "batch", csv, "--dry-run"])).stdout) as { followups: { message: string }[] };
    expect(fromCsv.followups[0]?.message).toContain("Herzlich willkommen");
    expect(fromCsv.followups[1]?.message).toContain("We will meet on Thursday 4 March 2027, 16:00.");
    const bad = join(work.dir, "bad.yaml");
    await writeFile(bad, "followups:\n  - client: kd\n    kind: advert\n    note: x\n");
    const refused = await cli(["batch", bad, "--dry-run"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/entry 1 \(kd\).*Unknown kind 'advert'/);
  });
});
