/**
 * `outbox flush`'s delivery loop against a clock that moves while it delivers: contact hours are
 * asked again before each follow-up, so a flush begun just before closing does not go on after.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { join } from "node:path";
import type { Channel, Delivery } from "../../src/channels/contract.js";
import { contactHours } from "../../src/delivery/hours.js";
import type { FollowUpState } from "../../src/delivery/ledger.js";
import { deliverDue, type FlushOutcome } from "../../src/followup/flush.js";
import { prepareClaimed } from "../../src/followup/pipeline.js";
import { validateDraft } from "../../src/followup/validate.js";
import { openWorkflow, type Workflow } from "../../src/followup/workflow.js";
import { noHomework } from "../../src/followup/wiring.js";
import { ClientRegistry, type ClientRecord } from "../../src/practice/clients.js";
import { loadConfig } from "../../src/practice/config.js";
import { withConsent } from "../../src/practice/consent.js";
import { homePaths, type HomePaths } from "../../src/practice/home.js";
import { createKeyring } from "../../src/practice/keyring.js";
import { KeyringKeys } from "../../src/practice/keyring-keys.js";
import { tempDir } from "../helpers/cli.js";

let dir: string;
let cleanup: () => Promise<void>;
let home: HomePaths;
let clients: ClientRegistry;
let keys: KeyringKeys;
/** The clock the workflow reads; the test channel moves it on while it delivers. */
let now: Date;

const BERLIN = contactHours({ spec: "mo-fr 09:00-18:00", tz: "Europe/Berlin", off: [] });

/** A channel whose delivery takes a minute of the practice's clock. */
function slowChannel(delivered: string[]): Channel {
  return {
    name: "relay",
    type: "relay",
    check: () => Promise.resolve({ ok: true, lines: [] }),
    deliver(d: Delivery) {
      delivered.push(d.bundleId);
      now = new Date(now.getTime() + 60_000);
      return Promise.resolve({ status: "sent" as const, ids: [d.bundleId] });
    },
  };
}

async function workflow(delivered: string[]): Promise<Workflow> {
  const base = { home, settings: loadConfig(home.root).store, keys, clients, secrets: () => Promise.resolve({}), now: () => now, homework: noHomework };
  const plain = await openWorkflow(base);
  return openWorkflow({
    ...base,
    channels: {
      resolve: (name) =>
        name === "relay"
          ? { name, type: "relay", address: "none", repeatHarmless: false, handsOverBundle: false, create: () => Promise.resolve(slowChannel(delivered)) }
          : plain.channels.resolve(name),
    },
  });
}

/** A follow-up queued for now through the relay channel. */
async function queue(wf: Workflow, key: string, note: string): Promise<FollowUpState> {
  const v = await validateDraft({ client: "k001", channel: "relay", photos: [], audio: [], impulses: [], note }, wf.validation);
  expect(v.problems).toEqual([]);
  const release = await wf.ledger.claim(key);
  try {
    await prepareClaimed(v.valid!, key, "batch", {}, wf.prepare);
  } finally {
    await release();
  }
  return (await wf.ledger.state(key))!;
}

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  home = homePaths(join(dir, "home"));
  const keyring = await createKeyring(home.keyring, "pass");
  keys = new KeyringKeys(keyring);
  clients = await ClientRegistry.load(home.clients, keyring.ageIdentity, keyring.ageRecipient);
  const record: ClientRecord = { alias: "k001", lang: "de", pinnedKeys: {}, consents: [], created: "2026-11-01T00:00:00Z" };
  await clients.put(withConsent(record, "relay", "2026-11-01", "1"));
});
afterEach(() => cleanup());

describe("outbox flush across the end of contact hours", () => {
  it("a flush begun at 17:59 delivers what it began inside the hours and leaves the rest for the next opening", async () => {
    // Monday 17:59 in Berlin; each delivery takes a minute.
    now = new Date("2026-11-30T16:59:00Z");
    const delivered: string[] = [];
    const wf = await workflow(delivered);
    const first = await queue(wf, "f" + "a".repeat(31), "Erster");
    const second = await queue(wf, "f" + "b".repeat(31), "Zweiter");
    const outcomes: FlushOutcome["status"][] = [];
    const left = await deliverDue([first, second], wf.delivery, BERLIN, (_s, outcome) => outcomes.push(outcome.status));
    expect(outcomes).toEqual(["sent"]);
    expect(delivered).toEqual([first.bundle]);
    expect(left.map((s) => s.key)).toEqual([second.key]);
    // Nothing was recorded for the one left: it is still queued, its bundle still in the outbox.
    expect((await wf.ledger.state(second.key))?.state).toBe("queued");
    expect(await wf.outbox.has(second.bundle!)).toBe(true);
  });

  it("a follow-up planned outside contact hours on purpose still goes out after closing", async () => {
    now = new Date("2026-11-30T16:59:00Z");
    const delivered: string[] = [];
    const wf = await workflow(delivered);
    const first = await queue(wf, "f" + "c".repeat(31), "Erster");
    const late = await queue(wf, "f" + "d".repeat(31), "Geplant");
    // Planned for 20:00 (`send --at … --now`): due then, outside the hours on purpose.
    await wf.ledger.append({ fu: late.key, ev: "queued", due: "2026-11-30T19:00:00.000Z", anyTime: true }, now);
    const planned = (await wf.ledger.state(late.key))!;
    now = new Date("2026-11-30T19:00:30Z");
    const left = await deliverDue([first, planned], wf.delivery, BERLIN, () => undefined);
    // The one due inside the hours waits for tomorrow; the one planned for 20:00 goes.
    expect(left.map((s) => s.key)).toEqual([first.key]);
    expect(delivered).toEqual([planned.bundle]);
  });
});
