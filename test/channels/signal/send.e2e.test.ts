/**
 * End to end through the real CLI: `nachklang send … --channel signal` against the signal-cli
 * emulator, which checks the JSON-RPC envelope and decodes and inspects every attachment.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURES, initHome, runCli } from "../../helpers/cli.js";
import { missing } from "../../helpers/tools.js";
import { SignalCliEmulator } from "./emulator.js";

const ACCOUNT = "+4930123456";
const CLIENT_PHONE = "+4915112345678";

describe.skipIf(missing("ffmpeg") || missing("exiftool"))("nachklang send through Signal", () => {
  let emulator: SignalCliEmulator;
  let home: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    emulator = await SignalCliEmulator.start({ accounts: [ACCOUNT], version: "0.14.6" });
    ({ home, cleanup } = await initHome());
    for (const args of [
      ["channels", "add", "signal", "--account", ACCOUNT, "--rpc-url", `${emulator.url}/api/v1/rpc`],
      ["client", "add", "k9", "--lang", "de", "--phone", CLIENT_PHONE, "--channel", "signal"],
      ["consent", "record", "k9", "--channel", "signal"],
    ]) {
      const result = await runCli(args, { home });
      if (result.code !== 0) throw new Error(`${args.join(" ")}: ${result.stderr}`);
    }
  });
  afterAll(async () => {
    await emulator.stop();
    await cleanup();
  });

  it("sends the message with the processed photo and audio as attachments, once", async () => {
    const result = await runCli(
      ["send", "k9", "--note", "Danke für heute.", "--photo", `${join(FIXTURES, "whiteboard.jpg")}:Tafelbild`, "--audio", join(FIXTURES, "exercise.mp3"), "--now", "--yes"],
      { home },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(emulator.violations).toEqual([]);
    expect(emulator.sends).toHaveLength(1);
    const sent = emulator.sends[0]!;
    expect(sent.account).toBe(ACCOUNT);
    expect(sent.recipient).toEqual([CLIENT_PHONE]);
    expect(sent.message).toContain("Danke für heute.");
    expect(sent.attachments.map((a) => a.mime).sort()).toEqual(["audio/mp4", "image/jpeg"]);
    // The client's phone shows neutral names, not the practice's file names (whiteboard.jpg, exercise.mp3).
    expect(sent.attachments.map((a) => a.filename)).toEqual(["foto-1.jpg", "aufnahme-1.m4a"]);

    // Sending the ledger's follow-ups again (a flush) delivers nothing twice.
    const flush = await runCli(["outbox", "flush"], { home });
    expect(flush.code, flush.stderr).toBe(0);
    expect(emulator.sends).toHaveLength(1);
  });
});
