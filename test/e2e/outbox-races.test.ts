/**
 * Races between a delivery and the commands that withdraw follow-ups. A delivery holds the
 * follow-up's lock; whatever waited for that lock must look at the ledger again once it has it,
 * or it records the wrong thing about a follow-up that went out meanwhile.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdir, rename } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { join } from "node:path";
import { generateIdentity, identityToRecipient } from "../../src/age/index.js";
import { Ledger } from "../../src/delivery/ledger.js";
import { initHome, runCli } from "../helpers/cli.js";

let home: string;
let cleanup: () => Promise<void>;
const NOW = { NACHKLANG_NOW: "2026-12-02T10:00:00+01:00" };

async function ok(args: string[]): Promise<string> {
  const r = await runCli(args, { home, env: NOW });
  expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

beforeAll(async () => {
  ({ home, cleanup } = await initHome());
});
afterAll(async () => {
  await cleanup();
});

describe("a follow-up delivered while it is being withdrawn", () => {
  it("client forget that waited for a delivery does not record the delivered follow-up as cancelled", async () => {
    await ok(["client", "add", "k1", "--age-recipient", await identityToRecipient(generateIdentity())]);
    await ok(["consent", "record", "k1", "--channel", "folder"]);
    const { id } = JSON.parse(await ok(["--json", "send", "k1", "--note", "Bis bald.", "--at", "2026-12-02T11:00:00+01:00", "--yes"])) as { id: string };
    const [waiting] = JSON.parse(await ok(["--json", "outbox", "list"])) as { key: string }[];
    const key = waiting?.key ?? "";
    // A flush is delivering it: it holds the lock while `client forget` starts and waits for it.
    const ledger = new Ledger(join(home, "ledger"));
    const release = await ledger.claim(key);
    const forget = runCli(["--json", "client", "forget", "k1", "--yes"], { home, env: NOW });
    await sleep(4000);
    await ledger.append({ fu: key, ev: "sent", ids: [] }, new Date("2026-12-02T10:00:01+01:00"));
    await mkdir(join(home, "archive"), { recursive: true });
    await rename(join(home, "outbox", `${id}.age`), join(home, "archive", `${id}.age`));
    await release();
    const r = await forget;
    expect(r.code, r.stderr).toBe(0);
    // It went out: the ledger says so, and nothing was cancelled.
    expect((await ledger.state(key))?.state).toBe("sent");
  });
});
