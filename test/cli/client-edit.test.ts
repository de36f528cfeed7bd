/**
 * `nachklang client edit` through the real CLI: any field `client add` sets, with the same
 * checks; fields not given stay; `--unset`; a new Threema ID drops the key pinned for the old
 * one; and the follow-ups waiting for the client are checked against the change.
 */
import { join } from "node:path";
import { readFile, readdir } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateIdentity, identityToRecipient } from "../../src/age/index.js";
import { ClientRegistry } from "../../src/practice/clients.js";
import { unlockKeyring } from "../../src/practice/keyring.js";
import { buildProgram } from "../../src/cli/program.js";
import { PASSPHRASE, initHome, runCli } from "../helpers/cli.js";

let home: string;
let cleanup: () => Promise<void>;

async function ok(args: string[]): Promise<string> {
  const r = await runCli(args, { home });
  expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

interface Shown {
  alias: string;
  name: string | null;
  lang: string;
  channel: string | null;
  threema: string | null;
  phone: string | null;
  email: string | null;
  ageRecipient: string | null;
}

async function show(alias: string): Promise<Shown> {
  return JSON.parse(await ok(["--json", "client", "show", alias])) as Shown;
}

beforeAll(async () => {
  ({ home, cleanup } = await initHome());
});
afterAll(() => cleanup());

describe("names with control characters", () => {
  it("are refused by client add, edit and import: a terminal escape, a tab or line break, a bidi override", async () => {
    const line = (alias: string, field: string) => `Client '${alias}': '${field}' holds control characters (a line break, a tab, a terminal or direction control); nothing was changed. Please give it as plain text.\n`;
    for (const [args, expected] of [
      [["client", "add", "k201", "--name", "Evil\u001b[31mRED"], line("k201", "name")],
      [["client", "add", "k201", "--name", "Tab\tName"], line("k201", "name")],
      [["client", "add", "k201", "--name", "Anna\u202eKeller"], line("k201", "name")],
      [["client", "add", "k201", "--title", "Dr.\nX"], line("k201", "title")],
    ] as const) {
      const r = await runCli([...args], { home });
      expect([r.code, r.stderr], args.join(" ")).toEqual([2, expected]);
    }
    await ok(["client", "add", "k201", "--name", "Jürgen Groß-Öztürk"]);
    const edit = await runCli(["client", "edit", "k201", "--family-name", "Gro\u0007ß"], { home });
    expect([edit.code, edit.stderr]).toEqual([2, line("k201", "family-name")]);
    expect(await show("k201")).toMatchObject({ name: "Jürgen Groß-Öztürk" });
  });
});

describe("client edit", () => {
  it("changes the fields given, keeps the others, and removes one with --unset", async () => {
    await ok(["client", "add", "k010", "--name", "Anna Keller", "--lang", "de", "--email", "anna@example.org", "--phone", "+49 170 1111111", "--billing", "goae"]);
    const out = await ok(["client", "edit", "k010", "--email", " anna.keller@example.org ", "--threema", "abcd1234", "--lang", "en"]);
    expect(out).toContain("Client 'k010' changed: email, threema, lang.");
    expect(await show("k010")).toMatchObject({
      name: "Anna Keller",
      lang: "en",
      email: "anna.keller@example.org",
      threema: "ABCD1234",
      phone: "+491701111111",
    });
    await ok(["client", "edit", "k010", "--unset", "phone", "--name", "Anna M. Keller"]);
    expect(await show("k010")).toMatchObject({ name: "Anna M. Keller", phone: null, email: "anna.keller@example.org", lang: "en" });
    const same = await ok(["client", "edit", "k010", "--name", "Anna M. Keller"]);
    expect(same).toContain("already stored; nothing was changed");
  });

  it("checks like client add and changes nothing when a value is refused", async () => {
    const before = await show("k010");
    for (const [args, code, text] of [
      [["--phone", "0170 123"], 2, "Client 'k010': invalid value for 'phone' (international, e.g. +49 170 1234567)."],
      [["--email", "not-an-address"], 2, "Client 'k010': invalid value for 'email' (an e-mail address, e.g. name@example.org)."],
      [["--threema", "ECHO"], 2, "Client 'k010': invalid value for 'threema' (a Threema ID has 8 characters, e.g. ECHOECHO)."],
      [["--age-recipient", "age1nonsense"], 2, "age recipient is invalid"],
      [["--channel", "whatsapp"], 4, "WhatsApp"],
      [["--channel", "nosuch"], 2, "'nosuch'"],
      [["--unset", "lang"], 2, "'lang' cannot be removed"],
      [["--name", "   "], 2, "Client 'k010': 'name' is blank; please give a value (remove it with --unset name)."],
      [["--given-name", ""], 2, "'given-name' is blank"],
      [[], 2, "Nothing to change"],
    ] as const) {
      const r = await runCli(["client", "edit", "k010", ...args], { home });
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(code);
      expect(r.stderr).toContain(text);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
    const unknown = await runCli(["client", "edit", "k999", "--name", "X"], { home });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("No client 'k999'");
    const bad = await runCli(["client", "edit", "k010", "--billing", "monthly"], { home });
    expect(bad.code).toBe(2);
    expect(await show("k010")).toEqual(before);
  });

  it("client add refuses a blank name too, and stores a name without the blanks around it", async () => {
    const blank = await runCli(["client", "add", "k011", "--name", " ", "--lang", "de"], { home });
    expect(blank.code).toBe(2);
    expect(blank.stderr.trim()).toBe("Client 'k011': 'name' is blank; please give a value (remove it with --unset name).");
    expect(await ok(["client", "list"])).not.toContain("k011");
    await ok(["client", "add", "k012", "--name", "  Ben Ortner ", "--lang", "de"]);
    expect((await show("k012")).name).toBe("Ben Ortner");
  });

  it("drops the Threema key pinned for the earlier ID", async () => {
    const keyring = await unlockKeyring(join(home, "keyring.age"), PASSPHRASE);
    const registry = await ClientRegistry.load(join(home, "clients.age"), keyring.ageIdentity, keyring.ageRecipient);
    const record = registry.require("k010");
    await registry.put({ ...record, pinnedKeys: { threema: "ab".repeat(32) } });
    const same = await ok(["--json", "client", "edit", "k010", "--name", "Anna Keller"]);
    expect(JSON.parse(same)).toMatchObject({ threemaPinDropped: false });
    const moved = await runCli(["client", "edit", "k010", "--threema", "EFGH5678"], { home });
    expect(moved.code, moved.stderr).toBe(0);
    expect(moved.stdout).toContain("The key pinned for the earlier Threema ID of 'k010' was removed");
    const reloaded = await ClientRegistry.load(join(home, "clients.age"), keyring.ageIdentity, keyring.ageRecipient);
    expect(reloaded.require("k010").pinnedKeys).toEqual({});
  });

  it("checks the follow-ups waiting for the client against the change and names each by id", async () => {
    const first = await identityToRecipient(generateIdentity());
    await ok(["client", "add", "k020", "--lang", "de", "--age-recipient", first]);
    await ok(["client", "add", "k021", "--lang", "de", "--age-recipient", first]);
    await ok(["consent", "record", "k020", "--channel", "folder"]);
    await ok(["consent", "record", "k021", "--channel", "folder"]);
    const queued = JSON.parse(await ok(["--json", "send", "k020", "--note", "Bis bald", "--at", "2027-03-01 09:30", "--yes"])) as { id: string };
    const other = JSON.parse(await ok(["--json", "send", "k021", "--note", "Bis bald", "--at", "2027-03-01 09:30", "--yes"])) as { id: string };

    const preferred = await runCli(["client", "edit", "k020", "--channel", "email", "--email", "k020@example.org"], { home });
    expect(preferred.code, preferred.stderr).toBe(0);
    expect(preferred.stdout).toContain("Waiting in the outbox for this: 1; of these no longer deliverable as queued: 0.");
    expect(preferred.stdout).toContain(`${queued.id}  goes out as queued through 'folder', while 'k020' now prefers 'email'; to switch: nachklang outbox reroute ${queued.id} --channel email`);
    expect(preferred.stdout).not.toContain(other.id);

    const rekeyed = await runCli(["--json", "client", "edit", "k020", "--age-recipient", await identityToRecipient(generateIdentity())], { home });
    expect(rekeyed.code, rekeyed.stderr).toBe(0);
    expect(JSON.parse(rekeyed.stdout)).toMatchObject({
      changed: ["ageRecipient"],
      queued: [{ id: queued.id, client: "k020", channel: "folder", blocked: true, problem: "recheck.ageKeyChanged" }],
    });

    const renamed = await runCli(["client", "edit", "k020", "--name", "Anna Neu", "--lang", "en"], { home });
    expect(renamed.code, renamed.stderr).toBe(0);
    expect(renamed.stdout).toContain(
      `${queued.id}  goes out as queued through 'folder', but was written before the change (name, lang) and stays as written; to use the new details: cancel it (nachklang outbox cancel ${queued.id}) and send it again.`,
    );

    // Nothing about the queue is rewritten: the bundle still waits, as queued.
    const list = await ok(["outbox", "list"]);
    expect(list).toContain(queued.id);
    expect(list).toContain(other.id);

    const unset = await runCli(["--json", "client", "edit", "k021", "--unset", "age-recipient"], { home });
    expect(unset.code, unset.stderr).toBe(0);
    expect(JSON.parse(unset.stdout)).toMatchObject({ changed: ["ageRecipient"], queued: [{ id: other.id, blocked: true, problem: "recheck.ageKeyChanged" }] });
  });

  it("names a waiting follow-up whose client can no longer be reached on its channel", async () => {
    await ok(["channels", "add", "signal", "--account", "+4915112345678", "--rpc-url", "http://127.0.0.1:8080"]);
    await ok(["client", "add", "k030", "--lang", "de", "--phone", "+49 170 2222222", "--channel", "signal", "--age-recipient", await identityToRecipient(generateIdentity())]);
    await ok(["consent", "record", "k030", "--channel", "signal"]);
    const queued = JSON.parse(await ok(["--json", "send", "k030", "--note", "Bis bald", "--at", "2027-03-01 09:30", "--yes"])) as { id: string };
    const r = await runCli(["client", "edit", "k030", "--unset", "phone"], { home });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("Waiting in the outbox for this: 1; of these no longer deliverable as queued: 1.");
    expect(r.stdout).toContain(`${queued.id}  'k030' no longer has an address (phone) for 'signal'; please add it (nachklang client edit k030), reroute (nachklang outbox reroute ${queued.id} --channel NAME) or cancel it (nachklang outbox cancel ${queued.id}).`);
    const back = await runCli(["--json", "client", "edit", "k030", "--phone", "+49 170 2222222"], { home });
    expect(JSON.parse(back.stdout)).toMatchObject({ queued: [{ id: queued.id, blocked: false, problem: null }] });
  });

  it("refuses to give a forgotten client contact details again", async () => {
    await ok(["client", "add", "k040", "--email", "k040@example.org"]);
    await ok(["client", "forget", "k040", "--yes"]);
    const r = await runCli(["client", "edit", "k040", "--email", "again@example.org"], { home });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^'k040' was forgotten on \d{4}-\d{2}-\d{2} \(GDPR Art\. 17\); nothing was changed\./);
    expect((await show("k040")).email).toBeNull();
  });

  it("writes no name anywhere in plain text", async () => {
    const files = (await readdir(home, { recursive: true, withFileTypes: true })).filter((f) => f.isFile()).map((f) => join(f.parentPath, f.name));
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) expect((await readFile(file)).includes("Keller"), file).toBe(false);
  });
});

