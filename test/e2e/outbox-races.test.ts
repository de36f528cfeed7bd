/**
 * Races between a delivery and the commands that withdraw follow-ups. A delivery holds the
 * follow-up's lock; whatever waited for that lock must look at the ledger again once it has it,
 * or it records the wrong thing about a follow-up that went out meanwhile.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, rm } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { join } from "node:path";
import { Ledger } from "../../src/delivery/ledger.js";
import { initHome, runCli } from "../helpers/cli.js";
import { queuedFollowUp } from "../helpers/outbox.js";

let home: string;
let cleanup: () => Promise<void>;
const NOW = { NACHKLANG_NOW: "2026-12-02T10:00:00+01:00" };

beforeAll(async () => {
  ({ home, cleanup } = await initHome());
});
afterAll(async () => {
  await cleanup();
});

/** A follow-up for a new client `alias`, queued for 11:00. */
const queued = (alias: string) => queuedFollowUp(home, alias, NOW, "2026-12-02T11:00:00+01:00");

/**
 * Run `args` while a flush (played here) holds the follow-up's lock: once the command waits for
 * the lock, the flush records it sent, archives the bundle and lets go.
 */
async function deliveredWhile(ledger: Ledger, { id, key }: { id: string; key: string }, args: string[]) {
  const release = await ledger.claim(key);
  const run = runCli(args, { home, env: NOW });
  await sleep(4000);
  await ledger.append({ fu: key, ev: "sent", ids: [] }, new Date("2026-12-02T10:00:01+01:00"));
  await mkdir(join(home, "archive"), { recursive: true });
  await rename(join(home, "outbox", `${id}.age`), join(home, "archive", `${id}.age`));
  await release();
  return run;
}

describe("a follow-up delivered while it is being withdrawn", () => {
  it("client forget that waited for a delivery does not record the delivered follow-up as cancelled", async () => {
    const ledger = new Ledger(join(home, "ledger"));
    const fu = await queued("k1");
    const r = await deliveredWhile(ledger, fu, ["--json", "client", "forget", "k1", "--yes"]);
    expect(r.code, r.stderr).toBe(0);
    // It went out: the ledger says so, nothing was cancelled, and it counts with those kept.
    expect((await ledger.state(fu.key))?.state).toBe("sent");
    const out = JSON.parse(r.stdout) as { deleted: { queuedFollowUps: number }; kept: { followUps: number } };
    expect(out.deleted.queuedFollowUps).toBe(0);
    expect(out.kept.followUps).toBe(1);
  });

  it("outbox retry that waited for a delivery does not queue again what went out", async () => {
    const ledger = new Ledger(join(home, "ledger"));
    const fu = await queued("k2");
    // It failed (the network), and the timer's flush is trying it again when the practitioner says retry.
    await ledger.append({ fu: fu.key, ev: "failed", reason: "network.down", retryable: true }, new Date("2026-12-02T10:00:00+01:00"));
    const r = await deliveredWhile(ledger, fu, ["outbox", "retry", fu.id]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(fu.id);
    expect((await ledger.state(fu.key))?.state).toBe("sent");
  });
});

describe("two flushes at once (the timer's and one by hand)", () => {
  it("a follow-up the other flush is still delivering is left to it: not sent twice, not a failure", async () => {
    const ledger = new Ledger(join(home, "ledger"));
    const fu = await queued("k3");
    // The other flush holds the follow-up's lock longer than a flush waits for it (a large upload).
    const release = await ledger.claim(fu.key);
    try {
      const r = await runCli(["outbox", "flush"], { home, env: { NACHKLANG_NOW: "2026-12-02T11:00:00+01:00" } });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`k3: being delivered by another nachklang process right now (id ${fu.id})`);
    } finally {
      await release();
    }
    expect((await ledger.state(fu.key))?.state).toBe("queued");
  }, 30_000);
});

