/**
 * A client's rights through the real CLI: the export (GDPR Art. 15/20) opens with the stock
 * `age` CLI and the client's own key and holds exactly what is stored — registry entry, consent
 * history, every follow-up with its items as sent, the messages the client sent (text and files,
 * received through the signal-cli emulator), the contact time with notes — with a manifest
 * the practice signed; `client forget` (Art. 17) deletes contact details and waiting follow-ups
 * and leaves every kept record untouched.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { generateIdentity, identityToRecipient } from "../../src/age/index.js";
import { FIXTURES, initHome, runCli } from "../helpers/cli.js";
import { plaintextFinds } from "../helpers/home.js";
import { missing } from "../helpers/tools.js";
import { SignalCliEmulator } from "../channels/signal/emulator.js";

let home: string;
let work: string;
let cleanup: () => Promise<void>;
let clientKey: string;
const NOW = { NACHKLANG_NOW: "2026-12-02T10:00:00+01:00" };
const NOTE = "Telefonat über die Panikattacken im Bus";
const MESSAGE = "Schön, dass Sie heute da waren, Frau Kellermann.";
const sent: string[] = [];
let queued: string;
let emulator: SignalCliEmulator;
let diaryPage: Buffer;
const ACCOUNT = "+4930123456";
const PHONE = "+4915112345678";
const REPLY = "Ich habe die Übung jeden Abend gemacht, Seite anbei.";
const LATE = "Noch ein Gedanke zur Übung von gestern.";
const LATER = "Und noch etwas, bevor Sie antworten.";

async function ok(args: string[]): Promise<string> {
  const r = await runCli(args, { home, env: NOW });
  expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

beforeAll(async () => {
  emulator = await SignalCliEmulator.start({ accounts: [ACCOUNT] });
  ({ home, cleanup } = await initHome());
  work = join(home, "..", "work");
  await mkdir(work);
  const identity = generateIdentity();
  clientKey = join(work, "client.key");
  await writeFile(clientKey, `${identity}\n`, { mode: 0o600 });
  await ok(["channels", "add", "signal", "--account", ACCOUNT, "--rpc-url", emulator.url]);
  await ok(["client", "add", "k1", "--name", "Annegret Kellermann", "--email", "annegret.kellermann@example.org", "--phone", PHONE, "--age-recipient", await identityToRecipient(identity)]);
  await ok(["consent", "record", "k1", "--channel", "folder", "--date", "2026-11-20"]);
  await ok(["consent", "record", "k1", "--channel", "signal", "--date", "2026-11-20"]);
  // k1 writes back: a text and a photo of a diary page, taken in and read.
  diaryPage = await readFile(join(FIXTURES, "tiny.jpg"));
  emulator.clientMessage(PHONE, { text: REPLY, attachments: [{ mime: "image/jpeg", filename: "Tagebuch Seite 3.jpg", data: diaryPage }], serverReceivedTimestamp: Date.parse("2026-12-02T09:30:00+01:00") });
  await ok(["inbox", "fetch"]);
  await ok(["inbox", "read", "k1"]);
  await ok(["client", "add", "k2", "--name", "Bernhard Rothenberg"]);
  await ok(["consent", "record", "k2", "--channel", "folder"]);
  for (const args of [
    ["k1", "--note", MESSAGE, "--photo", `${join(FIXTURES, "tiny.jpg")}:Tafel`, "--now"],
    ["k1", "--note", "Zweiter Nachklang", "--now"],
  ]) sent.push((JSON.parse(await ok(["--json", "send", ...args, "--yes"])) as { id: string }).id);
  await ok(["hours", "set", "mo-fr 09:00-10:00", "--tz", "Europe/Berlin"]);
  queued = (JSON.parse(await ok(["--json", "send", "k1", "--note", "Wartet noch", "--at", "2027-12-09 09:30", "--yes"])) as { id: string }).id;
  // k2 has no age key: what reaches them is the offline viewer, under a passphrase agreed for this follow-up.
  const sendViewer = join(work, "send-viewer.txt");
  await writeFile(sendViewer, "Bernhard-Passphrase-2026\n", { mode: 0o600 });
  await ok(["send", "k2", "--note", "Für Bernhard", "--viewer-passphrase-file", sendViewer, "--now", "--yes"]);
  const noteFile = join(work, "note.txt");
  await writeFile(noteFile, NOTE);
  await ok(["time", "log", "k1", "25m", "--kind", "phone", "--note-file", noteFile, "--on", "2026-12-01"]);
  await ok(["time", "log", "k2", "10m"]);
  await ok(["group", "add", "Dienstagsgruppe", "k1", "k2"]);
  await ok(["group", "add", "Einzelgruppe", "k2"]);
});
afterAll(async () => {
  await emulator.stop();
  await cleanup();
});

describe.skipIf(missing("age") || missing("minisign"))("client export", () => {
  it("opens with stock age and the client's key and holds everything stored about the client", async () => {
    const out = join(work, "export.age");
    // k1 has an age key but no viewer passphrase: --viewer says that (it said "neither an age key nor …").
    const viewer = await runCli(["client", "export", "k1", "--out", join(work, "k1.html"), "--viewer"], { home, env: NOW });
    expect([viewer.code, viewer.stderr]).toEqual([2, "--viewer: 'k1' has no viewer passphrase; run 'nachklang client passphrase k1 --generate' or give --viewer-passphrase-file (without --viewer the export is sealed to their age key).\n"]);
    await ok(["client", "export", "k1", "--out", out]);
    const dir = join(work, "opened");
    await mkdir(dir);
    const age = spawnSync("sh", ["-c", `age -d -i '${clientKey}' '${out}' | tar -x -C '${dir}'`], { encoding: "utf8" });
    expect(age.status, age.stderr).toBe(0);
    const items = (await readdir(join(dir, "items"))).sort();
    const id = (i: number) => `followup-2026-12-02-${sent[i]!}`;
    const received = items.filter((name) => name.startsWith("message-"));
    expect(received).toEqual([expect.stringMatching(/^message-2026-12-02-[0-9a-f]{8}-1-Tagebuch-Seite-3\.jpg$/)]);
    expect(items.filter((name) => !received.includes(name))).toEqual(
      [
        "README.txt",
        "client.json",
        "consents.json",
        "contact-time.json",
        "followups.json",
        "groups.json",
        "messages.json",
        `${id(0)}-message.txt`,
        `${id(0)}-photo-1.jpg`,
        `${id(1)}-message.txt`,
        `followup-2026-12-02-${queued}-message.txt`,
      ].sort(),
    );
    const read = (name: string) => readFile(join(dir, "items", name), "utf8");
    const record = JSON.parse(await read("client.json")) as { name: string; email: string };
    expect([record.name, record.email]).toEqual(["Annegret Kellermann", "annegret.kellermann@example.org"]);
    expect(JSON.parse(await read("consents.json"))).toEqual([
      { channel: "folder", date: "2026-11-20", infoVersion: "1" },
      { channel: "signal", date: "2026-11-20", infoVersion: "1" },
    ]);
    // The groups k1 is in (their names may say something about the treatment), not k2's others.
    expect(JSON.parse(await read("groups.json"))).toEqual(["Dienstagsgruppe"]);
    expect(await read(`${id(0)}-message.txt`)).toContain(MESSAGE);
    const time = JSON.parse(await read("contact-time.json")) as { minutes: number; note: string }[];
    expect(time).toEqual([expect.objectContaining({ day: "2026-12-01", minutes: 25, kind: "phone", note: NOTE })]);
    const history = JSON.parse(await read("followups.json")) as { bundle: string; state: string }[];
    expect(history.map((h) => [h.bundle, h.state])).toEqual([
      [sent[0], "sent"],
      [sent[1], "sent"],
      [queued, "queued"],
    ]);
    // The message k1 sent: its text, when it arrived and was read, and the photo byte for byte.
    const messages = JSON.parse(await read("messages.json")) as { text: string; arrived: string; read: string | null; channel: string; files: { name: string; file: string; sha256: string }[] }[];
    expect(messages).toEqual([
      expect.objectContaining({ text: REPLY, arrived: "2026-12-02T08:30:00.000Z", read: "2026-12-02T09:00:00.000Z", channel: "signal", files: [expect.objectContaining({ name: "Tagebuch Seite 3.jpg", file: received[0] })] }),
    ]);
    expect(await readFile(join(dir, "items", received[0]!))).toEqual(diaryPage);
    expect(messages[0]!.files[0]!.sha256).toBe(createHash("sha256").update(diaryPage).digest("hex"));
    expect(await read("README.txt")).toMatch(/1 message you sent to the practice/);
    // Nothing of another client.
    for (const name of items) expect(await read(name)).not.toMatch(/Bernhard|Für Bernhard/);
    // The photo as it was sent: the same bytes as in the archived bundle's manifest.
    const manifest = JSON.parse(await readFile(join(dir, "manifest.json"), "utf8")) as { items: { path: string; sha256: string }[] };
    const photo = manifest.items.find((i) => i.path.endsWith("photo-1.jpg"))!;
    expect(createHash("sha256").update(await readFile(join(dir, photo.path))).digest("hex")).toBe(photo.sha256);
    // The manifest is the practice's: minisign verifies it with the practice's public key.
    const pub = join(work, "practice.pub");
    await ok(["keys", "export", "--minisign", pub]);
    const verify = spawnSync("minisign", ["-V", "-H", "-p", pub, "-m", join(dir, "manifest.json"), "-x", join(dir, "manifest.json.minisig")], { encoding: "utf8" });
    expect(verify.status, verify.stderr).toBe(0);
    // A key that is not the client's opens nothing.
    const stranger = join(work, "stranger.key");
    await writeFile(stranger, `${generateIdentity()}\n`);
    expect(spawnSync("age", ["-d", "-i", stranger, out]).status).not.toBe(0);
  });

  it("holds the messages that arrived but were not decoded yet", async () => {
    // Fetching takes the message in sealed; decoding waits for the keys (the next `inbox`).
    emulator.clientMessage(PHONE, { text: LATE, serverReceivedTimestamp: Date.parse("2026-12-02T09:40:00+01:00") });
    await ok(["inbox", "fetch"]);
    expect((await readdir(join(home, "inbox", "incoming"))).length).toBe(1);
    const out = join(work, "export-late.age");
    const said = await ok(["client", "export", "k1", "--out", out]);
    expect(said).toMatch(/2 messages received/);
    const dir = join(work, "opened-late");
    await mkdir(dir);
    const age = spawnSync("sh", ["-c", `age -d -i '${clientKey}' '${out}' | tar -x -C '${dir}'`], { encoding: "utf8" });
    expect(age.status, age.stderr).toBe(0);
    const messages = JSON.parse(await readFile(join(dir, "items", "messages.json"), "utf8")) as { text: string }[];
    expect(messages.map((m) => m.text)).toEqual([REPLY, LATE]);
  });

  it("as an offline viewer for a client without an age key", async () => {
    const passphraseFile = join(work, "viewer.txt");
    await writeFile(passphraseFile, "wolke-apfel-tisch-garten-17");
    const out = join(work, "export-k2.html");
    await ok(["client", "export", "k2", "--out", out, "--viewer-passphrase-file", passphraseFile]);
    const html = await readFile(out, "utf8");
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).not.toContain("Bernhard");
    expect(html).not.toContain("Für Bernhard");
    // Without a key or passphrase: one line, exit 2.
    const r = await runCli(["client", "export", "k2", "--out", join(work, "x.html")], { home, env: NOW });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/neither an age key nor a viewer passphrase/);
    // Not into the practice folder: it would stay there, in every backup.
    const inHome = join(home, "export-k2.html");
    const inside = await runCli(["client", "export", "k2", "--out", inHome, "--viewer-passphrase-file", passphraseFile], { home, env: NOW });
    expect([inside.code, inside.stderr]).toEqual([2, `The export must not be inside the practice folder (${inHome}): it would stay there, in every backup; please choose a place outside it.\n`]);
  });
});

describe("client forget", () => {
  it("deletes contact details and waiting follow-ups, and keeps the records", async () => {
    const ledgerBefore = (await readFile(join(home, "ledger", "events.jsonl"), "utf8")).trim().split("\n");
    const timeBefore = await readFile(join(home, "records", "time.jsonl"), "utf8");
    const archiveBefore = (await readdir(join(home, "archive"))).sort();
    // k1's photo, processed for the follow-up, waits in the media cache (sealed, but not per client).
    const cached = (await readdir(join(home, "cache", "media"))).length;
    expect(cached).toBeGreaterThan(0);

    // A message that arrived and waits to be decoded is k1's record too: kept, without the
    // sender's number (before, it stayed sealed under the number, for the next client with it).
    emulator.clientMessage(PHONE, { text: LATER, serverReceivedTimestamp: Date.parse("2026-12-02T09:50:00+01:00") });
    await ok(["inbox", "fetch"]);
    const noTty = await runCli(["client", "forget", "k1"], { home, env: NOW });
    expect(noTty.code).toBe(2);
    const r = await runCli(["client", "forget", "k1", "--yes"], { home, env: NOW });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Deleted for k1: phone number, e-mail address, age key; 1 waiting follow-up; 2 hand-over copies/);
    expect(r.stdout).toMatch(/Kept .*2 follow-ups sent, in the archive; 3 messages received; the ledger; 1 time entry – until 2036-12-02/);
    expect(r.stdout).toMatch(/^Media cache emptied \(\d+ entr(y|ies)\): it is not kept per client/m);
    expect(await readdir(join(home, "cache", "media"))).toEqual([]);

    // Kept: archive, ledger lines (plus one "cancelled"), time entries, messages received, the entry with name and consents.
    const kept = await readdir(join(home, "inbox", "messages"));
    expect(kept).toHaveLength(3);
    expect(await readdir(join(home, "inbox", "incoming"))).toEqual([]);
    // The message stays, without the number it came from: that is contact data, deleted with the rest.
    if (!missing("age")) {
      const practiceKey = join(work, "practice-identity.txt");
      await ok(["keys", "export", "--identity", practiceKey]);
      const opened = kept.map((name) => JSON.parse(execFileSync("age", ["-d", "-i", practiceKey, join(home, "inbox", "messages", name)], { encoding: "utf8" })) as { from: string; text?: string });
      expect(opened.map((m) => m.from)).toEqual(["", "", ""]);
      expect(opened.map((m) => m.text).sort()).toEqual([REPLY, LATE, LATER].sort());
    }
    expect((await readdir(join(home, "archive"))).sort()).toEqual(archiveBefore);
    for (const b of sent) expect((await runCli(["verify", join(home, "archive", `${b}.age`)], { home })).code).toBe(0);
    const ledgerAfter = (await readFile(join(home, "ledger", "events.jsonl"), "utf8")).trim().split("\n");
    expect(ledgerAfter.slice(0, ledgerBefore.length)).toEqual(ledgerBefore);
    expect(ledgerAfter.slice(ledgerBefore.length).map((l) => (JSON.parse(l) as { ev: string }).ev)).toEqual(["received", "cancelled"]);
    expect(await readFile(join(home, "records", "time.jsonl"), "utf8")).toBe(timeBefore);
    const shown = JSON.parse(await ok(["--json", "client", "show", "k1"])) as Record<string, unknown>;
    expect(shown).toMatchObject({ alias: "k1", name: "Annegret Kellermann", email: null, ageRecipient: null });
    expect((shown.consents as { withdrawn?: string }[]).every((c) => c.withdrawn !== undefined)).toBe(true);

    // Deleted: the waiting follow-up and the hand-over copies; k2's copy stays.
    expect(await readdir(join(home, "outbox"))).toEqual([]);
    expect((await readdir(join(home, "handoff"))).filter((f) => sent.some((b) => f.startsWith(b)))).toEqual([]);
    expect((await readdir(join(home, "handoff"))).filter((f) => f.endsWith(".age"))).toHaveLength(1);
    // The alias stays taken while the records are kept, and it is said why.
    const again = await runCli(["client", "add", "k1"], { home, env: NOW });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^'k1' is the alias of a client forgotten on 2026-12-\d\d \(GDPR Art\. 17\) whose records are kept; nothing was changed\. A new client needs another alias\.\n$/);
    // Nothing goes to k1 any more (no consent), and k2 is untouched.
    expect((await runCli(["send", "k1", "--note", "x", "--now", "--yes"], { home, env: NOW })).code).toBe(4);
    expect((JSON.parse(await ok(["--json", "time", "list", "k2"])) as { entries: unknown[] }).entries).toHaveLength(1);
    // k1's records stay as they are: contact time is neither moved (which pushed the retention
    // past the date forget printed) nor removed, and nothing is answered or configured for k1.
    const [entry] = (JSON.parse(await ok(["--json", "time", "list", "k1"])) as { entries: { id: string }[] }).entries;
    for (const args of [
      ["time", "edit", entry!.id, "--on", "2026-12-02"],
      ["time", "remove", entry!.id],
      ["inbox", "receipts", "off", "k1"],
      ["inbox", "reply", "k1", "--note", "Danke", "--yes"],
    ]) {
      const refused = await runCli(args, { home, env: NOW });
      expect([refused.code, refused.stderr], args.join(" ")).toEqual([2, "'k1' was forgotten on 2026-12-02 (GDPR Art. 17): nothing more is recorded for or sent to them; nothing was changed. For a new start, please add the client under a new alias.\n"]);
    }
    expect(await readFile(join(home, "records", "time.jsonl"), "utf8")).toBe(timeBefore);
    // A new client with the number k1 had gets none of k1's messages.
    await ok(["client", "add", "k9", "--phone", PHONE]);
    expect(await ok(["inbox"])).not.toMatch(/k9/);
    // And the home names nobody, in any file.
    expect(await plaintextFinds(home, ["Annegret", "Kellermann", "annegret.kellermann", "Bernhard", "Rothenberg", "Panikattacken", "Schön, dass", "jeden Abend", "Tagebuch", "Noch ein Gedanke", "bevor Sie antworten", PHONE.slice(3)])).toEqual([]);
  });
});

describe("client forget and retention", () => {
  it("an erasure request does not restart the retention: the records go ten years after the last real contact", async () => {
    const p = await initHome();
    try {
      const run = async (now: string, args: string[]) => {
        const r = await runCli(args, { home: p.home, env: { NACHKLANG_NOW: now } });
        expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
        return r.stdout;
      };
      const SEEN = "2016-03-01T10:00:00+01:00";
      await run(SEEN, ["client", "add", "k9", "--name", "Frieda Alt", "--age-recipient", await identityToRecipient(generateIdentity())]);
      await run(SEEN, ["consent", "record", "k9", "--channel", "folder", "--date", "2016-03-01"]);
      await run(SEEN, ["time", "log", "k9", "50m", "--on", "2016-03-01"]);
      // A follow-up that never went out: forget cancels it in the ledger, years later.
      await run(SEEN, ["send", "k9", "--note", "Wartet", "--at", "2016-06-01 10:00", "--yes"]);
      const FORGET = "2026-12-04T10:00:00+01:00";
      const forget = await run(FORGET, ["client", "forget", "k9", "--yes"]);
      // Asked again: nothing more to delete, said as such (it repeated the first run's report).
      expect(await run(FORGET, ["client", "forget", "k9", "--yes"])).toBe("'k9' was already forgotten on 2026-12-04 (GDPR Art. 17); there is nothing more to delete. The records go when their retention ends ('nachklang records purge --dry-run' shows when).\n");
      expect(forget).toMatch(/1 waiting follow-up/);
      expect(forget).toMatch(/until 2026-03-01\./);
      // Nothing more is recorded for a forgotten client: contact time would move the date the
      // records go, a consent would reopen the way to them.
      const line = "'k9' was forgotten on 2026-12-04 (GDPR Art. 17): nothing more is recorded for or sent to them; nothing was changed. For a new start, please add the client under a new alias.\n";
      for (const args of [["time", "log", "k9", "20m"], ["consent", "record", "k9", "--channel", "folder"]]) {
        const refused = await runCli(args, { home: p.home, env: { NACHKLANG_NOW: FORGET } });
        expect([refused.code, refused.stderr], args.join(" ")).toEqual([2, line]);
      }
      expect(await run(FORGET, ["records", "purge", "--dry-run"])).toMatch(/Would delete k9: last contact 2016-03-01, kept until 2026-03-01; 1 follow-up,/);
      await run(FORGET, ["records", "purge"]);
      expect(await run(FORGET, ["--json", "client", "list"])).not.toMatch(/k9/);
    } finally {
      await p.cleanup();
    }
  });
});