describe("client edit's options", () => {
  it("are every option of client add, and only what was typed reaches the edit (no defaults)", async () => {
    const program = buildProgram(() => undefined);
    const client = program.commands.find((c) => c.name() === "client")!;
    const add = client.commands.find((c) => c.name() === "add")!;
    const edit = client.commands.find((c) => c.name() === "edit")!;
    const longs = (c: typeof add) => c.options.map((o) => o.long);
    expect(longs(add).length).toBeGreaterThan(5);
    // --returning says who is being added (the same person as a removed client), not a field.
    for (const flag of longs(add).filter((f) => f !== "--returning")) expect(longs(edit)).toContain(flag);
    expect(longs(add)).toContain("--returning");
    expect(longs(edit)).not.toContain("--returning");
    // A lone --no-x option gets the default true from commander; an edit must not store it.
    edit.option("--no-read-receipts", "test only");
    let seen: Record<string, unknown> | undefined;
    edit.action((_alias: string, opts: Record<string, unknown>) => {
      seen = opts;
    });
    await program.parseAsync(["client", "edit", "k1", "--name", "X"], { from: "user" });
    expect(seen).toMatchObject({ name: "X" });
    expect(seen?.readReceipts).toBeUndefined();
    await program.parseAsync(["client", "edit", "k1", "--no-read-receipts"], { from: "user" });
    expect(seen?.readReceipts).toBe(false);
  });
});
