/**
 * `channels add/list/test/remove` with the built-in folder channel, through the real CLI, and the
 * folder channel's delivery: a check changes nothing on disk, delivery places the bundle whole,
 * and a hand-off folder that already exists keeps its mode.
 */
import { chmod, mkdir, readFile, readdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChannel } from "../../src/channels/factory.js";
import { generateIdentity, identityToRecipient } from "../../src/age/index.js";
import { initHome, runCli } from "../helpers/cli.js";

let home: string;
let cleanup: () => Promise<void>;
let work: string;

beforeAll(async () => {
  ({ home, cleanup } = await initHome());
  work = join(home, "..", "work");
  await mkdir(work);
});
afterAll(async () => {
  await cleanup();
});

describe("channels remove", () => {
  it("names each follow-up still waiting for the channel, with what to do", async () => {
    const own = await initHome();
    try {
      const ok = async (args: string[], env: Record<string, string> = {}) => {
        const r = await runCli(args, { home: own.home, env });
        expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
        return r.stdout;
      };
      await ok(["channels", "add", "folder", "--name", "usb", "--path", join(own.home, "..", "usb")]);
      await ok(["client", "add", "k1", "--lang", "de", "--age-recipient", await identityToRecipient(generateIdentity())]);
      await ok(["consent", "record", "k1", "--channel", "folder"]);
      await ok(["hours", "set", "mo-fr 09:00-10:00", "--tz", "Europe/Berlin"]);
      const queued = (JSON.parse(await ok(["--json", "send", "k1", "--note", "Bis bald", "--channel", "usb", "--yes"], { NACHKLANG_NOW: "2026-12-08T20:00:00+01:00" })) as { id: string }).id;
      const removed = await ok(["channels", "remove", "usb"]);
      expect(removed.split("\n").slice(0, 3)).toEqual([
        "Channel 'usb' removed.",
        "Waiting in the outbox for this: 1; of these no longer deliverable as queued: 1.",
        `  ${queued}  channel 'usb' can no longer be used like this; please reroute (nachklang outbox reroute ${queued} --channel NAME) or cancel it (nachklang outbox cancel ${queued}).`,
      ]);
    } finally {
      await own.cleanup();
    }
  });

  it("an entry of a type this version does not know is named where it stops a command, and can be removed", async () => {
    const own = await initHome();
    try {
      const file = join(own.home, "config.json");
      const config = JSON.parse(await readFile(file, "utf8")) as { channels?: Record<string, unknown> };
      await writeFile(file, JSON.stringify({ ...config, channels: { ...config.channels, bad: { type: "telegram", settings: {} } } }));
      const line = "Channel 'bad' has the unknown type 'telegram' (written by hand or by a newer version). Remove it with 'nachklang channels remove bad'.\n";
      for (const args of [["channels", "list"], ["channels", "edit", "bad", "--path", "/tmp"]]) {
        const r = await runCli(args, { home: own.home });
        expect([r.code, r.stderr], args.join(" ")).toEqual([2, line]);
      }
      const removed = await runCli(["channels", "remove", "bad"], { home: own.home });
      expect([removed.code, removed.stdout]).toEqual([0, "Channel 'bad' removed.\n"]);
      expect((await runCli(["channels", "list"], { home: own.home })).code).toBe(0);
    } finally {
      await own.cleanup();
    }
  });
});

