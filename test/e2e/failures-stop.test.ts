/**
 * Failures that stop (issue 24), through the real CLI against the signal-cli emulator: a number
 * Signal does not know fails for good, is not tried again at the next flush, and `outbox
 * reroute` hands the same sealed bundle to the folder channel; `outbox cancel` removes one.
 */
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateIdentity, identityToRecipient } from "../../src/age/index.js";
import { initHome, runCli } from "../helpers/cli.js";
import { SignalCliEmulator } from "../channels/signal/emulator.js";

const ACCOUNT = "+4930123456";
const CLIENT_PHONE = "+4915112345678";

const sha256 = async (path: string) => createHash("sha256").update(await readFile(path)).digest("hex");
const ls = (dir: string) => readdir(dir).catch(() => [] as string[]);

describe("failures that stop, reroute and cancel", () => {
  let emulator: SignalCliEmulator;
  let home: string;
  let cleanup: () => Promise<void>;
  const sendCalls = () => emulator.calls.filter((c) => c === "send").length;

  beforeAll(async () => {
    emulator = await SignalCliEmulator.start({ accounts: [ACCOUNT], version: "0.14.6" });
    ({ home, cleanup } = await initHome());
    for (const args of [
      ["channels", "add", "signal", "--account", ACCOUNT, "--rpc-url", `${emulator.url}/api/v1/rpc`],
      ["client", "add", "k9", "--lang", "de", "--phone", CLIENT_PHONE, "--channel", "signal", "--age-recipient", await identityToRecipient(generateIdentity())],
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

  async function failedSend(note: string): Promise<string> {
    emulator.answer({ type: "UNREGISTERED_FAILURE" });
    const before = sendCalls();
    const sent = await runCli(["send", "k9", "--note", note, "--now", "--yes", "--json"], { home });
    expect(sent.code, sent.stderr).toBe(1);
    expect(sendCalls()).toBe(before + 1);
    expect(sent.stderr).toMatch(/not registered with Signal/);
    const result = JSON.parse(sent.stdout) as { id: string; state: string; reason: string };
    expect(result).toMatchObject({ state: "failed", reason: "signal.unregistered" });
    return result.id;
  }

  it("an unregistered recipient fails for good: not retried, then rerouted to the folder with the same bundle", async () => {
    const id = await failedSend("Danke für heute.");
    const calls = sendCalls();

    const list = await runCli(["outbox", "list"], { home });
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`${id}\\s+k9\\s+signal\\s+failed`));
    expect(list.stdout).toMatch(/reason: k9: this number is not registered with Signal/);
    expect(list.stdout).toContain(`outbox reroute ${id} --channel NAME`);
    const listed = JSON.parse((await runCli(["outbox", "list", "--json"], { home })).stdout) as { id: string; stopped: boolean; reason: string }[];
    expect(listed.find((s) => s.id === id)).toMatchObject({ stopped: true, reason: "signal.unregistered" });

    // Two flushes: nothing goes to signal-cli again, and neither exits 1.
    for (let i = 0; i < 2; i++) {
      const flush = await runCli(["outbox", "flush"], { home });
      expect(flush.code, flush.stderr).toBe(0);
      expect(flush.stderr).toMatch(/Not tried again \(failed for good\): 1/);
    }
    expect(sendCalls()).toBe(calls);

    // Unknown channel: exit 2; a channel without consent: exit 4; nothing changes.
    const unknown = await runCli(["outbox", "reroute", id, "--channel", "nowhere"], { home });
    expect(unknown.code, unknown.stderr).toBe(2);
    expect(unknown.stderr.trim().split("\n")).toHaveLength(1);
    const noConsent = await runCli(["outbox", "reroute", id, "--channel", "folder"], { home });
    expect(noConsent.code, noConsent.stderr).toBe(4);
    expect(noConsent.stderr).toMatch(/No current consent from k9 for folder/);
    expect(await ls(join(home, "handoff"))).toEqual([]);

    const consent = await runCli(["consent", "record", "k9", "--channel", "folder"], { home });
    expect(consent.code, consent.stderr).toBe(0);
    const rerouted = await runCli(["outbox", "reroute", id.slice(0, 10), "--channel", "folder"], { home });
    expect(rerouted.code, rerouted.stderr).toBe(0);
    expect(rerouted.stdout).toContain(`${id} delivered to k9 through folder`);
    expect(await ls(join(home, "handoff"))).toEqual([`${id}.age`]);
    // The very bundle that was sealed: the archived copy and the handed-over file are the same bytes.
    expect(await sha256(join(home, "handoff", `${id}.age`))).toBe(await sha256(join(home, "archive", `${id}.age`)));
    expect(sendCalls()).toBe(calls);

    const status = JSON.parse((await runCli(["status", "k9", "--json"], { home })).stdout) as { id: string; state: string; channel: string }[];
    expect(status.find((s) => s.id === id)).toMatchObject({ state: "sent", channel: "folder" });
    // Sent now: it cannot be rerouted again.
    const again = await runCli(["outbox", "reroute", id, "--channel", "signal"], { home });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/only a waiting or failed follow-up can be rerouted/);
  });

  it("cancels a failed follow-up: the sealed file is deleted, the ledger says cancelled", async () => {
    const id = await failedSend("Bis bald.");
    expect(await ls(join(home, "outbox"))).toContain(`${id}.age`);
    const cancelled = await runCli(["outbox", "cancel", id], { home });
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect((await ls(join(home, "outbox"))).filter((f) => f.startsWith(id))).toEqual([]);
    const status = JSON.parse((await runCli(["status", "k9", "--json"], { home })).stdout) as { id: string; state: string }[];
    expect(status.find((s) => s.id === id)?.state).toBe("cancelled");
    const noId = await runCli(["outbox", "cancel"], { home });
    expect(noId.code).toBe(2);
    expect(noId.stderr).toMatch(/Please say what to cancel/);
  });

  it("consent withdrawn while it waited: refused once (exit 4), then not tried again until retried after new consent", async () => {
    const later = { home, env: { NACHKLANG_NOW: "2027-05-03T12:00:00+02:00" } };
    const queued = await runCli(["send", "k9", "--channel", "folder", "--note", "Für Montag.", "--at", "2027-05-03 09:00", "--yes", "--json"], { home });
    expect(queued.code, queued.stderr).toBe(0);
    const id = (JSON.parse(queued.stdout) as { id: string }).id;
    const withdraw = await runCli(["consent", "withdraw", "k9", "--channel", "folder"], { home });
    expect(withdraw.code, withdraw.stderr).toBe(0);

    const first = await runCli(["outbox", "flush"], later);
    expect(first.code, first.stderr).toBe(4);
    expect(first.stderr).toMatch(/No current consent from k9 for folder/);
    const second = await runCli(["outbox", "flush"], later);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/Not tried again \(failed for good\): 1/);
    expect(await ls(join(home, "handoff"))).not.toContain(`${id}.age`);

    expect((await runCli(["consent", "record", "k9", "--channel", "folder"], { home })).code).toBe(0);
    const retry = await runCli(["outbox", "retry", id], { home });
    expect(retry.code, retry.stderr).toBe(0);
    const third = await runCli(["outbox", "flush"], later);
    expect(third.code, third.stderr).toBe(0);
    expect(await ls(join(home, "handoff"))).toContain(`${id}.age`);
  });
});
