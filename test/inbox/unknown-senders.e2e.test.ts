/**
 * Messages from senders who are in no client record, end to end through the real CLI and the
 * Threema Gateway emulator, on the test clock: kept sealed and counted for 30 days after they
 * were stored, then deleted unread (a tombstone, so a replay is still recognised), recorded in
 * the ledger without sender or content, and counted once in one line, exit 0. A sender who
 * becomes a client within the 30 days gets their message.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initHome, runCli } from "../helpers/cli.js";
import { SignalCliEmulator } from "../channels/signal/emulator.js";
import { GatewayEmulator, makeIdentity, type CallbackPost } from "../channels/threema/emulator.js";
import { pendingEnvelopes, plaintextHits, startServe, threemaChannelArgs } from "./helpers.js";

const STRANGER = "FREMD001";
const LATE_STRANGER = "FREMD002";
const LATECOMER = "NEUKLNT1";
const STRANGER_TEXT = "Ich habe Ihre Nummer von einer Freundin, mir geht es schlecht.";
const LATE_TEXT = "Noch eine Nachricht von jemandem ohne Klientenakte.";
const LATECOMER_TEXT = "Ich bin neu bei Ihnen und schreibe schon vor dem Erstgespräch.";
/** Day 0 and day 1: when `inbox serve` stored the messages. */
const DAY0 = "2026-11-02T10:00:00+01:00";
const DAY1 = "2026-11-03T10:00:00+01:00";
const DAY10 = "2026-11-12T10:00:00+01:00";
const DAY29 = "2026-12-01T10:00:00+01:00";
/** 31 days after DAY0, exactly 30 after DAY1 (not more: that one stays). */
const DAY31 = "2026-12-03T10:00:00+01:00";
const DAY32 = "2026-12-04T10:00:00+01:00";

const expiredLine = (n: number) =>
  `${n} message${n === 1 ? "" : "s"} from senders who are not in the client registry ${n === 1 ? "was" : "were"} deleted unread: more than 30 days after arrival. ` +
  "If one of them is a client, ask them to write again.\n";
const waitingLine = (n: number) =>
  `${n} message${n === 1 ? "" : "s"} from senders who are not in the client registry ${n === 1 ? "waits" : "wait"}, sealed, for at most 30 days after arrival. ` +
  "Add them with 'nachklang client add ALIAS --threema ID' or '--phone NUMBER' and they will show.\n";

