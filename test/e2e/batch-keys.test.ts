/**
 * Batch keys at rest are keyed (docs/decisions/keyed-batch-keys.md): the ledger and the outbox
 * hold an HMAC under the practice's key, never the plain SHA-256 of the entry that older versions
 * wrote — and a ledger those versions wrote is still recognised, so running the same batch again
 * after the update sends nothing twice. Through the real CLI with the folder channel.
 */
import { createHash } from "node:crypto";
import { cp, readdir, readFile, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateIdentity, identityToRecipient } from "../../src/age/index.js";
import { Outbox } from "../../src/delivery/outbox.js";
import { unlockKeyring } from "../../src/practice/keyring.js";
import { PASSPHRASE, initHome, runCli, tempDir } from "../helpers/cli.js";

let template: string;
let cleanupTemplate: () => Promise<void>;
let scratch: string;
let cleanupScratch: () => Promise<void>;
let n = 0;

const ok = async (args: string[], home: string, env: Record<string, string> = {}) => {
  const r = await runCli(args, { home, env });
  if (r.code !== 0) throw new Error(`${args.join(" ")} → ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r;
};

interface Report {
  sent: number;
  queued: number;
  already: number;
  followups: { client: string; key: string; status: string }[];
}
const batch = async (file: string, home: string, env: Record<string, string> = {}) => JSON.parse((await ok(["--json", "batch", file], home, env)).stdout) as Report;

/**
 * The key as versions before keyed keys made it: SHA-256 of the entry's canonical JSON (sorted
 * keys), first 31 hex digits after "b". Spelt out here for an entry with only a note.
 */
function plainKey(batchFile: string, client: string, occurrence: number, note: string): string {
  const text = `{"batchFile":${JSON.stringify(batchFile)},"client":${JSON.stringify(client)},"content":{"audio":[],"impulses":[],"note":${JSON.stringify(note)},"photos":[]},"kind":"nachklang batch entry v1","occurrence":${occurrence}}`;
  return "b" + createHash("sha256").update(text).digest("hex").slice(0, 31);
}

/** Every file below `dir`, with its path relative to it. */
async function filesBelow(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

const ledgerFile = (home: string) => join(home, "ledger", "events.jsonl");

/** What an older version would have left: the same ledger with the plain keys in place of the keyed ones. */
async function asOldLedger(home: string, keys: ReadonlyMap<string, string>): Promise<void> {
  let text = await readFile(ledgerFile(home), "utf8");
  for (const [keyed, plain] of keys) text = text.replaceAll(keyed, plain);
  await writeFile(ledgerFile(home), text);
}

/** A practice of its own (own keys) with clients k001 and k002, both with consent for the folder channel. */
async function practice(): Promise<{ home: string; cleanup: () => Promise<void> }> {
  const init = await initHome();
  for (const alias of ["k001", "k002"]) {
    await ok(["client", "add", alias, "--lang", "de", "--age-recipient", await identityToRecipient(generateIdentity())], init.home);
    await ok(["consent", "record", alias, "--channel", "folder", "--date", "2026-11-01"], init.home);
  }
  return init;
}

async function outboxOf(home: string): Promise<Outbox> {
  const keyring = await unlockKeyring(join(home, "keyring.age"), PASSPHRASE);
  return new Outbox(join(home, "outbox"), join(home, "archive"), await identityToRecipient(keyring.ageIdentity), keyring.ageIdentity);
}

/** The older version's outbox: a waiting bundle's description names the plain key too. */
async function asOldMeta(outbox: Outbox, bundle: string, keyed: string, plain: string): Promise<void> {
  const meta = await outbox.meta(bundle);
  expect(meta?.key).toBe(keyed);
  await outbox.updateMeta({ ...meta!, key: plain });
}

interface Event {
  ev: string;
  fu: string;
  bundle?: string;
  series?: string;
}
const events = async (home: string) => (await readFile(ledgerFile(home), "utf8")).trim().split("\n").map((l) => JSON.parse(l) as Event);

beforeAll(async () => {
  ({ home: template, cleanup: cleanupTemplate } = await practice());
  ({ dir: scratch, cleanup: cleanupScratch } = await tempDir());
});
afterAll(async () => {
  await cleanupTemplate();
  await cleanupScratch();
});

async function freshHome(): Promise<string> {
  const home = join(scratch, `home-${n++}`);
  await cp(template, home, { recursive: true });
  return home;
}

describe("keyed batch keys", () => {
  it("writes no plain hash of an entry anywhere at rest, and another practice gets other keys", async () => {
    const home = await freshHome();
    const file = join(scratch, `week-${n}.yaml`);
    await writeFile(file, 'followups:\n  - client: k001\n    note: "Abendnotiz"\n  - client: k002\n    note: "Abendnotiz"\n');
    const first = await batch(file, home);
    expect(first.sent).toBe(2);
    const plain = [plainKey(file, "k001", 0, "Abendnotiz"), plainKey(file, "k002", 0, "Abendnotiz")];
    // The keys shown are keyed: the shape is kept, the plain hash is not what they are.
    expect(first.followups.map((f) => f.key)).toEqual([expect.stringMatching(/^b[0-9a-f]{31}$/), expect.stringMatching(/^b[0-9a-f]{31}$/)]);
    for (const f of first.followups) expect(plain).not.toContain(f.key);
    expect(await readFile(ledgerFile(home), "utf8")).toContain(first.followups[0]!.key);
    // Nothing below the home names a plain key, in a file's name or in its bytes.
    for (const path of await filesBelow(home)) {
      expect(path).not.toMatch(new RegExp(plain.join("|")));
      const bytes = await readFile(path);
      for (const p of plain) expect(bytes.includes(p), `${path} holds ${p}`).toBe(false);
    }
    // A copy of the practice (the same keys) finds the same keys; another practice gets its own.
    expect((await batch(file, await freshHome())).followups.map((f) => f.key)).toEqual(first.followups.map((f) => f.key));
    const other = await practice();
    try {
      const theirs = (await batch(file, other.home)).followups.map((f) => f.key);
      expect(theirs).toHaveLength(2);
      for (const f of first.followups) expect(theirs).not.toContain(f.key);
    } finally {
      await other.cleanup();
    }
  });

  it("recognises a ledger written with the plain keys: a re-run sends nothing twice", async () => {
    const home = await freshHome();
    const file = join(home, "week.yaml");
    await writeFile(file, 'followups:\n  - client: k001\n    note: "Schön, dass Sie da waren."\n  - client: k002\n    note: "Die Übung: evening-note"\n');
    const first = await batch(file, home);
    expect(first.sent).toBe(2);
    const plain = [plainKey(file, "k001", 0, "Schön, dass Sie da waren."), plainKey(file, "k002", 0, "Die Übung: evening-note")];
    await asOldLedger(home, new Map(first.followups.map((f, i) => [f.key, plain[i]!])));
    const before = await readFile(ledgerFile(home), "utf8");

    const again = await batch(file, home);
    expect(again).toMatchObject({ sent: 0, queued: 0, already: 2 });
    expect(again.followups.map((f) => f.key)).toEqual(plain);
    expect(await readdir(join(home, "handoff"))).toHaveLength(2);
    // Nothing was written: no follow-up under the keyed key next to the old one.
    expect(await readFile(ledgerFile(home), "utf8")).toBe(before);
  });

  it("finishes a follow-up an older version queued under its plain key, once; a changed entry gets a keyed key", async () => {
    const home = await freshHome();
    await ok(["hours", "set", "mo-fr 09:00-18:00", "--tz", "Europe/Berlin"], home);
    const saturday = { NACHKLANG_NOW: "2027-01-09T14:00:00+01:00" };
    const monday = { NACHKLANG_NOW: "2027-01-11T10:00:00+01:00" };
    const file = join(home, "week.yaml");
    await writeFile(file, 'followups:\n  - client: k001\n    note: "Bis Montag"\n');
    const queued = await batch(file, home, saturday);
    expect(queued.queued).toBe(1);
    const keyed = queued.followups[0]!.key;
    const plain = plainKey(file, "k001", 0, "Bis Montag");
    await asOldLedger(home, new Map([[keyed, plain]]));
    const outbox = await outboxOf(home);
    const [bundle] = await outbox.ids();
    await asOldMeta(outbox, bundle!, keyed, plain);

    // Monday, in contact hours: the same file delivers the waiting bundle, not a new one.
    const delivered = await batch(file, home, monday);
    expect(delivered).toMatchObject({ sent: 1, queued: 0, already: 0 });
    expect(delivered.followups[0]!.key).toBe(plain);
    expect(await readdir(join(home, "handoff"))).toHaveLength(1);
    const written = await events(home);
    expect(written.filter((e) => e.ev === "sealed")).toHaveLength(1);
    expect(written.every((e) => e.fu === plain)).toBe(true);
    expect((await batch(file, home, monday)).already).toBe(1);

    // An edited entry is a new follow-up: keyed, and its plain hash is written nowhere.
    await writeFile(file, 'followups:\n  - client: k001\n    note: "Bis Dienstag"\n');
    const edited = await batch(file, home, monday);
    expect(edited.sent).toBe(1);
    const fresh = edited.followups[0]!.key;
    expect(fresh).not.toBe(plainKey(file, "k001", 0, "Bis Dienstag"));
    const ledger = await readFile(ledgerFile(home), "utf8");
    expect(ledger).toContain(fresh);
    expect(ledger).not.toContain(plainKey(file, "k001", 0, "Bis Dienstag"));
    expect(existsSync(join(home, "outbox", `${bundle!}.meta.age`))).toBe(false);
  });

  it("keys a series' id too, and keeps the id an older version gave the steps it sealed", async () => {
    const home = await freshHome();
    const now = { NACHKLANG_NOW: "2027-02-20T10:00:00+01:00" };
    const file = join(home, "course.yaml");
    await writeFile(file, 'followups:\n  - client: k001\n    series:\n      - at: "2027-03-01 10:00"\n        note: "Schritt eins"\n      - at: "2027-03-08 10:00"\n        note: "Schritt zwei"\n');
    const first = await batch(file, home, now);
    expect(first.queued).toBe(2);
    const [k1, k2] = first.followups.map((f) => f.key) as [string, string];
    // The id versions before keyed ids gave this series: plain SHA-256 of file and position.
    const plainSeries = createHash("sha256").update(JSON.stringify(["nachklang batch series v1", file, null, 1])).digest("hex").slice(0, 12);
    const ids = new Set((await events(home)).flatMap((e) => (e.series === undefined ? [] : [e.series])));
    expect(ids.size).toBe(1);
    expect(ids).not.toContain(plainSeries);
    const keyedSeries = [...ids][0]!;

    // An older version sealed step 1 under its plain key and plain series id, and was killed before step 2.
    const l1 = plainKey(file, "k001", 0, "Schritt eins");
    const step2 = (await events(home)).find((e) => e.fu === k2 && e.ev === "sealed")!.bundle!;
    const kept = (await readFile(ledgerFile(home), "utf8")).split("\n").filter((l) => !l.includes(k2));
    await writeFile(ledgerFile(home), kept.join("\n"));
    await asOldLedger(home, new Map([[k1, l1], [keyedSeries, plainSeries]]));
    const outbox = await outboxOf(home);
    await outbox.remove(step2);
    await asOldMeta(outbox, (await outbox.ids())[0]!, k1, l1);

    const again = await batch(file, home, now);
    expect(again.followups.map((f) => [f.key, f.status])).toEqual([
      [l1, "queued"],
      [k2, "queued"],
    ]);
    const series = (await events(home)).filter((e) => e.ev === "series");
    expect(series.map((e) => [e.fu, e.series])).toEqual([
      [l1, plainSeries],
      [k2, plainSeries],
    ]);
  });

  it("removing an entry that went out leaves the others' keys: a re-run sends nothing twice; the same entry twice is said", async () => {
    const home = await freshHome();
    const file = join(scratch, `edited-${n++}.csv`);
    await writeFile(file, "client,note\nk002,Übung A für Jonas\nk002,Übung B für Jonas\n");
    const first = await batch(file, home);
    expect(first.sent).toBe(2);
    // The first row went out, so the practitioner takes it out of the file (after a crash, say).
    await writeFile(file, "client,note\nk002,Übung B für Jonas\n");
    const again = await batch(file, home);
    expect(again).toMatchObject({ sent: 0, queued: 0, already: 1 });
    expect(again.followups.map((f) => f.key)).toEqual([first.followups[1]!.key]);
    expect(await readdir(join(home, "handoff"))).toHaveLength(2);
    // The same row twice: both go (on purpose, perhaps), and it is said.
    await writeFile(file, "client,note\nk001,Noch einmal\nk001,Noch einmal\n");
    const twice = await runCli(["--json", "batch", file], { home });
    expect(twice.code, twice.stderr).toBe(0);
    expect(twice.stderr).toContain("Note: line 3 (k001) is the same as line 2 (k001); both are sent.");
    expect((JSON.parse(twice.stdout) as Report).sent).toBe(2);
  });

  it("recognises a ledger an older version keyed by the client's position among all their entries", async () => {
    const home = await freshHome();
    const file = join(home, "positions.yaml");
    await writeFile(file, 'followups:\n  - client: k002\n    note: "Übung A"\n  - client: k002\n    note: "Übung B"\n');
    const first = await batch(file, home);
    expect(first.sent).toBe(2);
    // As versions before keyed keys wrote it: the second entry of k002 at position 1.
    const plain = [plainKey(file, "k002", 0, "Übung A"), plainKey(file, "k002", 1, "Übung B")];
    await asOldLedger(home, new Map(first.followups.map((f, i) => [f.key, plain[i]!])));
    const again = await batch(file, home);
    expect(again).toMatchObject({ sent: 0, queued: 0, already: 2 });
    expect(again.followups.map((f) => f.key)).toEqual(plain);
  });

  it("two steps of a series with the same note are two follow-ups, and a re-run sends neither again", async () => {
    const home = await freshHome();
    const now = { NACHKLANG_NOW: "2027-02-20T10:00:00+01:00" };
    const file = join(home, "reminders.yaml");
    await writeFile(file, 'followups:\n  - client: k001\n    series:\n      - at: "2027-03-01 10:00"\n        note: "Denk an die Übung"\n      - at: "2027-03-08 10:00"\n        note: "Denk an die Übung"\n');
    const first = await runCli(["--json", "batch", file], { home, env: now });
    expect(first.code, first.stderr).toBe(0);
    // Steps are not "the same entry twice": nothing to warn about.
    expect(first.stderr).not.toContain("is the same as");
    const keys = (JSON.parse(first.stdout) as Report).followups.map((f) => f.key);
    expect(new Set(keys).size).toBe(2);
    expect(await (await outboxOf(home)).ids()).toHaveLength(2);
    const again = await batch(file, home, now);
    expect(again.followups.map((f) => f.key)).toEqual(keys);
    expect(await (await outboxOf(home)).ids()).toHaveLength(2);
  });
});

