/**
 * Client groups (issue 24) through the real CLI: `group add` stores no alias in plain text;
 * `send --group` makes one bundle per member, each sealed to that member's key and handed to the
 * member's own channel; a member who cannot receive it stops the whole send before anything is
 * sealed.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decryptBytes, generateIdentity, identityToRecipient } from "../../src/age/index.js";
import { initHome, runCli } from "../helpers/cli.js";

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

  beforeAll(async () => {
    ({ home, cleanup } = await initHome());
    usb = join(home, "..", "usb");
    for (const alias of ["kiwi", "kork", "kalk", "kuh"]) identities[alias] = generateIdentity();
    const ok = async (args: string[]) => {
      const result = await runCli(args, { home });
      if (result.code !== 0) throw new Error(`${args.join(" ")}: ${result.stderr}`);
    };
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
  });
});
