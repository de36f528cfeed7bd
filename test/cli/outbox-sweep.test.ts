/**
 * `outbox flush` sweeps what killed runs left in the outbox, once it is an hour old: bundles the
 * ledger never recorded, and bundles it records as cancelled — a `client forget` or an `outbox
 * cancel` killed after it wrote "cancelled" and before it deleted the files left a sealed bundle
 * of a forgotten client that nothing removed (outbox list empty, doctor counting two files).
 */
import { cp, readdir, utimes } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateIdentity, identityToRecipient } from "../../src/age/index.js";
import { initHome, runCli, tempDir } from "../helpers/cli.js";

let home: string;
let cleanup: () => Promise<void>;
const cli = (args: string[]) => runCli(args, { home });

beforeAll(async () => {
  ({ home, cleanup } = await initHome());
  const recipient = await identityToRecipient(generateIdentity());
  for (const args of [["client", "add", "k1", "--age-recipient", recipient], ["consent", "record", "k1", "--channel", "folder"]]) expect((await cli(args)).code).toBe(0);
});
afterAll(() => cleanup());

describe("outbox flush sweeps leftovers", () => {
  it("removes a cancelled follow-up's bundle that a killed run left, once it is an hour old", async () => {
    const queued = await cli(["--json", "send", "k1", "--note", "Später", "--at", "2030-01-07 10:00", "--yes"]);
    expect(queued.code, queued.stderr).toBe(0);
    const id = (JSON.parse(queued.stdout) as { id: string }).id;
    const outbox = join(home, "outbox");
    const files = (await readdir(outbox)).filter((f) => f.startsWith(id)).sort();
    expect(files).toEqual([`${id}.age`, `${id}.meta.age`]);
    // The state a run killed between the ledger's "cancelled" and the deletion leaves.
    const { dir, cleanup: drop } = await tempDir();
    try {
      for (const f of files) await cp(join(outbox, f), join(dir, f));
      expect((await cli(["outbox", "cancel", id])).code).toBe(0);
      for (const f of files) await cp(join(dir, f), join(outbox, f));
    } finally {
      await drop();
    }
    // Younger than an hour: a run may still be working on it.
    expect((await cli(["outbox", "flush"])).code).toBe(0);
    expect((await readdir(outbox)).filter((f) => f.startsWith(id)).sort()).toEqual(files);
    const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
    for (const f of files) await utimes(join(outbox, f), old, old);
    expect((await cli(["outbox", "flush"])).code).toBe(0);
    expect((await readdir(outbox)).filter((f) => f.startsWith(id))).toEqual([]);
  });
});
