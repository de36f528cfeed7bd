/**
 * The wizard (`nachklang new`) driven through a real pseudo-terminal (util-linux `script`),
 * with the keyboard alone: a complete follow-up, and Ctrl-C leaving nothing behind.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateIdentity, identityToRecipient } from "../../src/age/index.js";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { hasCommand } from "../helpers/tools.js";
import { plaintextFinds } from "../helpers/home.js";
import { BIN, FIXTURES, PASSPHRASE, ROOT, initHome, runCli } from "../helpers/cli.js";

let home: string;
let cleanup: () => Promise<void>;

class Terminal {
  private output = "";
  private readonly child: ChildProcessWithoutNullStreams;
  readonly done: Promise<number>;
  constructor(args: string[], extraEnv: Record<string, string> = {}) {
    const command = [process.execPath, BIN, ...args].map((a) => `'${a}'`).join(" ");
    this.child = spawn("script", ["-qfec", command, "/dev/null"], {
      cwd: ROOT,
      env: { ...process.env, NACHKLANG_HOME: home, NACHKLANG_PASSPHRASE: PASSPHRASE, NACHKLANG_INSECURE_TEST_SCRYPT_LOG_N: "10", LANG: "en_US.UTF-8", TERM: "xterm", EDITOR: "true", VISUAL: "true", ...extraEnv },
    });
    this.child.stdout.on("data", (d: Buffer) => (this.output += d.toString()));
    this.child.stderr.on("data", (d: Buffer) => (this.output += d.toString()));
    this.done = new Promise((resolve) => this.child.on("close", (code) => resolve(code ?? -1)));
  }
  get text(): string {
    return this.output;
  }
  /** Wait until `pattern` appears after everything seen so far, then type `keys`. */
  async expect(pattern: string | RegExp, keys?: string): Promise<void> {
    const from = this.consumed;
    const deadline = Date.now() + 30_000;
    for (;;) {
      const rest = this.output.slice(from);
      const i = typeof pattern === "string" ? rest.indexOf(pattern) : rest.search(pattern);
      if (i >= 0) {
        this.consumed = from + i + 1;
        break;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(pattern)}; output:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 150));
    if (keys !== undefined) this.child.stdin.write(keys);
  }
  private consumed = 0;
}

const ENTER = "\r";
const DOWN = "\x1b[B";

/** A follow-up for k777 with nothing but a note: through every step up to the note, answered yes. */
async function toTheNote(t: Terminal): Promise<void> {
  await t.expect("For whom?", "k777");
  await t.expect("k777", ENTER);
  await t.expect("What kind of follow-up?", ENTER);
  await t.expect("Photo (path", ENTER);
  await t.expect("Audio (path", ENTER);
  await t.expect("Homework", ENTER);
  await t.expect("Add an impulse?", ENTER);
  await t.expect("Write a personal note?", "y" + ENTER);
}

beforeAll(async () => {
  ({ home, cleanup } = await initHome());
  for (const args of [
    ["client", "add", "k001", "--lang", "de"],
    // An age key of their own: the folder channel hands over the sealed bundle.
    ["client", "add", "k777", "--lang", "en", "--age-recipient", await identityToRecipient(generateIdentity())],
    ["consent", "record", "k777", "--channel", "folder"],
    // Found by name in the search (issue 24): the name is decrypted in memory only.
    ["client", "add", "k888", "--lang", "de", "--name", "Anna Größe-Keller"],
  ]) {
    const r = await runCli(args, { home });
    expect(r.code, r.stderr).toBe(0);
  }
});
afterAll(() => cleanup());

describe("the wizard without a terminal", () => {
  it("says in one line that it needs one and what works without, in the practice's language, and leaves nothing", async () => {
    for (const [lang, pattern] of [
      ["en", /^The wizard asks its questions in a terminal, and this is none; without one, 'nachklang send ALIAS --note … --yes' sends a follow-up\.$/],
      ["de", /^Der Assistent fragt im Terminal, und hier ist keins; ohne Terminal verschickt „nachklang send ALIAS --note … --yes“ ein Follow-up\.$/],
    ] as const) {
      const r = await runCli(["new", "--lang", lang], { home, input: "k001\n" });
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toMatch(pattern);
      expect(r.stdout).toBe("");
    }
    expect(existsSync(join(home, "outbox")) ? await readdir(join(home, "outbox")) : []).toEqual([]);
  });
});

