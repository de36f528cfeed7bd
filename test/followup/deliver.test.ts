/**
 * The pipeline and the delivery runner with the real bundle (seal/open), the real folder
 * channel and a recording test channel that delivers in parts.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readFile, readdir, writeFile } from "node:fs/promises";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Channel, Delivery, DeliveryResult } from "../../src/channels/contract.js";
import { ClientRegistry, type ClientRecord } from "../../src/practice/clients.js";
import { createKeyring, type Keyring } from "../../src/practice/keyring.js";
import { KeyringKeys } from "../../src/practice/keyring-keys.js";
import { homePaths, type HomePaths } from "../../src/practice/home.js";
import { deliverFollowUp } from "../../src/followup/deliver.js";
import { prepareClaimed } from "../../src/followup/pipeline.js";
import type { ChannelPort } from "../../src/followup/ports.js";
import { validateDraft, type ValidDraft } from "../../src/followup/validate.js";
import { openWorkflow, type Workflow } from "../../src/followup/workflow.js";
import { noHomework, openPort } from "../../src/followup/wiring.js";
import { withConsent, withConsentWithdrawn } from "../../src/practice/consent.js";
import { loadConfig } from "../../src/practice/config.js";
import { tempDir } from "../helpers/cli.js";
import { generateIdentity, identityToRecipient } from "../../src/age/index.js";

let dir: string;
let cleanup: () => Promise<void>;
let home: HomePaths;
let keyring: Keyring;
let clients: ClientRegistry;
let parts: { calls: Delivery[]; failAfterFirst: boolean };

const NOW = new Date("2026-11-23T10:00:00Z");

function testChannel(): Channel {
  return {
    name: "relay",
    type: "relay",
    check: () => Promise.resolve({ ok: true, lines: [] }),
    async deliver(d: Delivery): Promise<DeliveryResult> {
      parts.calls.push(d);
      const ids: string[] = [];
      for (const item of ["text", ...d.followUp.items.map((i) => i.item.path)]) {
        const known = d.progress.done.get(item);
        if (known !== undefined) {
          ids.push(known);
          continue;
        }
        if (parts.failAfterFirst && ids.length === 1) return { status: "failed", reason: "cli.internal", params: { message: "gateway down" }, retryable: true };
        const id = `m-${item}`;
        await d.progress.record(item, id);
        ids.push(id);
      }
      return { status: "sent", ids };
    },
  };
}

function channels(base: ChannelPort): ChannelPort {
  return {
    resolve: (name) =>
      name === "relay"
        ? { name, type: "relay", address: "none", repeatHarmless: false, handsOverBundle: false, create: () => Promise.resolve(testChannel()) }
        : name === "mail"
          ? { name, type: "email", address: "none", wantsViewer: true, repeatHarmless: false, handsOverBundle: false, create: () => Promise.resolve({ ...testChannel(), type: "email", deliver: (d: Delivery) => { parts.calls.push(d); return Promise.resolve({ status: "sent" as const, ids: [readFileSync(d.viewerPath!, "utf8").slice(0, 15)] }); } }) }
          : base.resolve(name),
  };
}

const noSecrets = () => Promise.resolve({});

async function workflow(): Promise<Workflow> {
  const keys = new KeyringKeys(keyring);
  const base = { home, settings: loadConfig(home.root).store, keys, clients, secrets: noSecrets, now: () => NOW, homework: noHomework };
  const plain = await openWorkflow(base);
  return openWorkflow({ ...base, channels: channels(plain.channels) });
}

async function valid(wf: Workflow, channel: string, note = "Bis bald"): Promise<ValidDraft> {
  const photo = join(dir, "board.txt");
  await writeFile(photo, "whiteboard");
  const v = await validateDraft({ client: "k001", channel, photos: [{ path: photo, caption: "Tafel" }], audio: [], impulses: [], note }, wf.validation);
  expect(v.problems).toEqual([]);
  return v.valid!;
}

async function prepare(wf: Workflow, v: ValidDraft, key: string) {
  const release = await wf.ledger.claim(key);
  try {
    return await prepareClaimed(v, key, "batch", {}, wf.prepare);
  } finally {
    await release();
  }
}

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  home = homePaths(join(dir, "home"));
  keyring = await createKeyring(home.keyring, "pass");
  clients = await ClientRegistry.load(home.clients, keyring.ageIdentity, keyring.ageRecipient);
  // The folder and wire channels hand over the sealed bundle: the client opens it with an age key of their own.
  const ageRecipient = await identityToRecipient(generateIdentity());
  const record: ClientRecord = { alias: "k001", lang: "de", ageRecipient, pinnedKeys: {}, consents: [], created: NOW.toISOString() };
  await clients.put(withConsent(withConsent(withConsent(record, "folder", "2026-11-01", "1"), "relay", "2026-11-01", "1"), "email", "2026-11-01", "1"));
  parts = { calls: [], failAfterFirst: false };
});
afterEach(() => cleanup());

describe("pipeline and delivery runner", () => {
  it("seals into the outbox, delivers into the hand-off folder, archives, and never composes twice", async () => {
    const wf = await workflow();
    const v = await valid(wf, "folder");
    const key = "b" + "a".repeat(31);
    const first = await prepare(wf, v, key);
    expect(first.fresh).toBe(true);
    expect(await readdir(home.outbox)).toEqual([`${first.bundleId}.age`, `${first.bundleId}.meta.age`].sort());
    const outcome = await deliverFollowUp(key, wf.delivery);
    expect(outcome).toMatchObject({ status: "sent", repeated: false });
    expect(await readdir(home.handoff)).toEqual([`${first.bundleId}.age`]);
    expect(await readdir(home.archive)).toEqual([`${first.bundleId}.age`]);
    expect(await readdir(home.outbox)).toEqual([]);
    const again = await prepare(wf, v, key);
    expect(again).toMatchObject({ fresh: false, bundleId: first.bundleId, state: "sent" });
    expect(await deliverFollowUp(key, wf.delivery)).toEqual({ status: "skipped", state: "sent" });
    expect(await readdir(home.handoff)).toHaveLength(1);
  });

  it("repeats an interrupted folder delivery (harmless) but marks others uncertain without sending", async () => {
    const wf = await workflow();
    const folderKey = "b" + "b".repeat(31);
    const relayKey = "b" + "c".repeat(31);
    const f = await prepare(wf, await valid(wf, "folder"), folderKey);
    await prepare(wf, await valid(wf, "relay", "other"), relayKey);
    // A process died after writing `sending`.
    await wf.ledger.append({ fu: folderKey, ev: "sending", attempt: 1, pid: 1 });
    await wf.ledger.append({ fu: relayKey, ev: "sending", attempt: 1, pid: 1 });
    expect(await deliverFollowUp(folderKey, wf.delivery)).toMatchObject({ status: "sent", repeated: true });
    expect(await readdir(home.handoff)).toEqual([`${f.bundleId}.age`]);
    expect(await deliverFollowUp(relayKey, wf.delivery)).toEqual({ status: "uncertain" });
    expect(parts.calls).toHaveLength(0);
    expect((await wf.ledger.state(relayKey))?.state).toBe("uncertain");
    // Until the practitioner releases it, nothing goes out.
    expect(await deliverFollowUp(relayKey, wf.delivery)).toEqual({ status: "skipped", state: "uncertain" });
    await wf.ledger.append({ fu: relayKey, ev: "released" });
    expect(await deliverFollowUp(relayKey, wf.delivery)).toMatchObject({ status: "sent" });
    expect(parts.calls).toHaveLength(1);
  });

  it("repeats an interrupted wire delivery too (same files, same names) and never extracts the items for it", async () => {
    const config = loadConfig(home.root);
    config.set("channels", { wire: { type: "wire", settings: { path: join(dir, "wire-handoff") } } });
    await clients.put(withConsent(clients.require("k001"), "wire", "2026-11-01", "1"));
    const real = openPort(new KeyringKeys(keyring));
    const opened: string[] = [];
    const open = {
      open: (path: string) => (opened.push(`open ${path}`), real.open(path)),
      verify: (path: string) => (opened.push(`verify ${path}`), real.verify(path)),
    };
    const wf = await openWorkflow({ home, settings: config.store, keys: new KeyringKeys(keyring), clients, secrets: noSecrets, now: () => NOW, homework: noHomework, open });
    const key = "b" + "9".repeat(31);
    const f = await prepare(wf, await valid(wf, "wire"), key);
    await wf.ledger.append({ fu: key, ev: "sending", attempt: 1, pid: 1 });
    expect(await deliverFollowUp(key, wf.delivery)).toMatchObject({ status: "sent", repeated: true });
    expect((await readdir(join(dir, "wire-handoff"))).sort()).toEqual([`${f.bundleId}.age`, `${f.bundleId}.wire.txt`]);
    // Verified (every hash and the signature), not extracted.
    expect(opened).toEqual([`verify ${join(home.outbox, `${f.bundleId}.age`)}`]);
  });

  it("resumes a multi-part delivery from the ledger: accepted parts are never sent again", async () => {
    const wf = await workflow();
    const key = "b" + "d".repeat(31);
    await prepare(wf, await valid(wf, "relay"), key);
    parts.failAfterFirst = true;
    expect(await deliverFollowUp(key, wf.delivery)).toMatchObject({ status: "failed", retryable: true });
    expect([...((await wf.ledger.state(key))?.parts.keys() ?? [])]).toEqual(["text"]);
    parts.failAfterFirst = false;
    const second = await deliverFollowUp(key, wf.delivery);
    expect(second).toMatchObject({ status: "sent" });
    expect(parts.calls[1]?.progress.done.get("text")).toBe("m-text");
    const partEvents = (await wf.ledger.read()).events.filter((e) => e.ev === "part");
    // The photo goes out under its neutral name (src/followup/item-names.ts), not as board.txt.
    expect(partEvents.map((e) => (e as { part: string }).part)).toEqual(["text", "items/foto-1.txt"]);
  });

  it("holds the client while a sealed follow-up enters the outbox, and stores nothing when they can no longer receive it", async () => {
    const wf = await workflow();
    const v = await valid(wf, "folder");
    const held: string[] = [];
    // As the CLI holds it: the client as stored now, here withdrawn or forgotten meanwhile.
    const refusing = { ...wf.prepare, holdClient: (alias: string, type: string) => Promise.reject(new Error(`${alias} via ${type}: no longer`)) };
    const release = await wf.ledger.claim("krefused0000000000");
    try {
      await expect(prepareClaimed(v, "krefused0000000000", "batch", {}, refusing)).rejects.toThrow("k001 via folder: no longer");
    } finally {
      await release();
    }
    expect((await readdir(home.outbox)).filter((f) => !f.startsWith("."))).toEqual([]);
    expect(await wf.ledger.state("krefused0000000000")).toBeUndefined();
    // Granted: held from before the outbox until the ledger says queued, then let go.
    const granting = {
      ...wf.prepare,
      holdClient: (alias: string) => {
        held.push(`hold ${alias}`);
        return Promise.resolve(async () => {
          held.push(`release, ${(await wf.ledger.state("kheld000000000000"))?.state}`);
        });
      },
    };
    const claim = await wf.ledger.claim("kheld000000000000");
    try {
      await prepareClaimed(v, "kheld000000000000", "batch", {}, granting);
    } finally {
      await claim();
    }
    expect(held).toEqual(["hold k001", "release, queued"]);
  });

  it("does not deliver after consent was withdrawn while the follow-up waited", async () => {
    const wf = await workflow();
    const key = "b" + "e".repeat(31);
    await prepare(wf, await valid(wf, "folder"), key);
    await clients.put(withConsentWithdrawn(clients.require("k001"), "folder", "2026-11-23"));
    expect(await deliverFollowUp(key, wf.delivery)).toMatchObject({ status: "failed", reason: "consent.missing", retryable: true });
    await expect(readdir(home.handoff)).rejects.toThrow();
  });

  it("builds the passphrase viewer for e-mail, and refuses without an agreed passphrase", async () => {
    const wf = await workflow();
    const key = "b" + "f".repeat(31);
    // Checked before anything is processed ...
    const refused = await validateDraft({ client: "k001", channel: "mail", photos: [], audio: [], impulses: [], note: "x" }, wf.validation);
    expect(refused.problems).toEqual([{ key: "viewer.noPassphrase", params: { alias: "k001" } }]);
    // ... and again at delivery: the passphrase may have been removed while the follow-up waited.
    await clients.put({ ...clients.require("k001"), viewerPassphrase: "acde-fghj-kmnp-rstu-vwxy" });
    await prepare(wf, await valid(wf, "mail"), key);
    const { viewerPassphrase: _removed, ...withoutPassphrase } = clients.require("k001");
    await clients.put(withoutPassphrase);
    expect(await deliverFollowUp(key, wf.delivery)).toMatchObject({ status: "failed", reason: "viewer.noPassphrase", retryable: true });
    await clients.put({ ...clients.require("k001"), viewerPassphrase: "acde-fghj-kmnp-rstu-vwxy" });
    const sent = await deliverFollowUp(key, wf.delivery);
    expect(sent).toMatchObject({ status: "sent", ids: ["<!DOCTYPE html>"] });
    // The viewer was written into a private temporary folder that is gone now.
    expect(existsSync(parts.calls[0]!.viewerPath!)).toBe(false);
  });

  it("marks a damaged bundle as an integrity failure, failed for good (send, reroute and flush exit 5)", async () => {
    const wf = await workflow();
    const key = "b" + "e".repeat(31);
    const { bundleId } = await prepare(wf, await valid(wf, "relay"), key);
    const path = join(home.outbox, `${bundleId}.age`);
    const bytes = await readFile(path);
    bytes.fill(0x41, bytes.length - 40, bytes.length - 20);
    await writeFile(path, bytes);
    expect(await deliverFollowUp(key, wf.delivery)).toMatchObject({ status: "failed", permanent: true, integrity: true });
    expect(parts.calls).toHaveLength(0);
  });
});
