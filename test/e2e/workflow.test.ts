/**
 * The daily job end to end through the real `bin/nachklang` with a temporary home and the
 * folder channel: send, dry-run, consent and WhatsApp refusals, contact hours across a
 * weekend, a daylight-saving change and holidays, batch validation, re-runs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateIdentity, identityToRecipient } from "../../src/age/index.js";
import { spawnSync } from "node:child_process";
import { cp, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { unlockKeyring } from "../../src/practice/keyring.js";
import { verifyBundle } from "../../src/bundle/open.js";
import { FIXTURES, PASSPHRASE, initHome, runCli, tempDir } from "../helpers/cli.js";

let template: string;
let cleanupTemplate: () => Promise<void>;
let scratch: string;
let cleanupScratch: () => Promise<void>;
let n = 0;

/** A fresh copy of a home with clients k001 (de, folder consent), k002 (en, no consent). */
async function freshHome(): Promise<string> {
  const home = join(scratch, `home-${n++}`);
  await cp(template, home, { recursive: true });
  return home;
}

const ok = async (args: string[], home: string, env: Record<string, string> = {}) => {
  const r = await runCli(args, { home, env });
  if (r.code !== 0) throw new Error(`${args.join(" ")} → ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r;
};

async function ls(dir: string): Promise<string[]> {
  return existsSync(dir) ? (await readdir(dir)).sort() : [];
}

async function openedMessages(home: string): Promise<{ client: string; message: string }[]> {
  const keyring = await unlockKeyring(join(home, "keyring.age"), PASSPHRASE);
  const files = (await ls(join(home, "handoff"))).filter((f) => f.endsWith(".age"));
  return Promise.all(
    files.map(async (f) => {
      const v = await verifyBundle(join(home, "handoff", f), { keys: { identities: [keyring.ageIdentity] }, signer: keyring.signing });
      return { client: v.manifest.client, message: v.manifest.message };
    }),
  );
}

beforeAll(async () => {
  const init = await initHome();
  template = init.home;
  cleanupTemplate = init.cleanup;
  ({ dir: scratch, cleanup: cleanupScratch } = await tempDir());
  // Age keys of their own: the folder channel hands over the sealed bundle.
  await ok(["client", "add", "k001", "--lang", "de", "--age-recipient", await identityToRecipient(generateIdentity())], template);
  await ok(["client", "add", "k002", "--lang", "en", "--age-recipient", await identityToRecipient(generateIdentity())], template);
  await ok(["consent", "record", "k001", "--channel", "folder", "--date", "2026-11-01"], template);
});
afterAll(async () => {
  await cleanupTemplate();
  await cleanupScratch();
});

describe("send", () => {
  it("delivers at once without contact hours, records the ledger, shows status and history", async () => {
    const home = await freshHome();
    const r = await ok(
      ["send", "k001", "--photo", `${join(FIXTURES, "tiny.jpg")}:Tafel`, "--note", "Schön, dass Sie da waren.", "--impulse", "book:Momo", "--appointment", "2027-12-02 16:00", "--yes"],
      home,
    );
    expect(r.stdout).toMatch(/delivered via folder: 2 items/);
    const [opened] = await openedMessages(home);
    expect(opened?.client).toBe("k001");
    expect(opened?.message).toContain("Schön, dass Sie da waren.");
    expect(opened?.message).toContain("– Buch: Momo");
    expect(opened?.message).toContain("Unser nächster Termin: Donnerstag, 2. Dezember 2027");
    const ledger = await readFile(join(home, "ledger", "events.jsonl"), "utf8");
    expect(ledger.trim().split("\n").map((l) => (JSON.parse(l) as { ev: string }).ev)).toEqual(["sealed", "queued", "sending", "sent"]);
    expect(ledger).not.toContain("k001");
    expect(ledger).not.toContain("Schön");
    const status = JSON.parse((await ok(["--json", "status", "k001"], home)).stdout) as { client: string; state: string }[];
    expect(status).toMatchObject([{ client: "k001", state: "sent" }]);
    await ok(["send", "k001", "--note", "Zweiter Nachklang", "--yes"], home);
    const history = JSON.parse((await ok(["--json", "history", "k001"], home)).stdout) as { id: string; items: number }[];
    expect(history).toHaveLength(2);
    expect(history[0]?.items).toBe(0);
    expect(history[1]?.items).toBe(2);
    // Outbox and archive: nothing waiting, both kept for the records.
    expect(await ls(join(home, "outbox"))).toEqual([]);
    expect(await ls(join(home, "archive"))).toHaveLength(2);
  });

  it("--dry-run prints exactly what would be sent and stores and sends nothing", async () => {
    const home = await freshHome();
    const before = await ls(home);
    const r = await ok(["send", "k001", "--photo", join(FIXTURES, "tiny.jpg"), "--note", "Bis bald", "--dry-run"], home);
    expect(r.stdout).toContain("Dry run: nothing stored, nothing sent.");
    expect(r.stdout).toContain("Hallo,\n\nBis bald\n\nAnbei: ein Foto aus unserer Sitzung.\n\nHerzliche Grüße\nPraxis Test");
    expect(r.stdout).toMatch(/photo foto-1\.jpg \(\d+(\.\d)? KiB\)/);
    expect(await ls(home)).toEqual(before);
    expect(await ls(join(home, "outbox"))).toEqual([]);
    expect(await ls(join(home, "handoff"))).toEqual([]);
    const json = JSON.parse((await ok(["--json", "send", "k001", "--note", "Bis bald", "--dry-run"], home)).stdout) as { message: string; dryRun: boolean };
    expect(json).toMatchObject({ dryRun: true });
    expect(json.message).toContain("Bis bald");
  });

  it("refuses without consent (exit 4) with the exact command, and stores nothing", async () => {
    const home = await freshHome();
    const r = await runCli(["send", "k002", "--note", "Hello", "--yes"], { home });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("nachklang consent record k002 --channel folder");
    expect(existsSync(join(home, "ledger", "events.jsonl"))).toBe(false);
    expect(await ls(join(home, "outbox"))).toEqual([]);
    // Withdrawn consent counts as none.
    await ok(["consent", "record", "k002", "--channel", "folder"], home);
    await ok(["consent", "withdraw", "k002", "--channel", "folder"], home);
    expect((await runCli(["send", "k002", "--note", "Hello", "--yes"], { home })).code).toBe(4);
    const shown = await ok(["consent", "show", "k002"], home);
    expect(shown.stdout).toMatch(/folder: given \d{4}-\d{2}-\d{2} \(version 1\), withdrawn/);
  });

  it("refuses WhatsApp as a channel, for consent, and in a batch (exit 4, with the reason)", async () => {
    const home = await freshHome();
    for (const args of [
      ["send", "k001", "--note", "x", "--channel", "whatsapp", "--yes"],
      ["consent", "record", "k001", "--channel", "WhatsApp"],
    ]) {
      const r = await runCli(args, { home });
      expect(r.code, args.join(" ")).toBe(4);
      expect(r.stderr).toMatch(/WhatsApp is not supported: professional chambers/);
    }
    const file = join(home, "wa.yaml");
    await writeFile(file, "followups:\n  - client: k001\n    channel: whatsapp\n    note: hi\n");
    const r = await runCli(["batch", file], { home });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/entry 1 \(k001\): WhatsApp is not supported/);
    expect(existsSync(join(home, "ledger", "events.jsonl"))).toBe(false);
  });
});

describe("contact hours", () => {
  it("queues outside hours and flushes across a weekend and the end of daylight-saving time", async () => {
    const home = await freshHome();
    await ok(["hours", "set", "mo-fr 09:00-18:00", "--tz", "Europe/Berlin"], home);
    // Saturday 24 October 2026, 14:00 CEST. Clocks go back on Sunday 25 October.
    const saturday = { NACHKLANG_NOW: "2026-10-24T14:00:00+02:00" };
    const sent = await ok(["send", "k001", "--note", "Wochenende", "--yes"], home, saturday);
    expect(sent.stdout).toContain("goes out Mon 2026-10-26 09:00 (Europe/Berlin)");
    expect(await ls(join(home, "handoff"))).toEqual([]);
    const listed = JSON.parse((await ok(["--json", "outbox", "list"], home, saturday)).stdout) as { client: string; due: string; state: string }[];
    expect(listed).toMatchObject([{ client: "k001", state: "queued", due: "2026-10-26T08:00:00.000Z" }]);
    // Sunday, and Monday 08:30 CET (still before nine): nothing goes out.
    for (const now of ["2026-10-25T12:00:00+01:00", "2026-10-26T08:30:00+01:00"]) {
      const r = await ok(["outbox", "flush"], home, { NACHKLANG_NOW: now });
      expect(r.stdout).toContain("Nothing due (1 waiting).");
    }
    expect(await ls(join(home, "handoff"))).toEqual([]);
    // 09:00:30 CET = 08:00:30Z (had the offset stayed +02:00, 09:00 would have been 07:00Z).
    const monday = await ok(["outbox", "flush"], home, { NACHKLANG_NOW: "2026-10-26T08:00:30Z" });
    expect(monday.stdout).toMatch(/k001: delivered via folder/);
    expect(await ls(join(home, "handoff"))).toHaveLength(1);
    expect((await ok(["outbox", "list"], home)).stdout).toContain("The outbox is empty.");
  });

  it("a flush after contact hours leaves a due follow-up for the next opening", async () => {
    const home = await freshHome();
    await ok(["hours", "set", "mo-fr 09:00-18:00", "--tz", "Europe/Berlin"], home);
    await ok(["send", "k001", "--note", "Wochenende", "--yes"], home, { NACHKLANG_NOW: "2026-11-28T14:00:00+01:00" });
    // Due Monday 09:00; the computer slept all day, and the timer's first flush runs at 20:00.
    const evening = await ok(["outbox", "flush"], home, { NACHKLANG_NOW: "2026-11-30T20:00:00+01:00" });
    expect(evening.stdout).toContain("Nothing due (1 waiting).");
    expect(await ls(join(home, "handoff"))).toEqual([]);
    const listed = await ok(["outbox", "list"], home, { NACHKLANG_NOW: "2026-11-30T20:00:00+01:00" });
    expect(listed.stdout).toContain("Tue 2026-12-01 09:00 (Europe/Berlin)");
    const tuesday = await ok(["outbox", "flush"], home, { NACHKLANG_NOW: "2026-12-01T09:00:00+01:00" });
    expect(tuesday.stdout).toMatch(/k001: delivered via folder/);
    expect(await ls(join(home, "handoff"))).toHaveLength(1);
  });

  it("a follow-up sealed by a run killed before it was queued waits for contact hours too", async () => {
    const home = await freshHome();
    await ok(["hours", "set", "mo-fr 09:00-18:00", "--tz", "Europe/Berlin"], home);
    await ok(["send", "k001", "--note", "Wochenende", "--yes"], home, { NACHKLANG_NOW: "2026-11-28T14:00:00+01:00" });
    // The run was killed between "sealed" and "queued": the ledger knows no due time.
    const events = join(home, "ledger", "events.jsonl");
    const lines = (await readFile(events, "utf8")).split("\n").filter((l) => !l.includes('"ev":"queued"'));
    await writeFile(events, lines.join("\n"));
    const sunday = await ok(["outbox", "flush"], home, { NACHKLANG_NOW: "2026-11-29T22:00:00+01:00" });
    expect(sunday.stdout).toContain("Nothing due (1 waiting).");
    const monday = await ok(["outbox", "flush"], home, { NACHKLANG_NOW: "2026-11-30T09:00:00+01:00" });
    expect(monday.stdout).toMatch(/k001: delivered via folder/);
  });

  it("waits over holidays, --now overrides, --at plans, cancel withdraws", async () => {
    const home = await freshHome();
    await ok(["hours", "set", "mo-fr 09:00-18:00", "--tz", "Europe/Berlin"], home);
    await ok(["hours", "off", "2026-12-23..2027-01-06"], home);
    const show = await ok(["hours", "show"], home, { NACHKLANG_NOW: "2026-12-23T10:00:00+01:00" });
    expect(show.stdout).toContain("Days off: 2026-12-23..2027-01-06");
    expect(show.stdout).toContain("next: Thu 2027-01-07 09:00 (Europe/Berlin)");
    const xmas = { NACHKLANG_NOW: "2026-12-23T10:00:00+01:00" };
    const queued = JSON.parse((await ok(["--json", "send", "k001", "--note", "Frohe Feiertage", "--yes"], home, xmas)).stdout) as { due: string; id: string; state: string };
    expect(queued).toMatchObject({ state: "queued", due: "2027-01-07T08:00:00.000Z" });
    const now = JSON.parse((await ok(["--json", "send", "k001", "--note", "Dringend", "--now", "--yes"], home, xmas)).stdout) as { state: string };
    expect(now.state).toBe("sent");
    const at = JSON.parse((await ok(["--json", "send", "k001", "--note", "Geplant", "--at", "2027-01-08 11:30", "--yes"], home, xmas)).stdout) as { due: string };
    expect(at.due).toBe("2027-01-08T10:30:00.000Z");
    const planOutside = JSON.parse((await ok(["--json", "send", "k001", "--note", "Sonntag", "--at", "2027-01-10 11:30", "--yes"], home, xmas)).stdout) as { due: string };
    expect(planOutside.due).toBe("2027-01-11T08:00:00.000Z");
    const cancelled = await ok(["outbox", "cancel", queued.id], home, xmas);
    expect(cancelled.stdout).toContain(`${queued.id} cancelled`);
    const flush = await ok(["--json", "outbox", "flush"], home, { NACHKLANG_NOW: "2027-01-11T09:00:00+01:00" });
    expect((JSON.parse(flush.stdout) as { results: unknown[] }).results).toHaveLength(2);
    expect(await ls(join(home, "handoff"))).toHaveLength(3);
    const messages = (await openedMessages(home)).map((m) => m.message);
    expect(messages.some((m) => m.includes("Frohe Feiertage"))).toBe(false);
  });

  it("rejects bad hours and bad clock overrides with one clear line", async () => {
    const home = await freshHome();
    const bad = await runCli(["hours", "set", "mo-fr 18-9"], { home }); // "9-18" is read since issue 24
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    const zone = await runCli(["hours", "set", "mo-fr 09:00-18:00", "--tz", "Europe/Atlantis"], { home });
    expect(zone.code).toBe(2);
    const clock = await runCli(["hours", "show"], { home, env: { NACHKLANG_NOW: "yesterday" } });
    expect(clock.code).toBe(2);
    expect(clock.stderr).toContain("NACHKLANG_NOW='yesterday' is not a time");
  });
});

describe("batch", () => {
  it("lists every problem at once before processing anything", async () => {
    const home = await freshHome();
    const file = join(home, "week.yaml");
    await writeFile(
      file,
      `defaults:
  note: "Danke für heute."
followups:
  - client: k001
    photos: [missing/board.jpg]
  - client: k999
  - client: k002
  - client: k001
    homework: { id: no-such-template, vars: { days: 7 } }
  - client: k001
    appointment: "next tuesday"
`,
    );
    const r = await runCli(["batch", file], { home });
    expect(r.code).toBe(4); // a missing consent is a refusal by policy
    const lines = r.stderr.trim().split("\n");
    expect(lines[0]).toMatch(/week\.yaml: 5 problems; nothing was processed or sent:/);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/entry 1 \(k001\): .*missing\/board\.jpg: file not found/),
      expect.stringMatching(/entry 2 \(k999\): No client 'k999'/),
      expect.stringMatching(/entry 3 \(k002\): No current consent from k002 for folder.*nachklang consent record k002 --channel folder/),
      expect.stringMatching(/entry 4 \(k001\): .*no-such-template/),
      expect.stringMatching(/entry 5 \(k001\): Cannot read the appointment 'next tuesday'/),
    ]);
    expect(existsSync(join(home, "ledger", "events.jsonl"))).toBe(false);
    expect(await ls(join(home, "outbox"))).toEqual([]);
    // Structural problems: exit 2, every one listed.
    await writeFile(file, "followups:\n  - client: k001\n    fotos: [a.jpg]\n  - note: x\n");
    const s = await runCli(["batch", file], { home });
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/entry 1 \(k001\): : unknown key\(s\) fotos|entry 1 \(k001\): -: unknown key\(s\) fotos/);
    expect(s.stderr).toMatch(/entry 2 \(\?\): client is missing/);
  });

  it("a note over 64 KiB in a CSV row or a YAML entry is one problem naming it (exit 2), as for send --note", async () => {
    const home = await freshHome();
    const csv = join(home, "huge.csv");
    await writeFile(csv, `client,note\nk001,${"D".repeat(5_000_000)}\n`);
    const c = await runCli(["batch", csv, "--dry-run"], { home });
    expect(c.code).toBe(2);
    expect(c.stderr).toBe(`${csv}: 1 problem; nothing was processed or sent:\n  line 2 (k001): note: the note is 4883 KiB; a note may be at most 64 KiB. Please shorten it.\n`);
    const yaml = join(home, "huge.yaml");
    // Counted in bytes, as send counts: 33 000 two-byte letters are 65 KiB.
    await writeFile(yaml, `followups:\n  - client: k001\n    note: "${"ä".repeat(33_000)}"\n  - client: k001\n    note: "${"ä".repeat(32_000)}"\n`);
    const y = await runCli(["batch", yaml], { home });
    expect(y.code).toBe(2);
    expect(y.stderr.trim().split("\n").slice(1)).toEqual(["  entry 1 (k001): note: the note is 65 KiB; a note may be at most 64 KiB. Please shorten it."]);
    expect(existsSync(join(home, "ledger", "events.jsonl"))).toBe(false);
    const send = await runCli(["send", "k001", "--note", "ä".repeat(33_000), "--dry-run"], { home });
    expect(send.code).toBe(2);
    expect(send.stderr).toBe("--note: the note is 65 KiB; a note may be at most 64 KiB. Please shorten it.\n");
  });

  it("sends a YAML batch once: a re-run sends nothing twice; CSV works too", async () => {
    const home = await freshHome();
    await ok(["consent", "record", "k002", "--channel", "folder"], home);
    await cp(join(FIXTURES, "tiny.jpg"), join(home, "shared.jpg"));
    const file = join(home, "week.yaml");
    await writeFile(
      file,
      `defaults:
  channel: folder
  photos: [shared.jpg]
followups:
  - client: k001
    note: "Schön, dass Sie heute da waren."
    impulses: [{ kind: quote, text: "Der Weg entsteht im Gehen." }]
  - client: k002
    note: "Thank you for today."
`,
    );
    const dry = await ok(["batch", file, "--dry-run"], home);
    expect(dry.stdout.split("\n")[0]).toBe("Dry run: nothing stored, nothing sent. 2 follow-ups would go like this:");
    const first = await ok(["batch", file], home);
    expect(first.stdout).toContain("2 follow-ups: 2 delivered, 0 in the outbox, 0 done before, 0 failed, 0 uncertain.");
    expect(first.stderr).toMatch(/sealing: 2\/2/); // plain progress lines when not a terminal
    const again = await ok(["batch", file], home);
    expect(again.stdout).toContain("2 follow-ups: 0 delivered, 0 in the outbox, 2 done before, 0 failed, 0 uncertain.");
    expect(await ls(join(home, "handoff"))).toHaveLength(2);
    const csv = join(home, "week.csv");
    await writeFile(csv, "client,note,channel\nk001,Kurz notiert,folder\nk002,Short note,\n");
    const c = JSON.parse((await ok(["--json", "batch", csv], home)).stdout) as { sent: number; followups: { client: string; status: string }[] };
    expect(c.sent).toBe(2);
    const messages = await openedMessages(home);
    expect(messages).toHaveLength(4);
    expect(messages.filter((m) => m.client === "k002").map((m) => m.message.split("\n\n")[1]).sort()).toEqual(["Short note", "Thank you for today."]);
  });

  it("exits 3 with a per-client report when some follow-ups fail; they wait in the outbox", async () => {
    const home = await freshHome();
    await ok(["consent", "record", "k002", "--channel", "folder"], home);
    // A hand-off folder that cannot be created (below a device file): delivery fails.
    await ok(["channels", "add", "folder", "--name", "broken", "--path", "/dev/null/handoff"], home);
    const file = join(home, "b.yaml");
    await writeFile(file, "followups:\n  - client: k001\n    note: fine\n  - client: k002\n    note: stuck\n    channel: broken\n");
    const r = await runCli(["batch", file], { home });
    expect(r.code).toBe(3);
    // Report lines and summary on one stream (stdout), in order; stderr has progress only.
    const report = r.stdout.trimEnd().split("\n");
    expect(report).toEqual([
      expect.stringMatching(/^k001: delivered via folder/),
      expect.stringMatching(/^k002: FAILED Hand-off folder \/dev\/null\/handoff is not writable/),
      "2 follow-ups: 1 delivered, 0 in the outbox, 0 done before, 1 failed, 0 uncertain.",
    ]);
    expect(r.stderr).not.toMatch(/k002|FAILED/);
    const listed = JSON.parse((await ok(["--json", "outbox", "list"], home)).stdout) as { client: string; state: string }[];
    expect(listed).toMatchObject([{ client: "k002", state: "failed" }]);
  });
});

describe("outbox flush", () => {
  it("a follow-up whose channel was removed fails once, then waits for the practitioner", async () => {
    const home = await freshHome();
    const monday = { NACHKLANG_NOW: "2026-11-30T10:00:00+01:00" };
    await ok(["channels", "add", "folder", "--name", "zweit", "--path", join(home, "zweit")], home, monday);
    const queued = JSON.parse((await ok(["--json", "send", "k001", "--note", "Bis bald.", "--channel", "zweit", "--at", "2026-11-30T11:00:00+01:00", "--yes"], home, monday)).stdout) as { id: string };
    await ok(["channels", "remove", "zweit"], home, monday);
    const later = { home, env: { NACHKLANG_NOW: "2026-11-30T11:00:00+01:00" } };
    const first = await runCli(["outbox", "flush"], later);
    expect(first.code, first.stderr).toBe(1);
    expect(first.stderr).toMatch(/^k001: .*zweit/m);
    // Waiting cannot bring the channel back: the timer's next flushes do not fail again (exit 0).
    const second = await runCli(["outbox", "flush"], later);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/Not tried again \(failed for good\): 1/);
    expect((await ok(["outbox", "list"], home)).stdout).toContain(queued.id);
  });

  it("a damaged bundle in the outbox fails once, then waits for the practitioner", async () => {
    const home = await freshHome();
    const monday = { NACHKLANG_NOW: "2026-11-30T10:00:00+01:00" };
    const queued = JSON.parse((await ok(["--json", "send", "k001", "--note", "Bis bald.", "--at", "2026-11-30T11:00:00+01:00", "--yes"], home, monday)).stdout) as { id: string };
    const bundle = join(home, "outbox", `${queued.id}.age`);
    const bytes = await readFile(bundle);
    bytes.fill(0x41, bytes.length - 40, bytes.length - 20);
    await writeFile(bundle, bytes);
    const later = { home, env: { NACHKLANG_NOW: "2026-11-30T11:00:00+01:00" } };
    // Integrity, as the README's exit codes say for a bundle that fails its checks.
    const first = await runCli(["outbox", "flush"], later);
    expect(first.code, first.stderr).toBe(5);
    expect(first.stderr).toMatch(/^k001: /m);
    const second = await runCli(["outbox", "flush"], later);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/Not tried again \(failed for good\): 1/);
  });
});

describe("after a killed run", () => {
  it("a workflow command that stages nothing still removes the staging folder a dead process left in the outbox", async () => {
    const home = await freshHome();
    // The id of a process that has ended, and a staging folder named as that process names it.
    const dead = Number(spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout);
    const outbox = join(home, "outbox");
    await mkdir(outbox, { recursive: true, mode: 0o700 });
    const staging = join(outbox, `.staging-pid${dead}-Ab12Cd`);
    await mkdir(staging, { mode: 0o700 });
    await writeFile(join(staging, "board.jpg"), "plaintext of a follow-up");
    // A running process's folder stays: it may still be working in it.
    const alive = join(outbox, `.staging-pid${process.pid}-Ef34Gh`);
    await mkdir(alive, { mode: 0o700 });
    await ok(["status"], home);
    expect(await ls(outbox)).toEqual([`.staging-pid${process.pid}-Ef34Gh`]);
  });
});