describe("a follow-up another process is delivering right now", () => {
  it("outbox cancel and outbox retry name the client and the follow-up as outbox list shows them, not an internal key", async () => {
    const ledger = new Ledger(join(home, "ledger"));
    const fu = await queued("k4");
    await ledger.append({ fu: fu.key, ev: "failed", reason: "network.down", retryable: true }, new Date("2026-12-02T10:00:00+01:00"));
    // A flush holds the follow-up's lock longer than the commands wait for it (a large upload).
    const release = await ledger.claim(fu.key);
    try {
      const [cancel, retry] = await Promise.all([runCli(["outbox", "cancel", fu.id], { home, env: NOW }), runCli(["outbox", "retry", fu.id], { home, env: NOW })]);
      for (const r of [cancel, retry]) {
        expect(r.code, r.stderr).toBe(1);
        expect(r.stderr.trim()).toBe(
          `k4: follow-up ${fu.id} is being delivered by another nachklang process right now; please try again in a minute ('nachklang outbox list' shows how it went).`,
        );
        expect(r.stderr).not.toContain(fu.key);
      }
    } finally {
      await release();
    }
    // Nothing changed: still waiting, failed, in the outbox.
    expect((await ledger.state(fu.key))?.state).toBe("failed");
  }, 30_000);
});