describe("channels through the CLI", () => {
  it("add, list, test and remove a folder channel; checks change nothing on disk", async () => {
    const usb = join(work, "usb");
    await mkdir(usb);
    await chmod(usb, 0o755);
    const later = join(work, "not-yet", "there");
    expect((await runCli(["channels", "add", "folder", "--name", "usb", "--path", usb], { home })).code).toBe(0);
    expect((await runCli(["channels", "add", "folder", "--name", "later", "--path", later], { home })).code).toBe(0);

    const list = await runCli(["channels", "list"], { home });
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^folder\tfolder\tpath=<home>\/handoff$/m);
    expect(list.stdout).toContain(`usb\tfolder\tpath=${usb}`);
    expect(list.stdout).toMatch(/Channel 'later' is ready\./);
    const test = await runCli(["channels", "test", "later"], { home });
    expect(test.code, test.stdout).toBe(0);

    expect((await stat(usb)).mode & 0o777).toBe(0o755);
    await expect(stat(join(work, "not-yet"))).rejects.toThrow();

    const json = await runCli(["--json", "channels", "list"], { home });
    expect((JSON.parse(json.stdout) as { name: string }[]).map((c) => c.name)).toEqual(["folder", "usb", "later"]);

    expect((await runCli(["channels", "remove", "later"], { home })).code).toBe(0);
    expect((await runCli(["channels", "list"], { home })).stdout).not.toContain("later");
  });

  it("refuses a duplicate name, an unknown channel, an unknown type and a name that is no word (exit 2, one line)", async () => {
    await runCli(["channels", "add", "folder", "--name", "dup", "--path", join(work, "dup")], { home });
    for (const [args, pattern] of [
      [["channels", "add", "folder", "--name", "dup", "--path", join(work, "dup2")], /A channel 'dup' is already configured/],
      [["channels", "test", "nope"], /No channel 'nope' is configured/],
      [["channels", "remove", "nope"], /No channel 'nope' is configured/],
      [["channels", "add", "carrier-pigeon"], /Unknown channel type 'carrier-pigeon'/],
      // A name is what `send --channel` takes: no blanks, slashes or "..".
      [["channels", "add", "folder", "--name", " ", "--path", join(work, "blank")], /^' ' cannot be a channel name: use letters, digits/],
      [["channels", "add", "folder", "--name", "../up", "--path", join(work, "up")], /^'\.\.\/up' cannot be a channel name/],
      [["channels", "add", "folder", "--name", "", "--path", join(work, "empty")], /^'' cannot be a channel name/],
    ] as const) {
      const r = await runCli([...args], { home });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(pattern);
    }
    expect((JSON.parse((await runCli(["--json", "channels", "list"], { home })).stdout) as { name: string }[]).map((c) => c.name)).not.toContain(" ");
  });

  it("refuses a hand-off path that is a file or a device when it is configured (exit 2, one line), for folder and wire, on add and edit", async () => {
    const file = join(work, "handoff.txt");
    await writeFile(file, "not a folder");
    const before = await readFile(join(home, "config.json"), "utf8");
    const line = (path: string) => `${path} is not a folder (a file or a device); nothing was configured. Please name a folder for the hand-off (one that does not exist yet is created at the first delivery).`;
    for (const [args, path] of [
      [["channels", "add", "folder", "--name", "onfile", "--path", file], file],
      [["channels", "add", "folder", "--name", "ondevice", "--path", "/dev/null"], "/dev/null"],
      [["channels", "add", "wire", "--path", file], file],
      [["channels", "edit", "folder", "--path", file], file],
    ] as const) {
      const r = await runCli([...args], { home });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toBe(`${line(path)}\n`);
    }
    // An empty path (the current folder, silently, before) and options of another type.
    for (const [args, expected] of [
      [["channels", "add", "folder", "--name", "empty", "--path", ""], "--path is empty; nothing was configured. Please name the folder for the hand-off."],
      [["channels", "add", "wire", "--path", " "], "--path is empty; nothing was configured. Please name the folder for the hand-off."],
      [["channels", "edit", "folder", "--path", ""], "--path is empty; nothing was configured. Please name the folder for the hand-off."],
      [["channels", "add", "folder", "--name", "mixed", "--path", join(work, "mixed"), "--gateway-id", "*ABCDEFG"], "--gateway-id does not apply to channel 'mixed' (folder); nothing was changed."],
    ] as const) {
      const r = await runCli([...args], { home });
      expect([r.code, r.stderr], args.join(" ")).toEqual([2, `${expected}\n`]);
    }
    expect(await readFile(join(home, "config.json"), "utf8")).toBe(before);
    const de = await runCli(["--lang", "de", "channels", "add", "folder", "--name", "onfile", "--path", file], { home });
    expect(de.code).toBe(2);
    expect(de.stderr).toMatch(/^\S+handoff\.txt ist kein Ordner \(eine Datei oder ein Gerät\); nichts eingerichtet\./);
    // A folder that is not there yet still is fine.
    expect((await runCli(["channels", "add", "folder", "--name", "notyet", "--path", join(work, "later", "handoff")], { home })).code).toBe(0);
  });
});

