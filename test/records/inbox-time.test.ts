/**
 * Contact time from the inbox through the real CLI, on the test clock, with the signal-cli
 * emulator: reading a client's messages and answering them within one sitting logs the span as
 * an automatic entry (kind messenger, source inbox) that `time edit` and `time remove` correct;
 * an answer hours after reading, an answer to nothing read, and `time auto off` log nothing. An
 * automatic entry keeps to the 24 hours a client's day holds: shortened, or left out, in one
 * line, and the reply goes out all the same.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initHome, runCli } from "../helpers/cli.js";
import { SignalCliEmulator } from "../channels/signal/emulator.js";

const ACCOUNT = "+4930123456";
const PHONE = "+4915112345678";
/** Berlin times on Wednesday 2026-12-09 (CET, +01:00). */
const at = (time: string) => `2026-12-09T${time.length === 5 ? `${time}:00` : time}+01:00`;

let home: string;
let cleanup: () => Promise<void>;
let emulator: SignalCliEmulator;

async function ok(args: string[], time: string): Promise<string> {
  const r = await runCli(args, { home, env: { NACHKLANG_NOW: at(time) } });
  expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
  return r.stdout;
}
interface Entry {
  id: string;
  client: string;
  day: string;
  minutes: number;
  kind: string;
  source: string;
}
const entries = async () => (JSON.parse(await ok(["--json", "time", "list", "k1"], "18:00")) as { entries: Entry[] }).entries;
/** The client writes; the practice takes it in, reads it at `read` and answers at `reply`. */
async function readAndReply(read: string, reply: string): Promise<string> {
  emulator.clientMessage(PHONE, { text: `Nachricht vor ${read}`, serverReceivedTimestamp: Date.parse(at("08:00")) });
  await ok(["inbox", "fetch"], read);
  await ok(["inbox", "read", "k1"], read);
  return ok(["inbox", "reply", "k1", "--note", "Danke, bis Donnerstag.", "--now", "--yes"], reply);
}

beforeAll(async () => {
  emulator = await SignalCliEmulator.start({ accounts: [ACCOUNT] });
  ({ home, cleanup } = await initHome());
  await ok(["channels", "add", "signal", "--account", ACCOUNT, "--rpc-url", emulator.url], "08:00");
  await ok(["client", "add", "k1", "--name", "Anna Keller", "--phone", PHONE, "--channel", "signal"], "08:00");
  await ok(["consent", "record", "k1", "--channel", "signal", "--date", "2026-12-01"], "08:00");
});
afterAll(async () => {
  await emulator.stop();
  await cleanup();
});

describe("contact time from the inbox", () => {
  it("logs the span from reading to the reply, which time edit and time remove correct", async () => {
    // Read at 10:00, answered at 10:11:30: 12 minutes (whole minutes, rounded up).
    const out = await readAndReply("10:00", "10:11:30");
    expect(out).toMatch(/Contact time logged: 12m for k1 \([0-9a-z]{8}\)/);
    const [entry] = await entries();
    expect(entry).toMatchObject({ client: "k1", day: "2026-12-09", minutes: 12, kind: "messenger", source: "inbox" });

    await ok(["time", "edit", entry!.id, "--duration", "20m"], "18:00");
    expect((await entries()).map((e) => [e.minutes, e.source])).toEqual([[20, "inbox"]]);
    await ok(["time", "remove", entry!.id], "18:00");
    expect(await entries()).toEqual([]);
  });

  it("logs nothing for an answer hours after reading, nor for an answer to nothing read", async () => {
    expect(await readAndReply("11:00", "14:30")).not.toMatch(/Contact time logged/);
    // Everything read is answered now: the next reply answers nothing.
    expect(await ok(["inbox", "reply", "k1", "--note", "Noch ein Gedanke.", "--now", "--yes"], "14:40")).not.toMatch(/Contact time logged/);
    expect(await entries()).toEqual([]);
  });

  it("logs nothing when automatic entries are off", async () => {
    await ok(["time", "auto", "off"], "15:00");
    expect(await readAndReply("15:00", "15:05")).not.toMatch(/Contact time logged/);
    expect(await entries()).toEqual([]);
    await ok(["time", "auto", "on"], "16:00");
    expect(await readAndReply("16:00", "16:05")).toMatch(/Contact time logged: 5m for k1/);
    expect((await entries()).map((e) => [e.minutes, e.kind, e.source])).toEqual([[5, "messenger", "inbox"]]);
  });

  it("an automatic entry is shortened to what is left of the client's 24 hours, or left out; the reply goes out all the same", async () => {
    for (const e of await entries()) await ok(["time", "remove", e.id], "17:00");
    await ok(["time", "log", "k1", "23h50m"], "17:00");
    // Read at 17:00, answered at 17:12: 12 minutes, of which 10 fit.
    emulator.clientMessage(PHONE, { text: "Noch eine Frage", serverReceivedTimestamp: Date.parse(at("16:59")) });
    await ok(["inbox", "fetch"], "17:00");
    await ok(["inbox", "read", "k1"], "17:00");
    const sent = emulator.sends.length;
    let r = await runCli(["inbox", "reply", "k1", "--note", "Gern, morgen.", "--now", "--yes"], { home, env: { NACHKLANG_NOW: at("17:12") } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^Contact time logged: 10m instead of 12m for k1 \([0-9a-z]{8}\), since k1 already has 23h50m on 2026-12-09 and no day holds more than 24h\. Check with 'nachklang time list k1'\.\n$/);
    expect(emulator.sends.length).toBe(sent + 1);
    expect((await entries()).map((e) => [e.minutes, e.source])).toEqual([[23 * 60 + 50, "manual"], [10, "inbox"]]);

    emulator.clientMessage(PHONE, { text: "Und noch eine", serverReceivedTimestamp: Date.parse(at("17:20")) });
    await ok(["inbox", "fetch"], "17:21");
    await ok(["inbox", "read", "k1"], "17:21");
    r = await runCli(["inbox", "reply", "k1", "--note", "Bis morgen.", "--now", "--yes"], { home, env: { NACHKLANG_NOW: at("17:25") } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("No contact time logged (4m for k1): k1 already has 24h on 2026-12-09, and no day holds more than 24h. Check with 'nachklang time list k1'.\n");
    expect(emulator.sends.length).toBe(sent + 2);
    expect((await entries()).map((e) => e.minutes)).toEqual([23 * 60 + 50, 10]);
  });
});