describe.skipIf(!hasCommand("script"))("the wizard", () => {
  it("puts a follow-up together with the keyboard alone and sends it", async () => {
    const t = new Terminal(["new", "--lang", "en"]);
    await t.expect("For whom?", "k77");
    await t.expect("k777", ENTER);
    await t.expect("What kind of follow-up?", ENTER); // homework
    await t.expect("Photo (path", "/no/such/file.jpg" + ENTER);
    await t.expect("Not a file: /no/such/file.jpg", "\x15" + join(FIXTURES, "tiny.jpg") + ENTER);
    await t.expect("Caption", "Whiteboard" + ENTER);
    await t.expect("Photo (path", ENTER);
    await t.expect("Audio (path", ENTER);
    await t.expect("Homework", ENTER); // "(none)"
    await t.expect("Add an impulse?", DOWN);
    await t.expect("Quote", ENTER);
    await t.expect("Text", "The path is made by walking." + ENTER);
    await t.expect("Add an impulse?", ENTER);
    await t.expect("Write a personal note?", "n" + ENTER);
    await t.expect("Next appointment", ENTER);
    await t.expect("Preview:");
    await t.expect("Send to k777 via folder?", ENTER);
    expect(await t.done).toBe(0);
    expect(t.text).toMatch(/Follow-up for k777 delivered via folder/);
    expect(t.text).toContain("Quote: The path is made by walking.");
    expect((await readdir(join(home, "handoff"))).filter((f) => f.endsWith(".age"))).toHaveLength(1);
    // Composing was contact time: one automatic entry, which can be corrected.
    expect(t.text).toMatch(/Contact time logged: \d+m for k777/);
    const listed = await runCli(["--json", "time", "list", "k777"], { home });
    const entries = (JSON.parse(listed.stdout) as { entries: { id: string; kind: string; source: string; minutes: number }[] }).entries;
    expect(entries).toEqual([expect.objectContaining({ kind: "followup", source: "wizard", minutes: 1 })]);
    expect((await runCli(["time", "edit", entries[0]!.id, "--duration", "12m"], { home })).code).toBe(0);
  }, 120_000);

  it("speaks the practice's language throughout, inquirer's hints included, whatever the client's", async () => {
    const t = new Terminal(["new", "--lang", "de"]);
    await t.expect("Für wen?", "zzz");
    await t.expect("keine Treffer", "\x15k77");
    await t.expect("k777", ENTER);
    await t.expect("Was für ein Nachklang?", ENTER);
    await t.expect("Foto (Pfad", ENTER);
    // Any existing file passes the path check; the wizard is interrupted before anything is processed.
    await t.expect("Audio (Pfad", join(ROOT, "package.json") + ENTER);
    await t.expect("Titel der Aufnahme (optional)", ENTER);
    await t.expect("Audio (Pfad", ENTER);
    await t.expect("übernehmen", ENTER); // the homework list's help line; "(keine)"
    await t.expect("Impuls hinzufügen?", ENTER);
    await t.expect("(J/n)", "j" + ENTER);
    await t.expect("Eingabetaste öffnet den Editor.", ENTER);
    await t.expect("Nächster Termin", "\x03");
    expect(await t.done).not.toBe(0);
    expect(t.text).toContain("Abgebrochen.");
    for (const english of ["Press", "enter", "Y/n", "navigate", "select", "No results", "Caption", "Bildunterschrift"]) expect(t.text).not.toContain(english);
  }, 120_000);

  it("finds a client by name, umlauts written out or not", async () => {
    const t = new Terminal(["new", "--lang", "en"]);
    await t.expect("For whom?", "groesse");
    await t.expect("k888 – Anna Größe-Keller (de)", "\x15" + "KELLER");
    await t.expect("k888 – Anna Größe-Keller (de)", ENTER);
    // Found and chosen; k888 has given no consent yet, which the wizard says at once.
    expect(await t.done).toBe(4);
    expect(t.text).toMatch(/k888/);
    expect(t.text).not.toContain("What kind of follow-up?");
  }, 60_000);

  it("Ctrl-C at a step leaves nothing behind", async () => {
    const handoffBefore = existsSync(join(home, "handoff")) ? (await readdir(join(home, "handoff"))).length : 0;
    const ledgerBefore = existsSync(join(home, "ledger", "events.jsonl"));
    // A private TMPDIR for this run, so other processes' temporary folders do not count.
    const tmp = await mkdtemp(join(tmpdir(), "wizard-tmp-"));
    const t = new Terminal(["new", "--lang", "en"], { TMPDIR: tmp });
    await t.expect("For whom?", "k777");
    await t.expect("k777", ENTER);
    await t.expect("What kind of follow-up?", ENTER);
    await t.expect("Photo (path", join(FIXTURES, "tiny.jpg") + ENTER);
    await t.expect("Caption", "\x03");
    const code = await t.done;
    expect(code).not.toBe(0);
    expect(t.text).toContain("Interrupted.");
    expect(await readdir(join(home, "outbox"))).toEqual([]);
    expect((await readdir(join(home, "handoff"))).length).toBe(handoffBefore);
    expect(existsSync(join(home, "ledger", "events.jsonl"))).toBe(ledgerBefore);
    // Nothing stored, so no contact time either (only the first test's entry).
    expect((await readFile(join(home, "records", "time.jsonl"), "utf8")).trim().split("\n")).toHaveLength(2);
    expect(await readdir(tmp)).toEqual([]);
    await rm(tmp, { recursive: true, force: true });
  }, 60_000);
  it("a note being written in the editor when the wizard is stopped leaves no plain text in the temp folder", async () => {
    const tmp = await mkdtemp(join(tmpdir(), "wizard-tmp-"));
    const note = "Heimlicher Gedanke zur Mutter";
    // The editor saves the note, then the wizard is stopped (SIGTERM) while the editor is still open.
    const editor = join(tmp, "..", `${basename(tmp)}-editor.sh`);
    await writeFile(editor, `#!/bin/sh\nprintf '%s\\n' '${note}' > "$1"\nkill -TERM $PPID\nsleep 1\n`, { mode: 0o700 });
    const t = new Terminal(["new", "--lang", "en"], { TMPDIR: tmp, EDITOR: editor, VISUAL: editor });
    try {
      await toTheNote(t);
      await t.expect("to open your editor", ENTER);
      expect(await t.done).not.toBe(0);
      expect(t.text).toContain("Interrupted.");
      await new Promise((r) => setTimeout(r, 1500)); // the editor ends
      expect(await plaintextFinds(tmp, [note])).toEqual([]);
      expect(await readdir(tmp)).toEqual([]);
    } finally {
      await rm(tmp, { recursive: true, force: true });
      await rm(editor, { force: true });
    }
  }, 60_000);

  it("asks for the kind first, and frames a reminder as one: the appointment required, in the future", async () => {
    const t = new Terminal(["new", "--lang", "en"]);
    await t.expect("For whom?", "k777");
    await t.expect("k777", ENTER);
    await t.expect("What kind of follow-up?", DOWN + DOWN + DOWN);
    await t.expect("Appointment reminder", ENTER);
    await t.expect("Photo (path", ENTER);
    await t.expect("Audio (path", ENTER);
    await t.expect("Text from the library", ENTER); // "(none)"
    await t.expect("Add an impulse?", ENTER);
    await t.expect("Write a personal note?", "n" + ENTER);
    await t.expect("Next appointment", ENTER);
    await t.expect("A reminder to k777 needs the appointment", "2020-01-01 10:00" + ENTER);
    await t.expect("lies in the past", "\x15" + "2027-12-02 16:00" + ENTER);
    await t.expect("Preview:");
    await t.expect("Send to k777 via folder?", ENTER);
    expect(await t.done).toBe(0);
    const preview = t.text.slice(t.text.indexOf("Preview:"));
    expect(preview).toContain("A short reminder of our next appointment.");
    expect(preview).toContain("We will meet on Thursday 2 December 2027, 16:00. The calendar entry is attached.");
    expect(preview).not.toContain("voluntary");
    expect(t.text).toMatch(/Follow-up for k777 delivered via folder/);
  }, 120_000);
});