describe("folder channel delivery", () => {
  it("places the bundle whole, leaves no .partial, keeps an existing folder's mode, creates a missing one 0700", async () => {
    const bundle = join(work, "01abcdefghjkmnpqrstvwxyz01.age");
    await writeFile(bundle, "sealed bytes");
    const shared = join(work, "shared-handoff");
    await mkdir(shared);
    await chmod(shared, 0o750);
    const fresh = join(work, "fresh", "handoff");
    for (const folder of [shared, fresh]) {
      const channel = createChannel("f", { home, channels: { f: { type: "folder", settings: { path: folder } } } });
      const result = await channel.deliver({
        bundleId: "01abcdefghjkmnpqrstvwxyz01",
        bundlePath: bundle,
        followUp: { manifest: undefined as never, manifestBytes: new Uint8Array(), items: [] },
        recipient: { alias: "k042", lang: "en", address: null, pinnedKeys: {}, pinKey: () => Promise.resolve() },
        progress: { done: new Map(), record: () => Promise.resolve() },
      } as unknown as Parameters<typeof channel.deliver>[0]);
      expect(result.status).toBe("sent");
      expect(await readdir(folder)).toEqual(["01abcdefghjkmnpqrstvwxyz01.age"]);
      expect(await readFile(join(folder, "01abcdefghjkmnpqrstvwxyz01.age"), "utf8")).toBe("sealed bytes");
    }
    expect((await stat(shared)).mode & 0o777).toBe(0o750);
    expect((await stat(fresh)).mode & 0o777).toBe(0o700);
  });
});

describe("what a channel stores in plain text names no client", () => {
  it("refuses a channel name or a folder in its path that names a client (exit 2, nothing stored), as group names are", async () => {
    const own = await initHome();
    try {
      const run = (args: string[]) => runCli(args, { home: own.home });
      expect((await run(["client", "add", "k101", "--name", "Zauberflöte Quellenberg", "--phone", "+4915112349876"])).code).toBe(0);
      const before = await readFile(join(own.home, "config.json"), "utf8");
      const stick = join(own.home, "..", "stick");
      const byName = await run(["channels", "add", "folder", "--name", "quellenberg-stick", "--path", stick]);
      expect([byName.code, byName.stderr]).toEqual([
        2,
        "The channel name 'quellenberg-stick' names client k101; channel names are stored unencrypted in config.json and in every ledger line. Please choose a name that names no one (e.g. folder-2).\n",
      ]);
      const byPath = await run(["channels", "add", "folder", "--name", "stick", "--path", join(stick, "Zauberfloete-Quellenberg")]);
      expect([byPath.code, byPath.stderr]).toEqual([
        2,
        "Channel 'stick': the folder 'Zauberfloete-Quellenberg' in the path names client k101; the path is stored unencrypted in config.json and in the ledger. Please choose a folder that names no one.\n",
      ]);
      expect(await readFile(join(own.home, "config.json"), "utf8")).toBe(before);
      expect((await run(["channels", "add", "folder", "--name", "stick", "--path", stick])).code).toBe(0);
      const edited = await run(["channels", "edit", "stick", "--path", join(stick, "Quellenb")]);
      expect(edited.code).toBe(2);
      // An edit that leaves the path has nothing to compare, and needs no passphrase for it.
      const viewer = await runCli(["channels", "edit", "stick", "--viewer"], { home: own.home, env: { NACHKLANG_PASSPHRASE: "" } });
      expect(viewer.code, viewer.stderr).toBe(0);
      // The phone number is the client's name too, for a group as for a channel.
      const group = await run(["group", "add", "4915112349876", "k101"]);
      expect(group.code).toBe(2);
      expect(group.stderr).toMatch(/^The group name '4915112349876' names client k101/);
    } finally {
      await own.cleanup();
    }
  });
});

describe("a service address never carries a secret", () => {
  it("refuses a user name, password or query in the signal-cli or Gateway address, without repeating them (exit 2, nothing stored)", async () => {
    const before = await readFile(join(home, "config.json"), "utf8");
    for (const [args, shown, channel] of [
      [["signal", "--account", "+491701234567", "--rpc-url", "http://praxis:GeheimRPC123@127.0.0.1:7583"], "http://127.0.0.1:7583/", "signal-cli"],
      [["signal", "--account", "+491701234567", "--rpc-url", "http://127.0.0.1:7583/?token=GeheimTok789"], "http://127.0.0.1:7583/", "signal-cli"],
    ] as const) {
      const r = await runCli(["channels", "add", ...args], { home });
      expect([r.code, r.stderr]).toEqual([
        2,
        `'${shown}' with a user name, password, query (?…) or fragment (#…): ${channel} needs none of them in its address, and the address is stored unencrypted in config.json. Please give the address without them; nothing was stored.\n`,
      ]);
      expect(r.stderr + r.stdout).not.toMatch(/Geheim/);
    }
    expect(await readFile(join(home, "config.json"), "utf8")).toBe(before);
  });
});
