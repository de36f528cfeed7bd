/**
 * End to end through the real CLI against the signal-cli emulator: a client's message with a
 * photo waits in signal-cli (manual receive mode), `inbox fetch` stores it sealed, `inbox read`
 * shows it and then sends the read receipt, which the emulator checks against what it handed
 * out. Then the away notice, on the test clock: once per off-period, never inside contact hours,
 * sent late by a command holding the keys while the off-period lasts, dropped after it.
 */
import { createHash, randomBytes } from "node:crypto";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initHome, runCli } from "../helpers/cli.js";
import { filesUnder } from "../helpers/home.js";
import { SignalCliEmulator } from "../channels/signal/emulator.js";
import { pendingEnvelopes, plaintextHits } from "./helpers.js";

const ACCOUNT = "+4930123456";
const PHONE = "+4915112345678";
const NAME = "Jonas Beispiel";
const TEXT = "Ich habe das Wertebild gemalt, hier ist es.";
/** Berlin times (CET, +01:00) around a weekend; contact hours mo-fr 09:00-17:00. */
const at = (day: string, time: string) => `2026-12-${day}T${time}:00+01:00`;
const ms = (iso: string) => Date.parse(iso);

describe("inbox through Signal: fetch, list, read, receipt, away notice", () => {
  let home: string;
  let cleanup: () => Promise<void>;
  let emulator: SignalCliEmulator;
  let photo: Buffer;
  let firstTimestamp = 0;
  const cli = (args: string[], now: string) => runCli(args, { home, env: { NACHKLANG_NOW: now } });
  const notices = () => emulator.sends.filter((s) => s.message?.includes("0800 111 0 111"));

  beforeAll(async () => {
    emulator = await SignalCliEmulator.start({ accounts: [ACCOUNT] });
    ({ home, cleanup } = await initHome());
    for (const args of [
      ["channels", "add", "signal", "--account", ACCOUNT, "--rpc-url", emulator.url],
      ["client", "add", "k9", "--lang", "de", "--name", NAME, "--phone", PHONE, "--channel", "signal"],
      ["consent", "record", "k9", "--channel", "signal"],
      ["hours", "set", "mo-fr 09:00-17:00", "--tz", "Europe/Berlin"],
    ]) {
      const result = await cli(args, at("07", "10:00"));
      if (result.code !== 0) throw new Error(`${args.join(" ")}: ${result.stderr}`);
    }
    photo = await sharp({ create: { width: 40, height: 30, channels: 3, background: "#aa3300" } }).jpeg().toBuffer();
  });
  afterAll(async () => {
    await emulator.stop();
    await cleanup();
  });

  it("fetches a client's message with its attachment and stores it sealed, without the keys", async () => {
    const sent = (firstTimestamp = emulator.clientMessage(PHONE, { text: TEXT, attachments: [{ mime: "image/jpeg", filename: "werte.jpg", data: photo }], sourceName: NAME, serverReceivedTimestamp: ms(at("07", "10:00")) }));
    emulator.clientTyping(PHONE);
    emulator.clientMessage(PHONE, { text: "in der Gruppe", group: true });
    // No passphrase: fetching runs while the practice is locked (e.g. from cron).
    const result = await runCli(["inbox", "fetch"], { home, env: { NACHKLANG_NOW: at("07", "10:01"), NACHKLANG_PASSPHRASE: undefined } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("1 message via signal stored, sealed.");
    expect(emulator.waitingCount).toBe(0);
    expect(emulator.delivered.get(PHONE)).toContain(sent);
    expect(await pendingEnvelopes(home)).toBe(1);
    expect(await plaintextHits(home, [TEXT, NAME, PHONE, "werte.jpg"])).toEqual([]);
  });

  it("lists it without content and sends no receipt before reading", async () => {
    const result = await cli(["inbox"], at("07", "10:05"));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("k9: 1 unread since Mon 2026-12-07 10:00 (Europe/Berlin), 1 file (signal)");
    expect(result.stdout).not.toContain(TEXT);
    expect(result.stdout).not.toContain(NAME);
    expect(emulator.receipts).toEqual([]);
    expect(emulator.calls).not.toContain("sendReceipt");
  });

  it("speaks German when asked: the list, and one German line for bad input with its exit code", async () => {
    const de = (args: string[]) => cli(["--lang", "de", ...args], at("07", "10:06"));
    const listed = await de(["inbox"]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain("k9: 1 ungelesen seit");
    expect(listed.stdout).toContain("1 Datei (signal)");
    expect(listed.stdout).not.toContain(TEXT);
    for (const [args, pattern] of [
      [["inbox", "receipts", "vielleicht"], /„vielleicht“: bitte „on“ oder „off“ angeben\./],
      [["hours", "away-notice", "manchmal"], /„manchmal“: bitte „on“ oder „off“ angeben\./],
      [["inbox", "serve"], /Kein Threema-Kanal „threema“\./],
      [["inbox", "fetch", "--channel", "nirgends"], /Kein Kanal „nirgends“ eingerichtet\./],
    ] as const) {
      const bad = await de([...args]);
      expect(bad.code, `${args.join(" ")}: ${bad.stderr}`).toBe(2);
      expect(bad.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
      expect(bad.stderr, args.join(" ")).toMatch(pattern);
      expect(bad.stderr).not.toMatch(/\bat .+\.js:\d+/);
    }
    expect(emulator.receipts).toEqual([]);
  });

  it("shows it when read, then sends one read receipt naming the message's timestamp", async () => {
    const out = join(home, "..", "k9-files");
    const result = await cli(["inbox", "read", "k9", "--out", out], at("07", "10:10"));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(TEXT);
    expect(await readFile(join(out, "werte.jpg"))).toEqual(photo);
    expect(emulator.violations).toEqual([]);
    expect(emulator.receipts).toEqual([{ recipient: PHONE, targetTimestamps: [firstTimestamp], type: "read" }]);
    await cli(["inbox", "read", "k9"], at("07", "10:11"));
    expect(emulator.receipts).toHaveLength(1);
    expect(await plaintextHits(home, [TEXT, NAME, PHONE, "werte.jpg"])).toEqual([]);
    // Nothing in the home — no file name, no ledger id — can be computed from the number and the
    // time without the practice's key: earlier versions named the message by such a hash, which
    // told anyone with the disk which number wrote.
    const unkeyed = createHash("sha256").update(`nachklang inbox v1\0signal\0${PHONE}:${firstTimestamp}`).digest("hex").slice(0, 32);
    const naming: string[] = [];
    for (const path of await filesUnder(home)) if (path.includes(unkeyed) || (await readFile(path)).includes(unkeyed)) naming.push(path);
    expect(naming).toEqual([]);
    expect(await readdir(join(home, "inbox", "incoming"))).toEqual([]);
  });

  it("sends no receipt when receipts are off for the client", async () => {
    expect((await cli(["inbox", "receipts", "off", "k9"], at("07", "10:12"))).code).toBe(0);
    emulator.clientMessage(PHONE, { text: "noch etwas", serverReceivedTimestamp: ms(at("07", "10:13")) });
    await cli(["inbox", "fetch"], at("07", "10:14"));
    const read = await cli(["inbox", "read", "k9"], at("07", "10:15"));
    expect(read.stdout).toContain("noch etwas");
    expect(read.stdout).toContain("No read receipt: switched off for k9");
    expect(emulator.receipts).toHaveLength(1);
    expect((await cli(["inbox", "receipts", "on", "k9"], at("07", "10:16"))).code).toBe(0);
  });

  it("says one line and exits 1 on a malformed answer, losing nothing already stored", async () => {
    emulator.answerReceive({ not: "a list" });
    const bad = await cli(["inbox", "fetch"], at("07", "11:00"));
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(bad.stderr).toMatch(/answered something nachklang does not understand/);

    emulator.clientMessage(PHONE, { text: "Trotz allem angekommen.", serverReceivedTimestamp: ms(at("07", "11:01")) });
    emulator.answerReceive([...emulator.takeWaiting(), "garbage", { envelope: { timestamp: "yesterday" } }]);
    const partly = await cli(["inbox", "fetch"], at("07", "11:02"));
    expect(partly.code).toBe(1);
    expect(partly.stdout).toContain("1 message via signal stored");
    expect(partly.stderr.trim().split("\n")).toHaveLength(1);
    const read = await cli(["inbox", "read", "k9"], at("07", "11:03"));
    expect(read.stdout).toContain("Trotz allem angekommen.");
    expect(emulator.violations).toEqual([]);
  });

  it("takes attachments within the size limit and lists a larger one as not taken, without fetching it", async () => {
    const configFile = join(home, "config.json");
    const original = await readFile(configFile, "utf8");
    const config = JSON.parse(original) as Record<string, unknown>;
    // 0.01 MB: the small photo fits, 20 KiB of document does not.
    await writeFile(configFile, JSON.stringify({ ...config, inbox: { ...(config.inbox as object), maxFileMB: 0.01 } }));
    try {
      const big = randomBytes(20 * 1024);
      emulator.clientMessage(PHONE, {
        text: "Zwei Dateien.",
        attachments: [
          { mime: "image/jpeg", filename: "klein.jpg", data: photo },
          { mime: "application/pdf", filename: "gross.pdf", data: big },
        ],
        serverReceivedTimestamp: ms(at("07", "11:10")),
      });
      const callsBefore = emulator.calls.filter((c) => c === "getAttachment").length;
      const fetched = await runCli(["inbox", "fetch"], { home, env: { NACHKLANG_NOW: at("07", "11:11"), NACHKLANG_PASSPHRASE: undefined } });
      expect(fetched.code, fetched.stderr).toBe(0);
      // Only the small one was asked for: the large one's declared size is over the limit.
      expect(emulator.calls.filter((c) => c === "getAttachment").length - callsBefore).toBe(1);
      const out = join(home, "..", "k9-limit");
      const read = await cli(["inbox", "read", "k9", "--out", out], at("07", "11:12"));
      expect(read.code, read.stderr).toBe(0);
      expect(read.stdout).toContain("Zwei Dateien.");
      expect(read.stdout).toMatch(/File gross\.pdf \(20\.0 KiB\) not taken: larger than the limit/);
      expect(await readFile(join(out, "klein.jpg"))).toEqual(photo);
      await expect(readFile(join(out, "gross.pdf"))).rejects.toThrow();
      expect(await plaintextHits(home, ["Zwei Dateien.", "gross.pdf", "klein.jpg"])).toEqual([]);
    } finally {
      await writeFile(configFile, original);
    }
  });

  it("sends the away notice once per off-period, never inside contact hours", async () => {
    expect((await cli(["hours", "away-notice", "on"], at("07", "12:00"))).code).toBe(0);
    const message = async (sent: string, processed: string, command = ["inbox"]) => {
      emulator.clientMessage(PHONE, { text: `Nachricht ${sent}`, serverReceivedTimestamp: ms(sent) });
      expect((await runCli(["inbox", "fetch"], { home, env: { NACHKLANG_NOW: processed, NACHKLANG_PASSPHRASE: undefined } })).code).toBe(0);
      const result = await cli(command, processed);
      expect(result.code, result.stderr).toBe(0);
      return result;
    };
    // Inside contact hours: nothing.
    await message(at("07", "14:00"), at("07", "14:05"));
    expect(notices()).toHaveLength(0);
    // Monday evening: one notice, saying when the practice reads again (Tuesday 09:00).
    const first = await message(at("07", "19:00"), at("07", "19:05"));
    expect(first.stdout).toContain("Away notice sent to k9 via signal.");
    expect(notices()).toHaveLength(1);
    expect(notices()[0]?.recipient).toEqual([PHONE]);
    expect(notices()[0]?.message).toContain("Dienstag, 8. Dezember 2026 ab 09:00 Uhr");
    for (const line of ["0800 111 0 222", "116 111", "112"]) expect(notices()[0]?.message).toContain(line);
    // Later the same evening and during the night: the same off-period, no second notice.
    await message(at("07", "21:30"), at("07", "21:35"));
    await message(at("08", "06:00"), at("08", "06:01"), ["outbox", "flush"]);
    expect(notices()).toHaveLength(1);
    // Arrived Tuesday evening, but no command held the keys until Wednesday 10:00: the
    // off-period is over and the practice is reading, so no notice at all.
    emulator.clientMessage(PHONE, { text: "spät", serverReceivedTimestamp: ms(at("08", "18:00")) });
    await runCli(["inbox", "fetch"], { home, env: { NACHKLANG_NOW: at("08", "18:01"), NACHKLANG_PASSPHRASE: undefined } });
    await cli(["inbox"], at("09", "10:00"));
    expect(notices()).toHaveLength(1);
    // Friday evening, fetched while locked; `outbox flush` (holding the keys) on Saturday sends
    // it: the weekend is one off-period until Monday 09:00.
    emulator.clientMessage(PHONE, { text: "Wochenende", serverReceivedTimestamp: ms(at("11", "20:00")) });
    await runCli(["inbox", "fetch"], { home, env: { NACHKLANG_NOW: at("11", "20:01"), NACHKLANG_PASSPHRASE: undefined } });
    const flush = await cli(["outbox", "flush"], at("12", "09:30"));
    expect(flush.stdout).toContain("Away notice sent to k9 via signal.");
    expect(notices()).toHaveLength(2);
    expect(notices()[1]?.message).toContain("Montag, 14. Dezember 2026 ab 09:00 Uhr");
    await message(at("13", "15:00"), at("13", "15:01"));
    expect(notices()).toHaveLength(2);
    expect(emulator.violations).toEqual([]);
    // The ledger knows, without content: status shows the messages with their times.
    const status = await cli(["status", "k9"], at("14", "10:00"));
    expect(status.stdout).toMatch(/Sun 2026-12-13 15:00 \(Europe\/Berlin\) {2}← k9 {2}signal {2}unread/);
  });

  it("prints nothing a terminal would act on from an attachment's name or type, and writes it only inside --out", async () => {
    // A hostile sender chooses both: an 8-bit CSI (U+009B) and an OSC in the type, a path in the name.
    emulator.clientMessage(PHONE, {
      text: "Anhang.\u202e\u001b[2J",
      attachments: [{ mime: "image/jpeg\u001b]0;pwned\u0007\u009b2J", filename: "../../x\u009b31m\u202egpj.exe", data: photo }],
      serverReceivedTimestamp: ms(at("14", "11:00")),
    });
    await runCli(["inbox", "fetch"], { home, env: { NACHKLANG_NOW: at("14", "11:01"), NACHKLANG_PASSPHRASE: undefined } });
    const out = join(home, "..", "k9-hostile");
    const read = await cli(["inbox", "read", "k9", "--out", out], at("14", "11:02"));
    expect(read.code, read.stderr).toBe(0);
    expect(read.stdout).toContain("Anhang.");
    // eslint-disable-next-line no-control-regex
    expect(read.stdout + read.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    const written = await readdir(out);
    expect(written).toHaveLength(1);
    // eslint-disable-next-line no-control-regex
    expect(written[0]).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069/\\]/);
    expect(await readFile(join(out, written[0] ?? ""))).toEqual(photo);
  });

  it("keeps a message whose server time is out of any date's range, shown at its arrival here", async () => {
    emulator.clientMessage(PHONE, { text: "Aus ferner Zukunft.", serverReceivedTimestamp: 9e15 });
    const fetched = await runCli(["inbox", "fetch"], { home, env: { NACHKLANG_NOW: at("14", "12:00"), NACHKLANG_PASSPHRASE: undefined } });
    expect(fetched.code, fetched.stderr).toBe(0);
    const read = await cli(["inbox", "read", "k9"], at("14", "12:01"));
    expect(read.stderr).toBe("");
    expect(read.code).toBe(0);
    expect(read.stdout).toContain("Mon 2026-12-14 12:00 (Europe/Berlin), via signal:\nAus ferner Zukunft.");
  });

  it("refuses --out that is a file, or lies under one, with one line and exit 2, and leaves the messages unread", async () => {
    emulator.clientMessage(PHONE, { text: "Mit Foto.", attachments: [{ mime: "image/jpeg", filename: "p.jpg", data: photo }], serverReceivedTimestamp: ms(at("14", "13:00")) });
    await runCli(["inbox", "fetch"], { home, env: { NACHKLANG_NOW: at("14", "13:00"), NACHKLANG_PASSPHRASE: undefined } });
    const file = join(home, "..", "a-file");
    await writeFile(file, "mine");
    for (const [args, pattern] of [
      [["inbox", "read", "k9", "--out", file], /a-file is a file or a device, not a folder; nothing was written or marked read\. Please name a folder with --out\./],
      [["inbox", "read", "k9", "--out", "/dev/null"], /^\/dev\/null is a file or a device, not a folder; nothing was written or marked read\./],
      [["inbox", "read", "k9", "--out", join(file, "sub")], /sub: cannot be written there \(ENOTDIR\); nothing was written\. Please check the path and permissions, or name another place\./],
      [["--lang", "de", "inbox", "read", "k9", "--out", file], /a-file ist eine Datei oder ein Gerät, kein Ordner; nichts geschrieben, nichts als gelesen markiert\./],
    ] as const) {
      const bad = await cli([...args], at("14", "13:01"));
      expect(bad.code, `${args.join(" ")}: ${bad.stderr}`).toBe(2);
      expect(bad.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
      expect(bad.stderr, args.join(" ")).toMatch(pattern);
    }
    expect(await readFile(file, "utf8")).toBe("mine");
    const read = await cli(["inbox", "read", "k9"], at("14", "13:02"));
    expect(read.stdout).toContain("Mit Foto.");
  });
});