describe.skipIf(!hasCommand("script"))("a prompt outside the wizard, ended with Ctrl-C or Ctrl-D", () => {
  // Ctrl-C gave "Internal error: User force closed the prompt with SIGINT" (exit 1); Ctrl-D ended
  // the process with exit 0 and nothing said, as if the command had succeeded.
  for (const [key, name] of [["\x03", "Ctrl-C"], ["\x04", "Ctrl-D"]] as const) {
    it(`${name} at send's confirmation: one line, exit 130, nothing queued or sent`, async () => {
      const t = new Terminal(["send", "k777", "--note", "Bis bald", "--channel", "folder"]);
      await t.expect("Send to k777 via folder?", key);
      expect(await t.done).toBe(130);
      expect(t.text).toMatch(/Interrupted\.\r?\n/);
      expect(t.text).not.toMatch(/Internal error/);
      expect(existsSync(join(home, "outbox")) ? (await readdir(join(home, "outbox"))).filter((f) => !f.startsWith(".")) : []).toEqual([]);
    });

    it(`${name} at the passphrase prompt: one line, exit 130; the prompt's hint is in the practice's language`, async () => {
      const t = new Terminal(["status"], { NACHKLANG_PASSPHRASE: "" });
      await t.expect("show/hide what is typed", key);
      expect(await t.done).toBe(130);
      expect(t.text).toMatch(/Interrupted\.\r?\n/);
      expect(t.text).not.toMatch(/toggle visibility|Internal error/);
    });
  }
});