describe("inbox: messages from unknown senders are deleted unread after 30 days", () => {
  let home: string;
  let cleanup: () => Promise<void>;
  let emulator: GatewayEmulator;
  const stranger = makeIdentity(STRANGER);
  const lateStranger = makeIdentity(LATE_STRANGER);
  const latecomer = makeIdentity(LATECOMER);
  let fromStranger: CallbackPost;
  const cli = (args: string[], now: string) => runCli(args, { home, env: { NACHKLANG_NOW: now } });
  const ledger = async () => (await readFile(join(home, "ledger", "events.jsonl"), "utf8")).trim().split("\n");

  /** Run `inbox serve` on the test clock at `now` just long enough to post `callbacks`. */
  async function postAt(now: string, callbacks: readonly (CallbackPost | string)[]): Promise<string> {
    const serve = await startServe(home, [], { NACHKLANG_NOW: now });
    try {
      for (const c of callbacks) expect(await emulator.post(serve.url, c)).toBe(200);
    } finally {
      await serve.stop();
    }
    // After the stop: an answer can overtake its log line, the end of the process cannot.
    return serve.stderr();
  }

  beforeAll(async () => {
    ({ home, cleanup } = await initHome());
    emulator = await new GatewayEmulator().start();
    for (const identity of [stranger, lateStranger, latecomer]) emulator.addIdentity(identity);
    const add = await cli(await threemaChannelArgs(home, emulator), DAY0);
    expect(add.code, add.stderr).toBe(0);
    fromStranger = emulator.clientText(stranger, STRANGER_TEXT);
    await postAt(DAY0, [fromStranger, emulator.clientText(latecomer, LATECOMER_TEXT)]);
    await postAt(DAY1, [emulator.clientText(lateStranger, LATE_TEXT)]);
  });
  afterAll(async () => {
    await emulator?.stop();
    await cleanup();
  });

  it("keeps them sealed and counted at day 29; a sender added as a client at day 10 gets their message", async () => {
    for (const args of [
      ["client", "add", "k077", "--lang", "de", "--threema", LATECOMER, "--channel", "threema"],
      ["consent", "record", "k077", "--channel", "threema"],
    ]) {
      const result = await cli(args, DAY10);
      expect(result.code, result.stderr).toBe(0);
    }
    const list = await cli(["inbox"], DAY29);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^k077: 1 unread since /m);
    expect(list.stderr).toBe(waitingLine(2));
    expect(await pendingEnvelopes(home)).toBe(2);
  });

  it("deletes one stored more than 30 days ago, unread, with one line and exit 0; the one stored 30 days ago stays", async () => {
    const before = (await ledger()).length;
    const list = await cli(["inbox"], DAY31);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stderr).toBe(expiredLine(1) + waitingLine(1));
    expect(await pendingEnvelopes(home)).toBe(1);
    // The ledger says which envelope and why, nothing of who or what.
    const added = (await ledger()).slice(before).map((l) => JSON.parse(l) as Record<string, unknown>);
    const refused = added.filter((e) => e.ev === "refused");
    expect(refused).toHaveLength(1);
    expect(Object.keys(refused[0]!).sort()).toEqual(["at", "channel", "ev", "msg", "reason", "v"]);
    expect(refused[0]).toMatchObject({ channel: "threema", reason: "unknownSenderExpired" });
    expect(await plaintextHits(home, [STRANGER, STRANGER_TEXT, LATE_STRANGER, LATE_TEXT, LATECOMER, LATECOMER_TEXT])).toEqual([]);
    // Said once: the next look has nothing more to say about it.
    const again = await cli(["inbox"], DAY31);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toBe(waitingLine(1));
  });

  it("recognises a replay of the deleted message when it is decoded, and keeps nothing of it", async () => {
    // Stored under a random name until the keys are at hand; the next decode knows its id.
    await postAt(DAY31, [fromStranger]);
    expect(await pendingEnvelopes(home)).toBe(2);
  });

  it("a scheduled outbox flush that deletes one says so, and the next inbox once more, exit 0", async () => {
    const flush = await cli(["outbox", "flush"], DAY32);
    expect(flush.code, flush.stderr).toBe(0);
    // Only the one from day 1: the replay was recognised, not kept for another 30 days.
    expect(flush.stderr).toBe(expiredLine(1));
    expect(await pendingEnvelopes(home)).toBe(0);
    const list = await cli(["inbox"], DAY32);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stderr).toBe(expiredLine(1));
    const again = await cli(["inbox"], DAY32);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toBe("");
  });

  it("the client added at day 10 still reads their message after 30 days", async () => {
    const read = await cli(["inbox", "read", "k077"], DAY32);
    expect(read.code, read.stderr).toBe(0);
    expect(read.stdout).toContain(LATECOMER_TEXT);
  });
});

describe("inbox through Signal: a message from a number in no client record", () => {
  const ACCOUNT = "+4930555000";
  const UNKNOWN_PHONE = "+4917600000099";
  const UNKNOWN_TEXT = "Hallo, ist das die Praxis? Ich hätte gern einen Termin.";
  let home: string;
  let cleanup: () => Promise<void>;
  let emulator: SignalCliEmulator;
  const cli = (args: string[], now: string) => runCli(args, { home, env: { NACHKLANG_NOW: now } });

  beforeAll(async () => {
    emulator = await SignalCliEmulator.start({ accounts: [ACCOUNT] });
    ({ home, cleanup } = await initHome());
    const add = await cli(["channels", "add", "signal", "--account", ACCOUNT, "--rpc-url", emulator.url], DAY0);
    expect(add.code, add.stderr).toBe(0);
    emulator.clientMessage(UNKNOWN_PHONE, { text: UNKNOWN_TEXT, serverReceivedTimestamp: Date.parse(DAY0) });
    const fetched = await cli(["inbox", "fetch"], DAY0);
    expect(fetched.code, fetched.stderr).toBe(0);
  });
  afterAll(async () => {
    await emulator?.stop();
    await cleanup();
  });

  it("waits at day 29, and is deleted at day 31 with one German line, exit 0", async () => {
    const waiting = await cli(["inbox"], DAY29);
    expect(waiting.code, waiting.stderr).toBe(0);
    expect(waiting.stderr).toBe(waitingLine(1));
    expect(await pendingEnvelopes(home)).toBe(1);
    const deleted = await cli(["--lang", "de", "inbox"], DAY31);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stderr).toBe(
      "1 Nachricht von Absender:innen, die nicht im Klient:innen-Verzeichnis stehen, wurde ungelesen gelöscht: mehr als 30 Tage nach Eingang. War jemand davon Klient:in, bitte erneut schreiben lassen.\n",
    );
    expect(await pendingEnvelopes(home)).toBe(0);
    expect(await plaintextHits(home, [UNKNOWN_PHONE, UNKNOWN_TEXT])).toEqual([]);
  });
});
