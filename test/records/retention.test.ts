/**
 * Retention through the real CLI with the test clock: eleven years on, `records purge` deletes
 * exactly the clients whose ten years have passed (bundles in archive and hand-off folder, time
 * entries, ledger lines, registry entry, and a client already removed from the registry), leaves
 * every other client untouched, and the ledger still verifies against its signed purge record.
 * Their messages received (through the signal-cli emulator) go too: sealed message and files,
 * the envelopes deleted once decoded; another client's stay readable.
 * Also: history as CSV/JSON in a date range, hand-off pruning, and doctor's folder sizes.
 */
import { generateIdentity, identityToRecipient } from "../../src/age/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readdir, readFile, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { initHome, runCli } from "../helpers/cli.js";
import { filesUnder, plaintextFinds } from "../helpers/home.js";
import { SignalCliEmulator } from "../channels/signal/emulator.js";

let home: string;
let cleanup: () => Promise<void>;
let emulator: SignalCliEmulator;
const ACCOUNT = "+4930123456";
const phone = (alias: string) => `+4915100000${alias.slice(1).padStart(3, "0")}`;

const at = (now: string) => ({ NACHKLANG_NOW: now });
async function ok(args: string[], now: string): Promise<string> {
  const r = await runCli(args, { home, env: at(now) });
  expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
  return r.stdout;
}
async function send(alias: string, note: string, now: string): Promise<string> {
  const out = await ok(["--json", "send", alias, "--note", note, "--now", "--yes"], now);
  return (JSON.parse(out) as { id: string }).id;
}
const bundlesIn = async (dir: string) => (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith(".age")).sort();

const Y2026 = "2026-12-02T10:00:00+01:00";
const Y2028 = "2028-06-01T10:00:00+02:00";
const ELEVEN_YEARS_ON = "2037-12-10T10:00:00+01:00";
const bundles: Record<string, string[]> = {};

beforeAll(async () => {
  emulator = await SignalCliEmulator.start({ accounts: [ACCOUNT] });
  ({ home, cleanup } = await initHome());
  await ok(["channels", "add", "signal", "--account", ACCOUNT, "--rpc-url", emulator.url], Y2026);
  for (const alias of ["k1", "k2", "k3", "k4"]) {
    await ok(["client", "add", alias, "--name", `Name-${alias}-Zyxwerkbank`, "--phone", phone(alias), "--age-recipient", await identityToRecipient(generateIdentity())], Y2026);
    await ok(["consent", "record", alias, "--channel", "folder", "--date", "2026-12-01"], Y2026);
  }
  // k1, k2 and k4 write back, each a text and a file; taken in and decoded in 2026.
  for (const alias of ["k1", "k2", "k4"]) {
    await ok(["consent", "record", alias, "--channel", "signal", "--date", "2026-12-01"], Y2026);
    emulator.clientMessage(phone(alias), { text: `Antwort von ${alias} Qwvorbitant`, attachments: [{ mime: "text/plain", filename: `tagebuch-${alias}.txt`, data: Buffer.from(`Tagebuch ${alias} Qwvorbitant`) }] });
  }
  await ok(["inbox", "fetch"], Y2026);
  expect(await ok(["inbox"], Y2026)).toMatch(/k4: 1 unread/);
  for (const alias of ["k1", "k2", "k4"]) bundles[alias] = [await send(alias, `Inhalt für ${alias} Qwvorbitant`, Y2026)];
  await ok(["time", "log", "k1", "20m", "--on", "2026-12-02"], Y2026);
  // k2: a later contact (2028), so ten years have not passed by 2037.
  await ok(["time", "log", "k2", "15m", "--on", "2028-05-30"], Y2028);
  bundles.k2!.push(await send("k2", "Später Qwvorbitant", Y2028));
  // k3: consent renewed in 2030 (a contact), no follow-up at all.
  await ok(["consent", "record", "k3", "--channel", "folder", "--date", "2030-01-10"], "2030-01-10T10:00:00+01:00");
  // k4 leaves the registry; its records stay, known only by its tag.
  await ok(["client", "remove", "k4"], Y2026);
});
afterAll(async () => {
  await emulator.stop();
  await cleanup();
});
const inboxFiles = async (dir: string) => (await readdir(join(home, "inbox", dir))).sort();