describe.skipIf(!hasCommand("script"))("the wizard's template variables", () => {
  it("checks a value when it is typed, as the render will take it (it failed only after every further question)", async () => {
    // A home template listed first (ids are listed in order), with a whole number to ask for.
    await mkdir(join(home, "templates", "en"), { recursive: true });
    await writeFile(
      join(home, "templates", "en", "aa-count.md"),
      "---\nid: aa-count\nkind: homework\nlang: en\ntitle: Count the days\ndescription: d\nvariables:\n  days:\n    type: integer\n    required: true\n    sample: 7\n---\nFor {{ days }} days.\n",
    );
    const t = new Terminal(["new", "--lang", "en"]);
    try {
      await t.expect("For whom?", "k777");
      await t.expect("k777", ENTER);
      await t.expect("What kind of follow-up?", ENTER);
      await t.expect("Photo (path", ENTER);
      await t.expect("Audio (path", ENTER);
      await t.expect("Homework", DOWN + ENTER);
      await t.expect("days", "abc" + ENTER);
      await t.expect("Not a valid value for 'days'; expected: a whole number, e.g. 7.", "\x15" + "5" + ENTER);
      await t.expect("Add an impulse?", "\x03");
      expect(await t.done).toBe(130);
    } finally {
      await rm(join(home, "templates"), { recursive: true, force: true });
    }
  });
});

describe.skipIf(!hasCommand("script"))("the wizard refuses early", () => {
  it("a client without consent for their channel, right after choosing them (it asked every question first)", async () => {
    const t = new Terminal(["new", "--lang", "en"]);
    await t.expect("For whom?", "k001");
    await t.expect("k001", ENTER);
    expect(await t.done).toBe(4);
    expect(t.text).toMatch(/No current consent/i);
    expect(t.text).not.toContain("What kind of follow-up?");
  });
});

describe.skipIf(!hasCommand("script"))("the wizard without an editor", () => {
  it("says so in one line and takes the note on one line (inquirer's English error waited for good)", async () => {
    const t = new Terminal(["new", "--lang", "en"], { VISUAL: "", EDITOR: "/no/such/editor" });
    await toTheNote(t);
    await t.expect("No editor found (/no/such/editor, from VISUAL or EDITOR)");
    await t.expect("Note (one line; empty: none)", "Bis bald, ohne Editor." + ENTER);
    await t.expect("Next appointment", ENTER);
    await t.expect("Bis bald, ohne Editor.");
    await t.expect("Send to k777 via folder?", "\x03");
    expect(await t.done).toBe(130);
    expect(t.text).not.toMatch(/LaunchEditorError/);
  });
});
