/**
 * Size before sending (issue 24), through the real CLI: an e-mail follow-up whose viewer would be
 * over the channel's attachment limit is refused before anything reaches the local SMTP server
 * or the outbox; a long note to Threema shows its message count and credits in --dry-run, and a
 * send (or a group's run) that needs more credits than the Gateway emulator has is refused
 * before anything is stored.
 */
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toHex } from "../../src/channels/threema/crypto.js";
import { TEXT_LIMIT_BYTES } from "../../src/channels/threema/message.js";
import { FIXTURES, initHome, runCli, writeText } from "../helpers/cli.js";
import { missing } from "../helpers/tools.js";
import { SMTP_PASSWORD, SMTP_USER, startSmtp, type LocalSmtp } from "../channels/email/smtp.js";
import { GatewayEmulator, makeIdentity } from "../channels/threema/emulator.js";

const ls = (dir: string) => readdir(dir).catch(() => [] as string[]);

async function setUp(home: string, commands: string[][]): Promise<void> {
  for (const args of commands) {
    const result = await runCli(args, { home });
    if (result.code !== 0) throw new Error(`${args.join(" ")}: ${result.stderr}`);
  }
}

describe.skipIf(missing("ffmpeg"))("e-mail attachment limit", () => {
  let smtp: LocalSmtp;
  let connections = 0;
  let home: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    smtp = await startSmtp({
      onConnect(_session, callback) {
        connections++;
        callback();
      },
    });
    ({ home, cleanup } = await initHome());
    const passwordFile = await writeText(join(home, "..", "smtp-password.txt"), `${SMTP_PASSWORD}\n`);
    const viewerFile = await writeText(join(home, "..", "viewer.txt"), "tulpe-regen-fenster-17\n");
    await setUp(home, [
      // 0.6 MB: the viewer of a short note fits (its page is about 0.45 MB), one with a photo does not.
      ["channels", "add", "email", "--host", "127.0.0.1", "--port", String(smtp.port), "--user", SMTP_USER, "--password-file", passwordFile, "--from", `Praxis Test <${SMTP_USER}>`, "--max-attachment-mb", "0.6"],
      ["client", "add", "wren5", "--lang", "en", "--email", "klient@example.org", "--channel", "email"],
      ["client", "passphrase", "wren5", "--viewer-passphrase-file", viewerFile],
      ["consent", "record", "wren5", "--channel", "email"],
    ]);
  });
  afterAll(async () => {
    await smtp.close();
    await cleanup();
  });

  it("sends a follow-up under the limit, with an estimate no smaller than the attachment", async () => {
    const sent = await runCli(["send", "wren5", "--note", "A quiet thought for the week.", "--now", "--yes", "--json"], { home });
    expect(sent.code, sent.stderr).toBe(0);
    const result = JSON.parse(sent.stdout) as { plan: { attachmentBytes: number; attachmentLimitBytes: number } };
    expect(result.plan.attachmentLimitBytes).toBe(Math.round(0.6 * 1024 * 1024));
    expect(smtp.mails).toHaveLength(1);
    const attached = smtp.mails[0]!.attachments[0]!.size;
    expect(result.plan.attachmentBytes).toBeGreaterThanOrEqual(attached);
    expect(result.plan.attachmentBytes - attached).toBeLessThan(200 * 1024);
  });

  it("refuses one over the limit in --dry-run and in send, before anything reaches the SMTP server or the outbox", async () => {
    const before = { connections, mails: smtp.mails.length, outbox: await ls(join(home, "outbox")) };
    const photo = `${join(FIXTURES, "whiteboard.jpg")}:Board`;

    const dry = await runCli(["send", "wren5", "--note", "The board from today.", "--photo", photo, "--now", "--dry-run"], { home });
    expect(dry.code, dry.stderr).toBe(2);
    expect(dry.stdout).toMatch(/Through email: attachment about \d+\.\d MB \(limit 0\.6 MB\)/);
    expect(dry.stderr).toMatch(/wren5: the e-mail attachment \(viewer\) would be about \d+\.\d MB, more than the 0\.6 MB channel email allows; nothing was sent/);
    expect(dry.stderr).toMatch(/--channel folder/);

    const send = await runCli(["send", "wren5", "--note", "The board from today.", "--photo", photo, "--now", "--yes"], { home });
    expect(send.code, send.stderr).toBe(2);
    expect(send.stderr.trim().split("\n")).toHaveLength(1);
    expect(send.stderr).toMatch(/more than the 0\.6 MB channel email allows/);
    expect(send.stderr).not.toMatch(/\bat\b.*\.(js|ts):\d+/);

    expect(connections).toBe(before.connections);
    expect(smtp.mails).toHaveLength(before.mails);
    expect(await ls(join(home, "outbox"))).toEqual(before.outbox);
    const status = JSON.parse((await runCli(["status", "wren5", "--json"], { home })).stdout) as { state?: string }[];
    expect(status.filter((s) => s.state !== undefined)).toHaveLength(1);
  });

  it("refuses to reroute a follow-up too large for e-mail, and measures again before mailing one sealed under a higher limit", async () => {
    const before = { connections, mails: smtp.mails.length };
    const consent = await runCli(["consent", "record", "wren5", "--channel", "folder"], { home });
    expect(consent.code, consent.stderr).toBe(0);
    // Sealed for the folder channel (with the viewer), planned for later.
    const queued = await runCli(
      ["send", "wren5", "--channel", "folder", "--viewer", "--photo", join(FIXTURES, "whiteboard.jpg"), "--at", "2027-06-01 10:00", "--yes", "--json"],
      { home },
    );
    expect(queued.code, queued.stderr).toBe(0);
    const id = (JSON.parse(queued.stdout) as { id: string }).id;
    const reroute = await runCli(["outbox", "reroute", id, "--channel", "email"], { home });
    expect(reroute.code).toBe(2);
    expect(reroute.stderr).toMatch(/more than the 0\.6 MB channel email allows/);
    const listed = JSON.parse((await runCli(["outbox", "list", "--json"], { home })).stdout) as { id: string; channel: string }[];
    expect(listed.find((s) => s.id === id)?.channel).toBe("folder");

    // A short note queued for e-mail under 0.6 MB; then the limit is lowered in the configuration.
    const note = await runCli(["send", "wren5", "--note", "Until next week.", "--at", "2027-06-01 10:00", "--yes", "--json"], { home });
    expect(note.code, note.stderr).toBe(0);
    const noteId = (JSON.parse(note.stdout) as { id: string }).id;
    const configFile = join(home, "config.json");
    const config = JSON.parse(await readFile(configFile, "utf8")) as { channels: Record<string, { settings: Record<string, unknown> }> };
    config.channels.email!.settings.maxAttachmentMB = 0.1;
    await writeFile(configFile, JSON.stringify(config));

    const flush = await runCli(["outbox", "flush"], { home, env: { NACHKLANG_NOW: "2027-06-02T10:00:00+02:00" } });
    expect(flush.stderr).toMatch(/wren5: the e-mail attachment \(viewer\) would be about 0\.\d MB, more than the 0\.1 MB/);
    expect(connections).toBe(before.connections);
    expect(smtp.mails).toHaveLength(before.mails);
    const after = JSON.parse((await runCli(["outbox", "list", "--json"], { home })).stdout) as { id: string; state: string; stopped: boolean; reason: string }[];
    expect(after.find((s) => s.id === noteId)).toMatchObject({ state: "failed", stopped: true, reason: "email.tooLarge" });
  });
});