describe("retention", () => {
  it("history gives a client's follow-ups in a range as CSV and JSON", async () => {
    const csv = await ok(["history", "k2", "--from", "2028-01-01", "--to", "2028-12-31", "--format", "csv"], Y2028);
    const rows = csv.trim().split("\r\n");
    expect(rows[0]).toBe("sent,client,channel,channel_type,items,bytes,bundle,receipt,followup");
    expect(rows).toHaveLength(2);
    expect(rows[1]).toContain(bundles.k2![1]);
    const json = JSON.parse(await ok(["history", "k2", "--format", "json"], Y2028)) as { id: string }[];
    expect(json.map((s) => s.id).sort()).toEqual([...bundles.k2!].sort());
    expect(JSON.parse(await ok(["history", "k2", "--to", "2026-12-01", "--format", "json"], Y2028))).toEqual([]);
    expect((await runCli(["history", "k2", "--from", "2028-02-01", "--to", "2028-01-01"], { home })).code).toBe(2);
    // An empty range is said as such (it said "k2 has not received anything yet").
    expect(await ok(["history", "k2", "--to", "2026-12-01"], Y2028)).toBe("From … to 2026-12-01: nothing to or from k2.\n");
    expect(await ok(["time", "list", "k2", "--month", "2027-02"], Y2028)).toBe("No contact time logged from 2027-02-01 to 2027-02-28.\n");
  });

  it("a removed client's alias is not given to a new client while their records are kept (exit 2, nothing added)", async () => {
    const line = "'k4' was the alias of a removed client; the records still keep 2 entries under it until their retention ends. A new client needs another alias; if the same person is coming back, add them with --returning.";
    const add = await runCli(["client", "add", "k4", "--lang", "en", "--age-recipient", await identityToRecipient(generateIdentity())], { home, env: at(Y2028) });
    expect([add.code, add.stderr]).toEqual([2, `${line}\n`]);
    const csv = join(home, "..", "new-clients.csv");
    await writeFile(csv, "alias,lang\nk5,de\nk4,en\n");
    const imported = await runCli(["client", "import", csv], { home, env: at(Y2028) });
    expect([imported.code, imported.stderr]).toEqual([2, `${csv}, row 3: ${line} Nothing was added; please correct the row and import again.\n`]);
    const listed = JSON.parse(await ok(["--json", "client", "list"], Y2028)) as { alias: string }[];
    expect(listed.map((c) => c.alias)).toEqual(["k1", "k2", "k3"]);
    // --returning under an alias with nothing kept is a typo, not a return: refused.
    const typo = await runCli(["client", "add", "k40", "--lang", "en", "--returning"], { home, env: at(Y2028) });
    expect([typo.code, typo.stderr]).toEqual([
      2,
      "--returning: no records of a removed client are kept under 'k40'; nothing was added. Please check the alias, or add a new client without --returning.\n",
    ]);
    // The same person coming back finds their history again; removed once more, the rest of the file goes on as before.
    await ok(["client", "add", "k4", "--lang", "en", "--returning"], Y2028);
    expect(await ok(["history", "k4"], Y2028)).toContain(bundles.k4![0]);
    await ok(["client", "remove", "k4"], Y2028);
  });

  it("a dry run eleven years on names exactly the expired clients and changes nothing", async () => {
    // k2 writes again; the message waits sealed, not decoded (fetching needs no keys).
    emulator.clientMessage(phone("k2"), { text: "Noch eine Frage Qwvorbitant" });
    await ok(["inbox", "fetch"], ELEVEN_YEARS_ON);
    const before = await filesUnder(home);
    const dry = await runCli(["--json", "records", "purge", "--dry-run"], { home, env: at(ELEVEN_YEARS_ON) });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr).toMatch(/1 message received is not decoded yet/);
    const out = JSON.parse(dry.stdout) as {
      removed: { client: string | null; followUps: number; timeEntries: number }[];
      kept: { client: string | null; keepUntil: string }[];
      inboxMessages: number;
    };
    expect(out.removed.map((c) => c.client)).toEqual(["k1", null]);
    expect(out.inboxMessages).toBe(2);
    expect(out.removed.map((c) => c.followUps)).toEqual([1, 1]);
    expect(out.kept).toEqual([
      { client: "k2", lastContact: "2028-06-01", keepUntil: "2038-06-01" },
      { client: "k3", lastContact: "2030-01-10", keepUntil: "2040-01-10" },
    ]);
    expect(await filesUnder(home)).toEqual(before);
  });

  it("purges exactly the expired clients, and the ledger still verifies", async () => {
    const ledgerBefore = (await readFile(join(home, "ledger", "events.jsonl"), "utf8")).trim().split("\n");
    const envelopes = await inboxFiles("incoming");
    expect(await inboxFiles("messages")).toHaveLength(3);
    expect(await inboxFiles("files")).toHaveLength(3);
    // Decoded envelopes are deleted; one arrived since and waits for the keys.
    expect(envelopes).toHaveLength(1);
    const r = await runCli(["records", "purge"], { home, env: at(ELEVEN_YEARS_ON) });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/, 2 messages received\./);

    // Inbox: k1's and k4's messages and files gone, k2's still there and readable; no envelope
    // is left: k2's second message was decoded by the purge first (it is a contact, and k2's).
    expect(await inboxFiles("messages")).toHaveLength(2);
    expect(await inboxFiles("files")).toHaveLength(1);
    expect(await inboxFiles("incoming")).toEqual([]);
    const waiting = JSON.parse(await ok(["--json", "inbox"], ELEVEN_YEARS_ON)) as { client: string; count: number; files: number }[];
    expect(waiting).toEqual([expect.objectContaining({ client: "k2", count: 2, files: 1 })]);
    expect(r.stdout).toMatch(/Deleted k1: last contact 2026-12-02, kept until 2036-12-02; 1 follow-up, 2 files/);
    expect(r.stdout).toMatch(/Deleted \(removed, [0-9a-f]{8}…\)/);
    expect(r.stdout).toMatch(/2 clients kept/);

    // Bundles: k1's and k4's gone from archive and hand-off folder, k2's all there.
    const archive = await bundlesIn(join(home, "archive"));
    const handoff = await bundlesIn(join(home, "handoff"));
    expect(archive).toEqual(bundles.k2!.map((b) => `${b}.age`).sort());
    expect(handoff).toEqual(bundles.k2!.map((b) => `${b}.age`).sort());

    // Registry, time, ledger: k2 and k3 as before.
    const listed = JSON.parse(await ok(["--json", "client", "list"], ELEVEN_YEARS_ON)) as { alias: string }[];
    expect(listed.map((c) => c.alias)).toEqual(["k2", "k3"]);
    const time = JSON.parse(await ok(["--json", "time", "list"], ELEVEN_YEARS_ON)) as { entries: { client: string }[] };
    expect(time.entries.map((e) => e.client)).toEqual(["k2"]);
    const status = JSON.parse(await ok(["--json", "status"], ELEVEN_YEARS_ON)) as { id: string; client: string; state?: string }[];
    // Follow-ups have a state; the one message received that is left is k2's.
    expect(status.filter((s) => s.state !== undefined).map((s) => [s.client, s.state])).toEqual([
      ["k2", "sent"],
      ["k2", "sent"],
    ]);
    expect(status.filter((s) => s.state === undefined).map((s) => s.client)).toEqual(["k2", "k2"]);
    const ledgerAfter = (await readFile(join(home, "ledger", "events.jsonl"), "utf8")).trim().split("\n");
    // One line is new: k2's message received, decoded by the purge.
    const added = ledgerAfter.filter((l) => !ledgerBefore.includes(l));
    expect(added.map((l) => (JSON.parse(l) as { ev: string }).ev)).toEqual(["received"]);
    // Every kept line is unchanged and in order; the removed ones are exactly k1's and k4's.
    expect(ledgerAfter.filter((l) => !added.includes(l))).toEqual(ledgerBefore.filter((l) => ledgerAfter.includes(l)));
    const removedBundles = ledgerBefore.filter((l) => !ledgerAfter.includes(l)).flatMap((l) => /"bundle":"(\w+)"/.exec(l)?.[1] ?? []);
    expect(removedBundles.sort()).toEqual([bundles.k1![0], bundles.k4![0]].sort());
    // The kept bundles still open.
    for (const b of bundles.k2!) {
      const opened = await runCli(["verify", join(home, "archive", `${b}.age`)], { home });
      expect(opened.code, opened.stderr).toBe(0);
    }

    const verified = await runCli(["records", "verify"], { home });
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/1 signed purge records/);
    // A purge record is signed by the practice: minisign can check it with the practice key.
    const record = JSON.parse((await readFile(join(home, "ledger", "purges.jsonl"), "utf8")).trim()) as { summary: string };
    const summary = JSON.parse(record.summary) as { removed: { lines: number; clients: string[] } };
    expect(summary.removed.lines).toBe(ledgerBefore.length + added.length - ledgerAfter.length);
    expect(summary.removed.clients).toHaveLength(2);

    // Nothing more to do: a second purge removes nothing.
    expect((await ok(["records", "purge"], ELEVEN_YEARS_ON))).toMatch(/nothing deleted/);
    // k4's records are gone: the alias is free for a new client.
    await ok(["client", "add", "k4", "--lang", "en"], ELEVEN_YEARS_ON);
    await ok(["client", "remove", "k4"], ELEVEN_YEARS_ON);
    // And nothing about anyone in plain text in the home. The markers are long: a short one
    // (three letters) turns up in that much random ciphertext now and then by chance.
    expect(await plaintextFinds(home, ["Zyxwerkbank", "Qwvorbitant", "Inhalt für"])).toEqual([]);
  });

  it("finds a ledger changed behind its back (exit 5, one line)", async () => {
    const file = join(home, "ledger", "events.jsonl");
    const text = await readFile(file, "utf8");
    const lines = text.trim().split("\n");
    await writeFile(file, [lines[0], ...lines.slice(2)].join("\n") + "\n");
    const r = await runCli(["records", "verify"], { home });
    expect(r.code).toBe(5);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/changed outside nachklang/);
    await writeFile(file, text);
    expect((await runCli(["records", "verify"], { home })).code).toBe(0);
  });

  it("prunes hand-over copies the archive holds, and doctor shows the folders", async () => {
    const handoff = join(home, "handoff");
    const [oldOne, newOne] = bundles.k2!;
    // File times are the real clock's, so this runs on the real clock too.
    const old = new Date(Date.now() - 60 * 24 * 60 * 60 * 1000);
    await utimes(join(handoff, `${oldOne}.age`), old, old);
    await writeFile(join(handoff, "notes-of-mine.txt"), "mine");
    await utimes(join(handoff, "notes-of-mine.txt"), old, old);
    // A span of weeks is none; the example is one that fits here (it said "use e.g. 10y").
    const weeks = await runCli(["records", "prune", "handoff", "--older-than", "1w"], { home });
    expect([weeks.code, weeks.stderr]).toEqual([2, "'1w' is not a span; use e.g. 30d.\n"]);
    const r = await runCli(["records", "prune", "handoff", "--older-than", "30d"], { home });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^1 hand-over copy older than 30d removed/);
    expect((await readdir(handoff)).sort()).toEqual([`${newOne}.age`, "notes-of-mine.txt"].sort());
    expect(await bundlesIn(join(home, "archive"))).toHaveLength(2);

    const doctor = await runCli(["doctor"], { home });
    expect(doctor.stdout).toMatch(/archive: 2 files, [\d.]+ KiB – follow-ups sent/);
    expect(doctor.stdout).toMatch(/handoff: 2 files/);
    expect(doctor.stdout).toMatch(/ledger: 2 files/);
    // The inbox is one of the folders too (docs/records.md); one decoded message with its file.
    expect(doctor.stdout).toMatch(/inbox: \d+ files?, [\d.]+ (B|KiB) – clients' messages and their files, sealed/);
  });

  it("a purge that removes no ledger lines does not claim a signed record", async () => {
    const own = await initHome();
    try {
      const inOwn = (args: string[], now: string) => runCli(args, { home: own.home, env: at(now) });
      expect((await inOwn(["client", "add", "k1"], "2016-03-01T10:00:00+01:00")).code).toBe(0);
      expect((await inOwn(["time", "log", "k1", "20m"], "2016-03-01T10:00:00+01:00")).code).toBe(0);
      const r = await inOwn(["records", "purge"], ELEVEN_YEARS_ON);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^1 client deleted, .* freed; no ledger lines \(no purge record needed\), 1 time entry, 0 messages received\.$/m);
      expect((await inOwn(["records", "verify"], ELEVEN_YEARS_ON)).stdout).toMatch(/0 signed purge records/);
    } finally {
      await own.cleanup();
    }
  });

  it("a retention period damaged by hand is exit 5 and deletes nothing, not ten years in place of fifteen", async () => {
    const own = await initHome();
    try {
      const inOwn = (args: string[], now: string) => runCli(args, { home: own.home, env: at(now) });
      expect((await inOwn(["client", "add", "k1"], Y2026)).code).toBe(0);
      expect((await inOwn(["records", "retention", "set", "15y"], Y2026)).code).toBe(0);
      const file = join(own.home, "config.json");
      const config = JSON.parse(await readFile(file, "utf8")) as { records: Record<string, unknown> };
      // Not a span, or one past any law (9999y ended "before" today: its end day lies past the year 9999).
      for (const damaged of ["15 y", "9999y"]) {
        config.records.retention = damaged;
        await writeFile(file, JSON.stringify(config));
        for (const args of [["records", "purge"], ["records", "retention"]]) {
          const r = await inOwn(args, ELEVEN_YEARS_ON);
          expect(r.code, `${damaged}: ${args.join(" ")}`).toBe(5);
          expect(r.stderr.trim().split("\n")).toEqual([`${file}: the retention period ('records') is damaged; nothing is deleted. Set it again with 'nachklang records retention set 10y' or repair the JSON by hand.`]);
        }
      }
      expect((await inOwn(["client", "show", "k1"], ELEVEN_YEARS_ON)).code).toBe(0);
      // Set by command: at most a hundred years, in years or months.
      for (const span of ["101y", "1201m", "9999y"]) {
        const r = await inOwn(["records", "retention", "set", span], Y2026);
        expect([r.code, r.stderr], span).toEqual([2, `'${span}' is longer than any retention period (at most 100y); nothing was changed. The usual one is 10y (§630f para. 3 BGB).\n`]);
      }
      for (const span of ["100y", "1200m"]) expect((await inOwn(["records", "retention", "set", span], Y2026)).code, span).toBe(0);
      // A hundred years kept, a day logged in 2026: nothing is purged in 2037, and logging a day still works (it hung from 1927y on).
      expect((await inOwn(["time", "log", "k1", "5m", "--on", "2026-12-01"], Y2026)).code).toBe(0);
      expect((await inOwn(["records", "purge"], ELEVEN_YEARS_ON)).stdout).toMatch(/nothing deleted/);
    } finally {
      await own.cleanup();
    }
  });
});
