/**
 * End to end through the real CLI: a client's Threema app sends a text and a file to the
 * practice's Gateway ID; the Gateway emulator builds the boxes (client key → Gateway key) and
 * POSTs the callbacks with their MAC to a running `nachklang inbox serve`. Then `inbox`,
 * `inbox read` and the read receipt, which the emulator decrypts and checks.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initHome, runCli } from "../helpers/cli.js";
import { GatewayEmulator, makeIdentity, type CallbackPost } from "../channels/threema/emulator.js";
import { pendingEnvelopes, plaintextHits, startServe, threemaChannelArgs, type ServeProcess } from "./helpers.js";

const CLIENT = "ECHOECHO";
const NAME = "Erika Mustermann";
const TEXT = "Die Übung mit dem sicheren Ort hat mir gutgetan.";
const FILE_NAME = "tagebuch-seite.png";
const SECRET_TEXT = "Diese Nachricht hat eine gefälschte MAC.";
/** Saturday 11:00 in Berlin: outside the contact hours set below. */
const SATURDAY = "2026-12-05T11:00:00+01:00";

describe("inbox through Threema: serve, list, read, receipt", () => {
  let home: string;
  let cleanup: () => Promise<void>;
  let emulator: GatewayEmulator;
  let serve: ServeProcess;
  let photo: Buffer;
  const client = makeIdentity(CLIENT);
  const posted: CallbackPost[] = [];
  const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { home, env: { NACHKLANG_NOW: SATURDAY, ...env } });

  beforeAll(async () => {
    ({ home, cleanup } = await initHome());
    emulator = await new GatewayEmulator().start();
    emulator.addIdentity(client);
    for (const args of [
      await threemaChannelArgs(home, emulator),
      ["client", "add", "k042", "--lang", "de", "--name", NAME, "--threema", CLIENT, "--channel", "threema"],
      ["consent", "record", "k042", "--channel", "threema"],
      ["hours", "set", "mo-fr 09:00-17:00", "--tz", "Europe/Berlin"],
    ]) {
      const result = await cli(args);
      if (result.code !== 0) throw new Error(`${args.join(" ")}: ${result.stderr}`);
    }
    photo = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#3366cc" } }).png().toBuffer();
    serve = await startServe(home, [], { NACHKLANG_NOW: SATURDAY });
  });
  afterAll(async () => {
    await serve?.stop();
    await emulator?.stop();
    await cleanup();
  });

  it("stores a client's text and file message and answers 200 only after storing", async () => {
    const text = emulator.clientText(client, TEXT);
    const file = emulator.clientFile(client, { data: photo, mime: "image/png", name: FILE_NAME, caption: "Seite 3" });
    posted.push(text, file);
    expect(await emulator.post(serve.url, text)).toBe(200);
    expect(await emulator.post(serve.url, file)).toBe(200);
    expect(await pendingEnvelopes(home)).toBe(2);
    // Stored without the keys: nothing of it is readable in the home.
    expect(await plaintextHits(home, [TEXT, CLIENT, FILE_NAME])).toEqual([]);
  });

  it("lists the count per client without content or names, and sends no receipt before reading", async () => {
    const result = await cli(["inbox"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/k042: 2 unread since Sat 2026-12-05 11:00 \(Europe\/Berlin\), 1 file \(threema\)/);
    for (const secret of [TEXT, FILE_NAME, NAME, "Seite 3"]) expect(result.stdout + result.stderr).not.toContain(secret);
    const named = await cli(["inbox", "--names"]);
    expect(named.stdout).toContain(`k042 (${NAME})`);
    const json = JSON.parse((await cli(["--json", "inbox"])).stdout) as { client: string; count: number; files: number }[];
    expect(json).toEqual([expect.objectContaining({ client: "k042", count: 2, files: 1 })]);
    // Decoded now (the file fetched from the Gateway), still sealed, and not a word to the client.
    expect(await pendingEnvelopes(home)).toBe(0);
    expect(emulator.violations).toEqual([]);
    expect(emulator.received).toEqual([]);
    expect(await plaintextHits(home, [TEXT, CLIENT, FILE_NAME, NAME])).toEqual([]);
  });

  it("shows the text when read, writes the file; the read receipt waits for contact hours, then goes out once, and the client can decrypt it", async () => {
    const out = join(home, "..", "from-k042");
    const result = await cli(["inbox", "read", "k042", "--out", out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(TEXT);
    expect(result.stdout).toMatch(new RegExp(`File: ${FILE_NAME} \\(image/png, [\\d.]+ B\\) – Seite 3`));
    expect(await readFile(join(out, FILE_NAME))).toEqual(photo);
    // Read on Saturday: a receipt now would tell the client the practice reads on Saturdays.
    expect(result.stdout).toContain("Read receipt to k042 via threema waits for contact hours (Mon 2026-12-07 09:00 (Europe/Berlin)): outside them it would tell when the practice reads.");
    expect(emulator.received).toEqual([]);
    expect((await cli(["inbox"])).stdout).not.toContain("Read receipt sent");
    expect(emulator.received).toEqual([]);
    // The first inbox command once they open sends it.
    const monday = await cli(["inbox"], { NACHKLANG_NOW: "2026-12-07T09:05:00+01:00" });
    expect(monday.code, monday.stderr).toBe(0);
    expect(monday.stdout).toContain("Read receipt sent to k042 via threema.");

    expect(emulator.violations).toEqual([]);
    const receipts = emulator.received.filter((m) => m.type === 0x80);
    expect(receipts).toHaveLength(1);
    expect(receipts[0]?.to).toBe(CLIENT);
    expect(receipts[0]?.receipt?.status).toBe("read");
    expect([...(receipts[0]?.receipt?.messageIds ?? [])].sort()).toEqual(posted.map((p) => p.messageId).sort());
    // Nothing else went to the client (the away notice is off by default).
    expect(emulator.received).toHaveLength(1);

    const again = await cli(["inbox", "read", "k042"]);
    expect(again.stdout).toContain("Nothing waits from k042.");
    expect(emulator.received).toHaveLength(1);
    expect((await cli(["inbox"], { NACHKLANG_NOW: "2026-12-07T09:10:00+01:00" })).stdout).toContain("No unread messages.");
    expect(emulator.received).toHaveLength(1);
  });

  it("shows received and read with times in status and history", async () => {
    const status = await cli(["status", "k042"]);
    expect(status.stdout).toMatch(/Sat 2026-12-05 11:00 \(Europe\/Berlin\) {2}← k042 {2}threema {2}read Sat 2026-12-05 11:00/);
    expect(status.stdout).toMatch(/threema, 1 file {2}read/);
    const history = await cli(["history", "k042"]);
    expect(history.stdout.split("\n").filter((l) => l.includes("←"))).toHaveLength(2);
    const json = JSON.parse((await cli(["--json", "history", "k042"])).stdout) as { kind?: string; read: string | null }[];
    expect(json.filter((e) => e.kind === "message").map((e) => e.read)).toEqual([expect.any(String), expect.any(String)]);
  });

  it("answers through the normal follow-up path: queued for contact hours, recorded as the reply", async () => {
    const reply = await cli(["inbox", "reply", "k042", "--note", "Danke für das Bild, wir schauen es uns am Donnerstag an.", "--yes"]);
    expect(reply.code, reply.stderr).toBe(0);
    expect(reply.stdout).toMatch(/Follow-up for k042 is in the outbox .* goes out Mon 2026-12-07 09:00 \(Europe\/Berlin\) via threema/);
    expect(reply.stdout).toContain("Recorded as the answer to 2 messages from k042.");
    expect(emulator.received.filter((m) => m.type === 0x01)).toEqual([]);
    const flush = await cli(["outbox", "flush"], { NACHKLANG_NOW: "2026-12-07T09:30:00+01:00" });
    expect(flush.code, flush.stderr).toBe(0);
    expect(emulator.violations).toEqual([]);
    expect(emulator.received.filter((m) => m.type === 0x01).map((m) => m.text)).toEqual([expect.stringContaining("wir schauen es uns am Donnerstag an")]);
    const status = await cli(["status", "k042"], { NACHKLANG_NOW: "2026-12-07T09:31:00+01:00" });
    expect(status.stdout).toMatch(/← k042 {2}threema {2}read Sat 2026-12-05 11:00 \(Europe\/Berlin\), answered Sat 2026-12-05 11:00/);
    expect(status.stdout).toMatch(/k042 {2}threema {2}sent/);
  });

  it("recognises a replayed messageId when decoding, also after the message was read", async () => {
    const received = async () => (await readFile(join(home, "ledger", "events.jsonl"), "utf8")).split("\n").filter((l) => l.includes('"ev":"received"')).length;
    const before = await received();
    // Kept under a random name until the keys are at hand (its messageId names nobody without them).
    expect(await emulator.post(serve.url, posted[0]!)).toBe(200);
    expect(await emulator.post(serve.url, posted[0]!)).toBe(200);
    expect(await pendingEnvelopes(home)).toBe(2);
    const list = await cli(["inbox"]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain("No unread messages.");
    expect(await pendingEnvelopes(home)).toBe(0);
    expect(await readdir(join(home, "inbox", "incoming"))).toEqual([]);
    expect(await received()).toBe(before);
  });

  it("discards a callback with a wrong MAC when reading (stored unverified), showing nothing of it: the good one beside it is shown, exit 5", async () => {
    const forged = emulator.clientText(client, SECRET_TEXT, { secret: "not-the-gateway-secret" });
    const good = emulator.clientText(client, "Bis Donnerstag!");
    const logBefore = serve.stderr().length;
    expect(await emulator.post(serve.url, forged)).toBe(200);
    expect(await emulator.post(serve.url, good)).toBe(200);
    // No secret in this serve: it cannot tell, and says nothing about content.
    expect(serve.stderr().slice(logBefore)).toBe("");
    const list = await cli(["inbox"]);
    // Not a silent pass: the damaged one is named and counted, the good one processed.
    expect(list.code, list.stderr).toBe(5);
    expect(list.stderr).toBe(
      "A message via 'threema' was discarded: wrong MAC – not from the Threema Gateway. Nothing of it is shown.\n" +
        "1 message discarded (see above); all others were processed. If a client's message is missing, ask them to send it again.\n",
    );
    expect(list.stdout).toMatch(/k042: 1 unread since/);
    expect(list.stdout + list.stderr).not.toContain(SECRET_TEXT);
    // Discarded once: the next command has nothing to report.
    const read = await cli(["inbox", "read", "k042"]);
    expect(read.code, read.stderr).toBe(0);
    expect(read.stdout).toContain("Bis Donnerstag!");
    expect(read.stdout).not.toContain(SECRET_TEXT);
    // Still Saturday: held, not sent.
    expect(emulator.received.filter((m) => m.type === 0x80)).toHaveLength(1);
  });

  it("inbox read exits 5 when a message it decoded was discarded, after showing the good ones", async () => {
    const forged = emulator.clientText(client, SECRET_TEXT, { secret: "not-the-gateway-secret" });
    expect(await emulator.post(serve.url, forged)).toBe(200);
    expect(await emulator.post(serve.url, emulator.clientText(client, "Noch eine Frage."))).toBe(200);
    const read = await cli(["inbox", "read", "k042"]);
    expect(read.code, read.stderr).toBe(5);
    expect(read.stderr).toContain("1 message discarded (see above)");
    expect(read.stdout).toContain("Noch eine Frage.");
    expect(read.stdout).toContain("Read receipt to k042 via threema waits for contact hours");
    // Monday's flush sends what was held, in one receipt per read.
    const flush = await cli(["outbox", "flush"], { NACHKLANG_NOW: "2026-12-07T10:00:00+01:00" });
    expect(flush.code, flush.stderr).toBe(0);
    expect(flush.stdout.match(/Read receipt sent to k042 via threema\./g)).toHaveLength(1);
    expect(emulator.violations).toEqual([]);
    const receipts = emulator.received.filter((m) => m.type === 0x80);
    expect(receipts).toHaveLength(2);
    expect(receipts[1]?.receipt?.messageIds).toHaveLength(2);
  });

  it("reports once, in inbox, a message discarded while a scheduled outbox flush decoded the inbox (exit 5)", async () => {
    expect(await emulator.post(serve.url, emulator.clientText(client, SECRET_TEXT, { secret: "not-the-gateway-secret" }))).toBe(200);
    // The timer's flush decodes the inbox too: its output, which nobody reads, names it.
    const flush = await cli(["outbox", "flush"]);
    expect(flush.code, flush.stderr).toBe(0);
    expect(flush.stderr).toContain("1 message discarded (see above)");
    const list = await cli(["inbox"]);
    expect(list.code, list.stderr).toBe(5);
    expect(list.stderr).toBe(
      "1 message was discarded earlier, while another command (such as a scheduled 'outbox flush') decoded the inbox; nothing of it is shown. If a client's message is missing, ask them to send it again.\n",
    );
    // Once: the next look has nothing to report.
    const again = await cli(["inbox"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toBe("");
    expect(await plaintextHits(home, [SECRET_TEXT, CLIENT, NAME])).toEqual([]);
  });

  it("outside contact hours, a receipt switched off is said to be off at once, not held", async () => {
    expect((await cli(["inbox", "receipts", "off", "k042"])).code).toBe(0);
    expect(await emulator.post(serve.url, emulator.clientText(client, "Ohne Bestätigung, bitte."))).toBe(200);
    const before = emulator.received.filter((m) => m.type === 0x80).length;
    const read = await cli(["inbox", "read", "k042"]);
    expect(read.code, read.stderr).toBe(0);
    expect(read.stdout).toContain("No read receipt: switched off for k042");
    expect(read.stdout).not.toContain("waits for contact hours");
    // Nor does one go out when they open.
    const monday = await cli(["outbox", "flush"], { NACHKLANG_NOW: "2026-12-07T11:00:00+01:00" });
    expect(monday.stdout + monday.stderr).not.toMatch(/read receipt/i);
    expect(emulator.received.filter((m) => m.type === 0x80)).toHaveLength(before);
    expect((await cli(["inbox", "receipts", "on", "k042"])).code).toBe(0);
  });

  it("refuses a wrong MAC at the door when started with --check-mac", async () => {
    const checking = await startServe(home, ["--check-mac"], { NACHKLANG_NOW: SATURDAY });
    try {
      const pending = await pendingEnvelopes(home);
      expect(await emulator.post(checking.url, emulator.clientText(client, SECRET_TEXT, { secret: "wrong" }))).toBe(401);
      await checking.logged(/refused \(401\): wrong MAC/);
      expect(await pendingEnvelopes(home)).toBe(pending);
      // Also not a field missing, a stranger Gateway ID or a body over the limit.
      const good = emulator.clientText(client, "ok");
      expect(await emulator.post(checking.url, good.body.replace(/&mac=[0-9a-f]+/, ""))).toBe(400);
      expect(await emulator.post(checking.url, good.body.replace(`to=${encodeURIComponent(emulator.gatewayId)}`, "to=*OTHERGW"))).toBe(400);
      expect(await emulator.post(checking.url, `${good.body}&pad=${"0".repeat(70_000)}`)).toBe(413);
      expect(await pendingEnvelopes(home)).toBe(pending);
      expect(await emulator.post(checking.url, good)).toBe(200);
      expect(await pendingEnvelopes(home)).toBe(pending + 1);
      expect(checking.stderr()).not.toContain("ok");
    } finally {
      await checking.stop();
    }
  });

  it("sends the away notice through Threema once for the weekend, when switched on", async () => {
    expect((await cli(["hours", "away-notice", "on"])).code).toBe(0);
    const texts = () => emulator.received.filter((m) => m.type === 0x01 && m.text?.includes("0800 111 0 111") === true);
    expect(await emulator.post(serve.url, emulator.clientText(client, "Sind Sie am Wochenende erreichbar?"))).toBe(200);
    const list = await cli(["inbox"], { NACHKLANG_NOW: "2026-12-05T11:30:00+01:00" });
    expect(list.stdout).toContain("Away notice sent to k042 via threema.");
    expect(emulator.violations).toEqual([]);
    expect(texts()).toHaveLength(1);
    expect(texts()[0]?.to).toBe(CLIENT);
    expect(texts()[0]?.text).toContain("Montag, 7. Dezember 2026 ab 09:00 Uhr");
    expect(await emulator.post(serve.url, emulator.clientText(client, "Noch eine Frage."))).toBe(200);
    await cli(["inbox"], { NACHKLANG_NOW: "2026-12-05T12:00:00+01:00" });
    expect(texts()).toHaveLength(1);
    expect((await cli(["hours", "away-notice", "off"])).code).toBe(0);
  });

  it("keeps nothing in plain text under the home folder", async () => {
    expect(await plaintextHits(home, [TEXT, SECRET_TEXT, NAME, CLIENT, FILE_NAME, "Seite 3", "Sind Sie am Wochenende erreichbar?", "wir schauen es uns am Donnerstag an"])).toEqual([]);
  });
});