describe.skipIf(missing("ffmpeg"))("Threema message count and credits", () => {
  const CLIENT = "ECHOECHO";
  let emulator: GatewayEmulator;
  let home: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ home, cleanup } = await initHome());
    emulator = await new GatewayEmulator().start();
    emulator.addIdentity(makeIdentity(CLIENT));
    const secretFile = await writeText(join(home, "..", "secret.txt"), `${emulator.secret}\n`);
    const keyFile = await writeText(join(home, "..", "key.txt"), `private:${toHex(emulator.gateway.privateKey)}\n`);
    await setUp(home, [
      ["channels", "add", "threema", "--gateway-id", emulator.gatewayId, "--secret-file", secretFile, "--private-key-file", keyFile, "--api-url", emulator.url],
      ["client", "add", "k042", "--lang", "en", "--threema", CLIENT, "--channel", "threema"],
      ["consent", "record", "k042", "--channel", "threema"],
    ]);
  });
  afterAll(async () => {
    await emulator.stop();
    await cleanup();
  });

  it("shows how many messages and credits a long note becomes, and sends nothing", async () => {
    // About 26 KB in paragraphs: more than seven Threema text messages of 3500 bytes.
    const paragraph = "Take a few minutes each evening to notice what went well today, however small. ".repeat(8);
    const note = Array.from({ length: 40 }, () => paragraph.trim()).join("\n\n");
    expect(Buffer.byteLength(note)).toBeGreaterThan(25_000);
    const noteFile = await writeText(join(home, "..", "note.txt"), note);
    const minimum = Math.ceil(Buffer.byteLength(note) / TEXT_LIMIT_BYTES);

    const dry = await runCli(["send", "k042", "--note-file", noteFile, "--photo", join(FIXTURES, "whiteboard.jpg"), "--now", "--dry-run", "--json"], { home });
    expect(dry.code, dry.stderr).toBe(0);
    const plan = (JSON.parse(dry.stdout) as { plan: { messages: number; credits: number; balance: number } }).plan;
    // The text parts plus one file message for the photo, one credit each, and two uploads (photo, thumbnail).
    expect(plan.messages).toBeGreaterThanOrEqual(minimum + 1);
    expect(plan.messages).toBeLessThanOrEqual(minimum + 3);
    expect(plan.credits).toBe(plan.messages + 2);
    expect(plan.balance).toBe(100);
    expect(dry.stderr).toContain(`k042: through Threema this follow-up becomes ${plan.messages} messages (${plan.credits} credits)`);

    const text = await runCli(["send", "k042", "--note-file", noteFile, "--now", "--dry-run"], { home });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`Through threema: messages: ${plan.messages - 1}, credits: ${plan.messages - 1}.\nThrough threema: 100 credits left at the Threema Gateway.\n`);
    expect(emulator.received).toEqual([]);
  });

  it("sends exactly as many messages as the plan said", async () => {
    const note = Array.from({ length: 3 }, (_, i) => `Paragraph ${i}: ${"x ".repeat(1500)}`).join("\n\n");
    const noteFile = await writeText(join(home, "..", "note2.txt"), note);
    const dry = JSON.parse((await runCli(["send", "k042", "--note-file", noteFile, "--now", "--dry-run", "--json"], { home })).stdout) as { plan: { messages: number } };
    const sent = await runCli(["send", "k042", "--note-file", noteFile, "--now", "--yes"], { home });
    expect(sent.code, sent.stderr).toBe(0);
    expect(emulator.received).toHaveLength(dry.plan.messages);
    expect(dry.plan.messages).toBeGreaterThan(1);
  });
});