describe("a follow-up whose delivery stopped (a flush crashed mid-delivery)", () => {
  it("outbox cancel refuses while its lock is held, and cancels once the lock is free, saying it may have arrived", async () => {
    const ledger = new Ledger(join(home, "ledger"));
    const fu = await queued("k5");
    await ledger.append({ fu: fu.key, ev: "sending", attempt: 1, pid: 999_999 }, new Date("2026-12-02T10:00:00+01:00"));
    // Held: another process is delivering it right now.
    const release = await ledger.claim(fu.key);
    try {
      const busy = await runCli(["outbox", "cancel", fu.id], { home, env: NOW });
      expect(busy.code, busy.stderr).toBe(1);
      expect(busy.stderr).toContain(`k5: follow-up ${fu.id} is being delivered by another nachklang process right now`);
    } finally {
      await release();
    }
    expect((await ledger.state(fu.key))?.state).toBe("sending");
    // Free: the run that began the delivery is gone; nothing will finish it.
    const r = await runCli(["outbox", "cancel", fu.id], { home, env: NOW });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${fu.id} cancelled and deleted.`);
    expect(r.stderr.trim()).toBe(`k5: follow-up ${fu.id} was being delivered when a nachklang run stopped; it may have arrived. Please check with the client.`);
    expect((await ledger.state(fu.key))?.state).toBe("cancelled");
    expect(existsSync(join(home, "outbox", `${fu.id}.age`))).toBe(false);
  }, 30_000);
});

describe("client forget and a follow-up whose delivery stopped", () => {
  it("records it as uncertain, not cancelled, keeps it in the archive and says it may have arrived", async () => {
    const ledger = new Ledger(join(home, "ledger"));
    const fu = await queued("k6");
    // A flush began delivering it on 2 December and crashed; forget runs the next day.
    await ledger.append({ fu: fu.key, ev: "sending", attempt: 1, pid: 999_999 }, new Date("2026-12-02T11:00:00+01:00"));
    const r = await runCli(["--json", "client", "forget", "k6", "--yes"], { home, env: { NACHKLANG_NOW: "2026-12-03T10:00:00+01:00" } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`k6: follow-up ${fu.id} was being delivered when a nachklang run stopped; it may have arrived. Please check with the client.`);
    const report = JSON.parse(r.stdout) as { deleted: { queuedFollowUps: number }; kept: { mayHaveArrived: string[] }; keepUntil: string };
    expect(report.deleted.queuedFollowUps).toBe(0);
    expect(report.kept.mayHaveArrived).toEqual([fu.id]);
    // What forget writes on its day is no contact: the retention counts from the crashed delivery.
    expect(report.keepUntil).toBe("2036-12-02");
    expect((await ledger.state(fu.key))?.state).toBe("uncertain");
    expect(existsSync(join(home, "outbox", `${fu.id}.age`))).toBe(false);
    expect(existsSync(join(home, "archive", `${fu.id}.age`))).toBe(true);
  });

  it("outbox retry of it afterwards is refused in one line: nothing will deliver it, nothing is written", async () => {
    const ledger = new Ledger(join(home, "ledger"));
    const fu = await queued("k7");
    await ledger.append({ fu: fu.key, ev: "sending", attempt: 1, pid: 999_999 }, new Date("2026-12-02T11:00:00+01:00"));
    const later = { NACHKLANG_NOW: "2026-12-03T10:00:00+01:00" };
    expect((await runCli(["client", "forget", "k7", "--yes"], { home, env: later })).code).toBe(0);
    const before = await readFile(ledger.file);
    // Before the fix: exit 0, "will be delivered again", and a "released" line for a bundle in the archive.
    const r = await runCli(["outbox", "retry", fu.id], { home, env: later });
    expect(r.code, r.stdout).toBe(2);
    expect(r.stderr).toBe(
      `k7: follow-up ${fu.id} is no longer in the outbox: 'client forget' kept it in the archive as possibly delivered, and nothing will deliver it again. Please check with the client whether it arrived.\n`,
    );
    expect(await readFile(ledger.file)).toEqual(before);
    expect((await ledger.state(fu.key))?.state).toBe("uncertain");
    // One that is gone altogether (deleted by hand) is refused too, saying so.
    await rm(join(home, "archive", `${fu.id}.age`));
    const gone = await runCli(["outbox", "retry", fu.id], { home, env: later });
    expect(gone.code).toBe(2);
    expect(gone.stderr).toBe(`k7: follow-up ${fu.id} is in neither the outbox nor the archive, so nothing can deliver it again. Please send a new one if it is still needed.\n`);
    expect(await readFile(ledger.file)).toEqual(before);
  });
});

describe("client forget while another process delivers one of the client's follow-ups", () => {
  it("stops with the busy line before it changes anything, the client's groups included", async () => {
    const ledger = new Ledger(join(home, "ledger"));
    const fu = await queued("k9");
    const group = await runCli(["group", "add", "Mittwochsgruppe", "k9"], { home, env: NOW });
    expect(group.code, group.stderr).toBe(0);
    const release = await ledger.claim(fu.key);
    try {
      const r = await runCli(["client", "forget", "k9", "--yes"], { home, env: NOW });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr.trim()).toBe(
        `k9: follow-up ${fu.id} is being delivered by another nachklang process right now; please try again in a minute ('nachklang outbox list' shows how it went).`,
      );
    } finally {
      await release();
    }
    // Nothing changed: still a member, still waiting, still in the outbox, the record intact.
    const groups = JSON.parse((await runCli(["--json", "group", "list"], { home, env: NOW })).stdout) as unknown;
    expect(JSON.stringify(groups)).toContain("k9");
    expect((await ledger.state(fu.key))?.state).toBe("queued");
    expect(existsSync(join(home, "outbox", `${fu.id}.age`))).toBe(true);
    // Once the lock is free, forget does the whole erasure.
    const done = await runCli(["--json", "client", "forget", "k9", "--yes"], { home, env: NOW });
    expect(done.code, done.stderr).toBe(0);
    expect((JSON.parse(done.stdout) as { deleted: { groups: string[] } }).deleted.groups).toEqual(["Mittwochsgruppe"]);
    expect((await ledger.state(fu.key))?.state).toBe("cancelled");
  }, 40_000);
});

describe("client remove --force while another process delivers one of the client's follow-ups", () => {
  it("stops with the busy line before it changes anything: the client stays, in their groups, the follow-ups waiting", async () => {
    const ledger = new Ledger(join(home, "ledger"));
    const first = await queued("k8");
    const second = JSON.parse((await runCli(["--json", "send", "k8", "--note", "Noch etwas.", "--at", "2026-12-02T11:00:00+01:00", "--yes"], { home, env: NOW })).stdout) as { id: string };
    const group = await runCli(["group", "add", "Freitagsgruppe", "k8"], { home, env: NOW });
    expect(group.code, group.stderr).toBe(0);
    // The other process delivers the second one; the first is free.
    const waiting = JSON.parse((await runCli(["--json", "outbox", "list"], { home, env: NOW })).stdout) as { id: string; key: string }[];
    const busy = waiting.find((w) => w.id === second.id)!;
    const release = await ledger.claim(busy.key);
    try {
      const r = await runCli(["client", "remove", "k8", "--force"], { home, env: NOW });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain(`k8: follow-up ${second.id} is being delivered by another nachklang process right now`);
    } finally {
      await release();
    }
    expect((await runCli(["client", "show", "k8"], { home, env: NOW })).code).toBe(0);
    expect(JSON.stringify(JSON.parse((await runCli(["--json", "group", "list"], { home, env: NOW })).stdout))).toContain("k8");
    expect((await ledger.state(first.key))?.state).toBe("queued");
    expect(existsSync(join(home, "outbox", `${first.id}.age`))).toBe(true);
  }, 40_000);
});

describe("client remove --force that waited for a delivery of one of the client's follow-ups", () => {
  it("leaves the one that went out sent, cancels the others and removes the client", async () => {
    const ledger = new Ledger(join(home, "ledger"));
    const first = await queued("k10");
    const more = async (at: string) => {
      const r = await runCli(["--json", "send", "k10", "--note", "Noch etwas.", "--at", at, "--yes"], { home, env: NOW });
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as { id: string }).id;
    };
    const secondId = await more("2026-12-02T12:00:00+01:00");
    const thirdId = await more("2026-12-02T13:00:00+01:00");
    const group = await runCli(["group", "add", "Montagsgruppe", "k10"], { home, env: NOW });
    expect(group.code, group.stderr).toBe(0);
    const waiting = JSON.parse((await runCli(["--json", "outbox", "list"], { home, env: NOW })).stdout) as { id: string; key: string }[];
    const keyOf = (id: string) => waiting.find((w) => w.id === id)!.key;
    // The second (by due time) is delivered by another process while remove waits for its lock:
    // remove has claimed the first by then.
    const second = { id: secondId, key: keyOf(secondId) };
    const r = await deliveredWhile(ledger, second, ["--json", "client", "remove", "k10", "--force"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout) as { removed: string; cancelled: string[]; noLongerWaiting: { id: string; state: string }[]; groups: string[] };
    expect(out.removed).toBe("k10");
    expect(out.cancelled.sort()).toEqual([first.id, thirdId].sort());
    expect(out.noLongerWaiting).toEqual([{ id: secondId, state: "sent" }]);
    expect(out.groups).toEqual(["Montagsgruppe"]);
    expect((await ledger.state(second.key))?.state).toBe("sent");
    expect(existsSync(join(home, "archive", `${secondId}.age`))).toBe(true);
    for (const id of [first.id, thirdId]) {
      expect((await ledger.state(keyOf(id)))?.state).toBe("cancelled");
      expect(existsSync(join(home, "outbox", `${id}.age`))).toBe(false);
    }
    const show = await runCli(["client", "show", "k10"], { home, env: NOW });
    expect(show.code).toBe(2);
    expect(JSON.stringify(JSON.parse((await runCli(["--json", "group", "list"], { home, env: NOW })).stdout))).not.toContain("k10");
  }, 60_000);

  it("says in a line that the follow-up was sent meanwhile and left as it is", async () => {
    const ledger = new Ledger(join(home, "ledger"));
    const fu = await queued("k11");
    const r = await deliveredWhile(ledger, fu, ["client", "remove", "k11", "--force"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("Client 'k11' removed.");
    expect(r.stdout).toContain(`k11: follow-up ${fu.id} was sent by another nachklang process meanwhile and is left as it is; 'nachklang status' shows it.`);
    expect((await ledger.state(fu.key))?.state).toBe("sent");
  }, 60_000);
});
