/**
 * Client groups (issue 24) through the real CLI: `group add` stores no alias in plain text;
 * `send --group` makes one bundle per member, each sealed to that member's key and handed to the
 * member's own channel; a member who cannot receive it stops the whole send before anything is
 * sealed. Removing, forgetting or purging a client takes them out of every group.
 */
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decryptBytes, generateIdentity, identityToRecipient } from "../../src/age/index.js";
import { initHome, runCli } from "../helpers/cli.js";

const memberCounts = async (home: string) =>
  Object.fromEntries(Object.entries((JSON.parse(await readFile(join(home, "groups.json"), "utf8")) as { groups: Record<string, string[]> }).groups).map(([n, m]) => [n, m.length]));

const ages = async (dir: string) => (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith(".age")).sort();

async function opensWith(file: string, identity: string): Promise<boolean> {
  try {
    await decryptBytes(await readFile(file), { identities: [identity] });
    return true;
  } catch {
    return false;
  }
}

describe("groups", () => {
  let home: string;
  let usb: string;
  let cleanup: () => Promise<void>;
  const identities: Record<string, string> = {};
  const ok = async (args: string[]) => {
    const result = await runCli(args, { home });
    if (result.code !== 0) throw new Error(`${args.join(" ")}: ${result.stderr}`);
    return result;
  };

  beforeAll(async () => {
    ({ home, cleanup } = await initHome());
    usb = join(home, "..", "usb");
    for (const alias of ["kiwi", "kork", "kalk", "kuh"]) identities[alias] = generateIdentity();
    await ok(["channels", "add", "folder", "--name", "usb", "--path", usb]);
    await ok(["client", "add", "kiwi", "--lang", "de", "--age-recipient", await identityToRecipient(identities.kiwi!)]);
    await ok(["client", "add", "kork", "--lang", "en", "--age-recipient", await identityToRecipient(identities.kork!)]);
    await ok(["client", "add", "kalk", "--lang", "de", "--channel", "usb", "--age-recipient", await identityToRecipient(identities.kalk!)]);
    await ok(["client", "add", "kuh", "--lang", "de", "--age-recipient", await identityToRecipient(identities.kuh!)]);
    for (const alias of ["kiwi", "kork", "kalk"]) await ok(["consent", "record", alias, "--channel", "folder"]);
  });
  afterAll(async () => {
    await cleanup();
  });

  it("stores members as tags, lists them by alias, and sends three bundles each opening only with its member's key", async () => {
    const added = await runCli(["group", "add", "supervision-a", "kiwi", "kork", "kalk"], { home });
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain("Group supervision-a: kiwi, kork, kalk");
    const stored = await readFile(join(home, "groups.json"), "utf8");
    expect(stored).toContain("supervision-a");
    for (const alias of ["kiwi", "kork", "kalk"]) expect(stored).not.toContain(alias);
    expect((JSON.parse(stored) as { groups: Record<string, string[]> }).groups["supervision-a"]).toHaveLength(3);

    const list = await runCli(["group", "list"], { home });
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain("supervision-a: kiwi, kork, kalk");

    const sent = await runCli(["send", "--group", "supervision-a", "--note", "Danke für die Supervision.", "--now", "--yes", "--json"], { home });
    expect(sent.code, sent.stderr).toBe(0);
    const result = JSON.parse(sent.stdout) as { followups: { client: string; channel: string; id: string; state: string }[] };
    expect(result.followups.map((f) => [f.client, f.channel, f.state])).toEqual([
      ["kiwi", "folder", "sent"],
      ["kork", "folder", "sent"],
      ["kalk", "usb", "sent"],
    ]);
    const ids = result.followups.map((f) => f.id);
    expect(new Set(ids).size).toBe(3);
    expect(await ages(join(home, "handoff"))).toEqual([`${ids[0]}.age`, `${ids[1]}.age`].sort());
    expect(await ages(usb)).toEqual([`${ids[2]}.age`]);

    const files: Record<string, string> = {
      kiwi: join(home, "handoff", `${ids[0]}.age`),
      kork: join(home, "handoff", `${ids[1]}.age`),
      kalk: join(usb, `${ids[2]}.age`),
    };
    for (const [owner, file] of Object.entries(files)) {
      for (const alias of ["kiwi", "kork", "kalk", "kuh"]) {
        expect(await opensWith(file, identities[alias]!), `${owner}'s bundle with ${alias}'s key`).toBe(alias === owner);
      }
    }
  });

  it("reads --at as send does: a time in the past, or more than a year ahead in a script, is one line and exit 2, nothing queued", async () => {
    const now = { NACHKLANG_NOW: "2026-12-07T10:00:00+01:00" };
    const added = await runCli(["group", "add", "supervision-at", "kiwi", "kork"], { home });
    expect(added.code, added.stderr).toBe(0);
    const before = await ages(join(home, "outbox"));
    // Before the fix a group send took any --at as it came: one in the past went out at once.
    const past = await runCli(["send", "--group", "supervision-at", "--note", "Hallo", "--at", "2026-12-01 10:00", "--yes"], { home, env: now });
    expect([past.code, past.stderr]).toEqual([2, "--at '2026-12-01 10:00' lies in the past; use --now to send right away, or give a future time.\n"]);
    const far = await runCli(["--json", "send", "--group", "supervision-at", "--note", "Hallo", "--at", "2028-12-01 10:00"], { home, env: now });
    expect(far.code, far.stdout).toBe(2);
    expect(far.stderr).toContain("2028-12-01 10:00");
    expect(await ages(join(home, "outbox"))).toEqual(before);
  });

  it("refuses the whole send when a member has no consent: nothing is sealed for anyone", async () => {
    const added = await runCli(["group", "add", "supervision-b", "kiwi", "kuh"], { home });
    expect(added.code, added.stderr).toBe(0);
    const outbox = await ages(join(home, "outbox"));
    const handoff = await ages(join(home, "handoff"));
    const sent = await runCli(["send", "--group", "supervision-b", "--note", "Hallo", "--now", "--yes"], { home });
    expect(sent.code).toBe(4);
    expect(sent.stderr).toMatch(/No current consent from kuh for folder/);
    expect(sent.stderr).not.toMatch(/kiwi/);
    expect(await ages(join(home, "outbox"))).toEqual(outbox);
    expect(await ages(join(home, "handoff"))).toEqual(handoff);
  });

  it("removes members and groups; unknown groups and bad names are one line with exit 2", async () => {
    const drop = await runCli(["group", "remove", "supervision-b", "kuh"], { home });
    expect(drop.code, drop.stderr).toBe(0);
    expect((await runCli(["group", "list"], { home })).stdout).toContain("supervision-b: kiwi\n");
    const removed = await runCli(["group", "remove", "supervision-b"], { home });
    expect(removed.code, removed.stderr).toBe(0);
    expect((await runCli(["group", "list"], { home })).stdout).not.toContain("supervision-b");

    for (const args of [
      ["send", "--group", "nobody", "--note", "x", "--yes"],
      ["group", "add", "bad name!", "kiwi"],
      ["group", "add", "team", "no-such-client"],
      ["send", "kiwi", "--group", "supervision-a", "--note", "x", "--yes"],
    ]) {
      const result = await runCli(args, { home });
      expect(result.code, `${args.join(" ")}: ${result.stderr}`).toBe(2);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
    }
    // A name that differs from a group's only in case would be a second group nobody tells apart.
    const twin = await runCli(["group", "add", "Supervision-A", "kork"], { home });
    expect([twin.code, twin.stderr]).toEqual([
      2,
      "There is already a group 'supervision-a'; 'Supervision-A' differs from it only in upper and lower case. Please use 'supervision-a', or choose another name.\n",
    ]);
  });

  it("refuses a group name that names a client of the practice (alias or a word of the name), before anything is stored", async () => {
    await ok(["client", "add", "kmd", "--lang", "de", "--name", "Jürgen Müller-Lüdenscheidt"]);
    const before = await readFile(join(home, "groups.json"), "utf8");
    for (const name of ["mueller", "Jurgen-kurs", "muellergruppe", "kmd", "kmd.2", "luedenscheidt_a"]) {
      const result = await runCli(["group", "add", name, "kiwi"], { home });
      expect(result.code, name).toBe(2);
      expect(result.stderr).toBe(`The group name '${name}' names client kmd; group names are stored unencrypted. Please choose a name that names no one (e.g. supervision-a).\n`);
    }
    const de = await runCli(["--lang", "de", "group", "add", "Mueller", "kiwi"], { home });
    expect(de.stderr).toBe("Der Gruppenname „Mueller“ nennt Klient:in kmd; Gruppennamen werden unverschlüsselt gespeichert. Bitte einen Namen wählen, der niemanden nennt (z. B. supervision-a).\n");
    expect(await readFile(join(home, "groups.json"), "utf8")).toBe(before);
    // A word of the name that is not a part of the group's name and shorter than four letters, or another client's alias as a part of a longer one, is no match.
    const fine = await runCli(["group", "add", "kmd2-mittwoch", "kiwi"], { home });
    expect(fine.code, fine.stderr).toBe(0);
    await ok(["group", "remove", "kmd2-mittwoch"]);
  });

  it("client remove and client forget take the client out of every group; an emptied group stays, shown as having no members", async () => {
    await ok(["client", "add", "kern", "--lang", "de"]);
    await ok(["client", "add", "kamm", "--lang", "de"]);
    await ok(["group", "add", "solo", "kern"]);
    await ok(["group", "add", "duo", "kern", "kamm"]);

    const removed = await runCli(["client", "remove", "kern"], { home });
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toBe("Client 'kern' removed.\nkern is no longer in groups duo, solo.\n");
    expect(await memberCounts(home)).toMatchObject({ duo: 1, solo: 0 });
    const list = await runCli(["group", "list"], { home });
    expect(list.stdout).toContain("duo: kamm\n");
    expect(list.stdout).toContain("solo: (no members)\n");
    expect((await runCli(["group", "list", "--lang", "de"], { home })).stdout).toContain("solo: (keine Mitglieder)\n");
    const empty = await runCli(["send", "--group", "solo", "--note", "Hallo", "--now", "--yes"], { home });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toBe("Group solo has no members; add some with 'nachklang group add solo ALIAS…'.\n");

    const forgot = await runCli(["client", "forget", "kamm", "--yes", "--lang", "de"], { home });
    expect(forgot.code, forgot.stderr).toBe(0);
    expect(forgot.stdout).toContain("\nkamm gehört nicht mehr zu Gruppe duo.\n");
    expect(await memberCounts(home)).toMatchObject({ duo: 0, solo: 0 });

    // A forgotten client cannot be put back into a group.
    const again = await runCli(["group", "add", "duo", "kamm"], { home });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^'kamm' was forgotten on \d{4}-\d{2}-\d{2} \(GDPR Art\. 17\) and cannot join a group; nothing was changed\.\n$/);
    expect(await memberCounts(home)).toMatchObject({ duo: 0 });
  });

  it("--json of client remove and client forget lists the groups left", async () => {
    await ok(["client", "add", "kahn"]);
    await ok(["client", "add", "kinn"]);
    await ok(["group", "add", "kurs", "kahn", "kinn"]);
    const removed = await runCli(["client", "remove", "kahn", "--json"], { home });
    expect(removed.code, removed.stderr).toBe(0);
    expect(JSON.parse(removed.stdout)).toMatchObject({ removed: "kahn", groups: ["kurs"] });
    const forgot = await runCli(["client", "forget", "kinn", "--yes", "--json"], { home });
    expect(forgot.code, forgot.stderr).toBe(0);
    expect(JSON.parse(forgot.stdout)).toMatchObject({ deleted: { groups: ["kurs"] } });
    expect(await memberCounts(home)).toMatchObject({ kurs: 0 });
  });

  it("old group data that still lists a removed or forgotten member: send --group names them, takes them out and sends to the rest", async () => {
    await ok(["client", "add", "kegel"]);
    await ok(["client", "add", "kelch"]);
    await ok(["group", "add", "alt", "kiwi", "kegel", "kelch"]);
    // Groups written before removal took clients out: the old file, put back after both left.
    const old = await readFile(join(home, "groups.json"), "utf8");
    await ok(["client", "remove", "kegel"]);
    await ok(["client", "forget", "kelch", "--yes"]);
    await writeFile(join(home, "groups.json"), old);
    expect((await runCli(["group", "list"], { home })).stdout).toContain("alt: kiwi, (removed client), kelch\n");

    const dry = await runCli(["send", "--group", "alt", "--note", "Bis bald.", "--now", "--dry-run"], { home });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr).toContain("Group alt: (removed client), kelch were removed or forgotten; nothing would go to them, and sending takes them out of the group.");
    expect(await memberCounts(home)).toMatchObject({ alt: 3 });

    const sent = await runCli(["send", "--group", "alt", "--note", "Bis bald.", "--now", "--yes", "--json"], { home });
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stderr).toBe("Group alt: (removed client), kelch were removed or forgotten and are now taken out of the group; nothing goes to them.\n");
    expect((JSON.parse(sent.stdout) as { followups: { client: string; state: string }[] }).followups).toEqual([expect.objectContaining({ client: "kiwi", state: "sent" })]);
    expect(await memberCounts(home)).toMatchObject({ alt: 1 });
    expect((await runCli(["group", "list"], { home })).stdout).toContain("alt: kiwi\n");
  });
});

describe("groups and the retention purge", () => {
  it("a purged client leaves their groups; the group stays", async () => {
    const { home, cleanup } = await initHome();
    try {
      for (const args of [["client", "add", "kauz"], ["group", "add", "rest", "kauz"], ["records", "retention", "set", "1m"]]) {
        const r = await runCli(args, { home });
        expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
      }
      const later = { NACHKLANG_NOW: "2099-01-01T10:00:00Z" };
      const purged = await runCli(["records", "purge"], { home, env: later });
      expect(purged.code, purged.stderr).toBe(0);
      expect(await memberCounts(home)).toEqual({ rest: 0 });
      expect((await runCli(["group", "list"], { home, env: later })).stdout).toContain("rest: (no members)\n");
    } finally {
      await cleanup();
    }
  });
});