describe.skipIf(missing("ffmpeg"))("Threema credits against the Gateway's balance", () => {
  let emulator: GatewayEmulator;
  let home: string;
  let cleanup: () => Promise<void>;
  const photo = () => join(FIXTURES, "whiteboard.jpg");
  const stored = async () => ({ outbox: await ls(join(home, "outbox")), received: emulator.received.length, status: (await runCli(["status", "--json"], { home })).stdout });
  /** A follow-up sealed on `day` at 08:00 and queued for 09:30; returns its id. */
  const queue = async (alias: string, day: string, content: readonly string[]) => {
    const r = await runCli(["--json", "send", alias, ...content, "--at", `${day} 09:30`, "--yes"], { home, env: { NACHKLANG_NOW: `${day}T08:00:00+01:00` } });
    expect(r.code, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as { id: string }).id;
  };
  /** A command on `day` in the afternoon, when what was queued is due. */
  const afternoon = (day: string, args: readonly string[]) => runCli([...args], { home, env: { NACHKLANG_NOW: `${day}T14:00:00+01:00` } });

  beforeAll(async () => {
    ({ home, cleanup } = await initHome());
    emulator = await new GatewayEmulator({ credits: 3 }).start();
    for (const id of ["ECHOECHO", "FOXTROT1"]) emulator.addIdentity(makeIdentity(id));
    const secretFile = await writeText(join(home, "..", "secret.txt"), `${emulator.secret}\n`);
    const keyFile = await writeText(join(home, "..", "key.txt"), `private:${toHex(emulator.gateway.privateKey)}\n`);
    await setUp(home, [
      ["channels", "add", "threema", "--gateway-id", emulator.gatewayId, "--secret-file", secretFile, "--private-key-file", keyFile, "--api-url", emulator.url],
      ["client", "add", "k042", "--lang", "en", "--threema", "ECHOECHO", "--channel", "threema"],
      ["client", "add", "k043", "--lang", "en", "--threema", "FOXTROT1", "--channel", "threema"],
      ["consent", "record", "k042", "--channel", "threema"],
      ["consent", "record", "k043", "--channel", "threema"],
      ["group", "add", "pair", "k042", "k043"],
    ]);
  });
  afterAll(async () => {
    await emulator.stop();
    await cleanup();
  });

  it("refuses a send that needs more credits than are left, in --dry-run and in send, before anything is stored or sent", async () => {
    // A note and a photo: two messages and two uploads (the photo and its thumbnail) = 4 credits; 3 are left.
    emulator.credits = 3;
    const before = await stored();
    const dry = await runCli(["send", "k042", "--note", "The board from today.", "--photo", photo(), "--now", "--dry-run", "--json"], { home });
    expect(dry.code).toBe(2);
    expect(JSON.parse(dry.stdout)).toMatchObject({ plan: { credits: 4, balance: 3, refused: "threema.tooFewCredits" } });
    const dryText = await runCli(["send", "k042", "--note", "The board from today.", "--photo", photo(), "--now", "--dry-run"], { home });
    expect(dryText.code).toBe(2);
    expect(dryText.stdout).toContain("Through threema: 3 credits left at the Threema Gateway.\n");

    const send = await runCli(["send", "k042", "--note", "The board from today.", "--photo", photo(), "--now", "--yes"], { home });
    expect(send.code).toBe(2);
    expect(send.stderr).toBe(
      "k042: this follow-up needs 4 Threema credits, but channel threema has 3 left at the Gateway; nothing was stored or sent. Please buy credits at gateway.threema.ch and send again, or choose another channel (--channel).\n",
    );
    expect(await stored()).toEqual(before);
    expect(emulator.credits).toBe(3);

    // What fits goes: the note alone is one credit.
    const note = await runCli(["send", "k042", "--note", "Until next week.", "--now", "--yes", "--json"], { home });
    expect(note.code, note.stderr).toBe(0);
    expect(JSON.parse(note.stdout)).toMatchObject({ state: "sent", plan: { credits: 1, balance: 3 } });
    expect(emulator.credits).toBe(2);
  });

  it("checks a group's run as a whole: the second member's follow-up no longer fits and is refused, named, before it is stored", async () => {
    // A note and a photo are 4 credits for each member; 6 are left: the first fits, 4 + 4 does not.
    emulator.credits = 6;
    const received = emulator.received.length;
    const dry = await runCli(["send", "--group", "pair", "--note", "Thank you.", "--photo", photo(), "--now", "--dry-run", "--json"], { home });
    expect(dry.code).toBe(2);
    const planned = (JSON.parse(dry.stdout) as { followups: { client: string; plan: { credits: number; balance: number; refused: string | null } }[] }).followups;
    expect(planned.map((f) => [f.client, f.plan.credits, f.plan.balance, f.plan.refused])).toEqual([
      ["k042", 4, 6, null],
      ["k043", 4, 6, "threema.tooFewCreditsRun"],
    ]);
    expect(emulator.received).toHaveLength(received);

    const sent = await runCli(["send", "--group", "pair", "--note", "Thank you.", "--photo", photo(), "--now", "--yes", "--json"], { home });
    expect(sent.code).toBe(3);
    const result = JSON.parse(sent.stdout) as { followups: { client: string; state: string; id: string | null }[] };
    expect(result.followups.map((f) => [f.client, f.state])).toEqual([
      ["k042", "sent"],
      ["k043", "failed"],
    ]);
    expect(result.followups[1]?.id).toBeNull();
    expect(sent.stderr).toContain(
      "k043: this follow-up needs 4 Threema credits and this run has already planned 4, but channel threema has 6 left at the Gateway; it was neither stored nor sent.",
    );
    expect(emulator.credits).toBe(2);
    expect(emulator.received.filter((m) => m.to === "FOXTROT1")).toEqual([]);
  });

  it("checks follow-ups waiting in the outbox before they go: what no longer fits is not sent and waits, named, until credits are bought", async () => {
    emulator.credits = 100;
    const content = ["--note", "Thank you.", "--photo", photo()];
    const first = await queue("k042", "2027-03-01", content);
    const second = await queue("k043", "2027-03-01", content);
    expect(emulator.credits).toBe(100);

    // 4 credits each; 6 are left when contact hours come: the first goes, the second waits.
    emulator.credits = 6;
    const flush = await afternoon("2027-03-01", ["outbox", "flush"]);
    expect(flush.code).toBe(3);
    expect(flush.stderr).toContain(
      "k043: this waiting follow-up needs 4 Threema credits and this run has already used 4, but channel threema has 6 left at the Gateway; it was not sent and stays in the outbox. Please buy credits at gateway.threema.ch; the next `nachklang outbox flush` sends it.",
    );
    expect(flush.stdout).toContain(first);
    expect(emulator.credits).toBe(2);
    expect(emulator.received.filter((m) => m.to === "FOXTROT1")).toEqual([]);
    const list = await afternoon("2027-03-01", ["outbox", "list"]);
    expect(list.stdout).toContain(second);
    expect(list.stdout).toContain("it was not sent and stays in the outbox");

    // Still too few on its own: the line without the run's share.
    emulator.credits = 3;
    const short = await afternoon("2027-03-01", ["outbox", "flush"]);
    expect(short.code).toBe(1);
    expect(short.stderr).toContain("k043: this waiting follow-up needs 4 Threema credits, but channel threema has 3 left at the Gateway; it was not sent");
    expect(emulator.credits).toBe(3);

    // Credits bought: the next flush sends it.
    emulator.credits = 4;
    const again = await afternoon("2027-03-01", ["outbox", "flush"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(second);
    expect(emulator.credits).toBe(0);
    expect(emulator.received.filter((m) => m.to === "FOXTROT1").length).toBeGreaterThan(0);
  });

  it("gives a follow-up's credits back to the run when its delivery failed before anything went out", async () => {
    emulator.credits = 100;
    const ids: string[] = [];
    for (const alias of ["k042", "k043"]) ids.push(await queue(alias, "2027-03-02", ["--note", "Until Thursday."]));
    // One credit left, and the Gateway refuses the first message (401, not retried): nothing was
    // charged for it, so the second follow-up may have that credit.
    emulator.credits = 1;
    emulator.fail({ endpoint: "send_e2e", answer: 401, remaining: 1 });
    const flush = await afternoon("2027-03-02", ["outbox", "flush"]);
    emulator.clearFailures();
    expect(flush.code).toBe(3);
    expect(flush.stderr).toContain("k042: FAILED Threema Gateway: wrong Gateway ID or API secret (401).");
    expect(flush.stderr).not.toContain("k043: ");
    expect(flush.stdout).toContain(ids[1]);
    expect(emulator.credits).toBe(0);
  });

  it("when the balance cannot be asked, says so once and sends anyway", async () => {
    emulator.credits = 10;
    emulator.fail({ endpoint: "credits", answer: 500, remaining: 1 });
    const sent = await runCli(["send", "k042", "--note", "See you.", "--now", "--yes", "--json"], { home });
    emulator.clearFailures();
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stderr).toBe("Channel threema: could not ask the Threema Gateway for the credits left (Threema Gateway: temporary server error (500)); sending without that check.\n");
    expect(JSON.parse(sent.stdout)).toMatchObject({ state: "sent", plan: { credits: 1, balance: null } });
    expect(emulator.credits).toBe(9);
  });
});
