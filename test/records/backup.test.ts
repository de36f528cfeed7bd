/**
 * Backup and recovery through the real CLI: `backup` → `restore` into a new folder gives the
 * same `status`, `history`, contact time and bundles that open; a "lost" passphrase is replaced
 * through the recovery key; damaged, foreign and non-backup files are exit 5 with one line and
 * restore nothing; restore never overwrites a home; nothing names a client in plain text in any
 * home or in the backup.
 */
import { generateIdentity, identityToRecipient } from "../../src/age/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { FIXTURES, initHome, runCli, tempDir } from "../helpers/cli.js";
import { filesUnder, plaintextFinds } from "../helpers/home.js";
import { hasCommand } from "../helpers/tools.js";

let home: string;
let work: string;
let cleanup: () => Promise<void>;
const NOW = { NACHKLANG_NOW: "2026-12-02T10:00:00+01:00" };
const SECRETS = ["Annegret", "Kellermann", "Panikattacke", "Schön, dass Sie da waren", "Wolkenbruch"];
const bundles: string[] = [];

async function ok(args: string[], env: Record<string, string> = {}, at = home): Promise<string> {
  const r = await runCli(args, { home: at, env: { ...NOW, ...env } });
  expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

beforeAll(async () => {
  const made = await tempDir();
  work = made.dir;
  home = join(work, "home");
  cleanup = made.cleanup;
  const init = await runCli(["init", "--name", "Praxis Test", "--lang", "en", "--recovery-key", join(work, "recovery.txt")], { home });
  expect(init.code, init.stderr).toBe(0);
  expect(init.stdout).toMatch(/Recovery key written to/);
  await ok(["client", "add", "k1", "--name", "Annegret Kellermann", "--email", "annegret@example.org", "--age-recipient", await identityToRecipient(generateIdentity())]);
  await ok(["consent", "record", "k1", "--channel", "folder"]);
  for (const args of [
    ["--note", "Schön, dass Sie da waren", "--photo", join(FIXTURES, "tiny.jpg")],
    ["--note", "Wolkenbruch"],
  ]) bundles.push((JSON.parse(await ok(["--json", "send", "k1", ...args, "--now", "--yes"])) as { id: string }).id);
  await writeFile(join(work, "note.txt"), "Panikattacke im Bus");
  await ok(["time", "log", "k1", "25m", "--note-file", join(work, "note.txt"), "--on", "2026-12-01"]);
  await ok(["backup", "--out", join(work, "practice.backup.age")]);
});
afterAll(() => cleanup());

const json = async (args: string[], at: string, env: Record<string, string> = {}) => JSON.parse(await ok(["--json", ...args], env, at)) as unknown;

describe("backup and restore", () => {
  it("restores with the passphrase into a new folder: the same status, history, time, and bundles that open", async () => {
    const restored = join(work, "restored");
    const r = await runCli(["restore", join(work, "practice.backup.age")], { home: restored, env: NOW });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Restored into .*restored: \d+ files/);
    expect(await json(["status"], restored)).toEqual(await json(["status"], home));
    expect(await json(["history", "k1"], restored)).toEqual(await json(["history", "k1"], home));
    expect(await json(["time", "list", "--notes"], restored)).toEqual(await json(["time", "list", "--notes"], home));
    for (const b of bundles) {
      const out = join(work, `opened-${b}`);
      await ok(["open", join(restored, "archive", `${b}.age`), "--out", out], {}, restored);
      expect(existsSync(join(out, "manifest.json"))).toBe(true);
    }
    await ok(["records", "verify"], {}, restored);
    // Folders and files as private as in the original.
    expect((await stat(restored)).mode & 0o777).toBe(0o700);
    for (const f of await filesUnder(restored)) expect((await stat(f)).mode & 0o077, f).toBe(0);
    expect(await plaintextFinds(restored, SECRETS)).toEqual([]);
  });

  it("restores with the recovery key after the passphrase is lost, under a new passphrase", async () => {
    const restored = join(work, "recovered");
    const lost = { NACHKLANG_PASSPHRASE: "the old one is forgotten" };
    // Without the recovery key, a wrong passphrase restores nothing (exit 2).
    const wrong = await runCli(["restore", join(work, "practice.backup.age")], { home: restored, env: lost });
    expect(wrong.code).toBe(2);
    expect(existsSync(restored)).toBe(false);
    const fresh = { NACHKLANG_PASSPHRASE: "a brand new passphrase 2027" };
    const r = await runCli(["restore", join(work, "practice.backup.age"), "--recovery-key", join(work, "recovery.txt")], { home: restored, env: fresh });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/stored under the new passphrase/);
    expect(await json(["status"], restored, fresh)).toEqual(await json(["status"], home));
    expect(await json(["keys", "show"], restored, fresh)).toEqual(await json(["keys", "show"], home));
    await ok(["open", join(restored, "archive", `${bundles[0]!}.age`), "--out", join(work, "opened-recovered")], fresh, restored);
    // The old passphrase no longer opens the restored keyring; the new one does.
    expect((await runCli(["status"], { home: restored })).code).toBe(2);
    expect(await plaintextFinds(restored, SECRETS)).toEqual([]);
  });

  it.skipIf(!hasCommand("age"))("opens with the stock age CLI and the recovery key", () => {
    const listed = spawnSync("sh", ["-c", `age -d -i '${join(work, "recovery.txt")}' '${join(work, "practice.backup.age")}' | tar -t`], { encoding: "utf8" });
    expect(listed.status, listed.stderr).toBe(0);
    const names = listed.stdout.trim().split("\n");
    expect(names).toEqual(expect.arrayContaining(["keyring.age", "keyring.recovery.age", "clients.age", "ledger/events.jsonl", "records/time.jsonl", `archive/${bundles[0]!}.age`]));
    expect(names.slice(-2)).toEqual(["nachklang-backup.json", "nachklang-backup.json.minisig"]);
    expect(names.some((n) => n.startsWith("cache/"))).toBe(false);
  });

  it("refuses damaged, foreign and non-backup files (exit 5, one line) and never overwrites a home", async () => {
    const backup = await readFile(join(work, "practice.backup.age"));
    const damaged = Buffer.from(backup);
    damaged[damaged.length - 100]! ^= 0x01;
    await writeFile(join(work, "damaged.age"), damaged);
    await writeFile(join(work, "notage.age"), "just some text\n");
    const other = await initHome("Andere Praxis");
    await ok(["backup", "--out", join(work, "foreign.age")], {}, other.home);
    await other.cleanup();
    for (const [file, pattern, extra] of [
      ["damaged.age", /is damaged/, []],
      ["notage.age", /is not a nachklang backup/, []],
      ["foreign.age", /is not sealed to this practice or this key/, ["--recovery-key", join(work, "recovery.txt")]],
    ] as const) {
      const target = join(work, `t-${file}`);
      const r = await runCli(["restore", join(work, file), ...extra], { home: target, env: NOW });
      expect(r.code, file).toBe(5);
      expect(r.stderr.trim().split("\n"), file).toHaveLength(1);
      expect(r.stderr).toMatch(pattern);
      expect(existsSync(target), file).toBe(false);
    }
    // Nothing staged is left beside the targets.
    expect((await filesUnder(work)).filter((f) => f.includes(".nachklang-restore-"))).toEqual([]);

    const r = await runCli(["restore", join(work, "practice.backup.age")], { home, env: NOW });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/exists and is not empty/);
    const inside = await runCli(["backup", "--out", join(home, "b.age")], { home });
    expect(inside.code).toBe(2);
    // A file where the new home should be is named as one (it said "exists and is not empty").
    const aFile = join(work, "a-file");
    await writeFile(aFile, "x");
    const onFile = await runCli(["restore", join(work, "practice.backup.age")], { home: aFile, env: NOW });
    expect([onFile.code, onFile.stderr]).toEqual([2, `${aFile} is a file or a device, not a folder; restoring never overwrites. Give a new folder with --home.\n`]);
    // Nor is a practice restored inside another one (it went into every later backup of it).
    const nested = join(home, "old-copy", "home");
    const restoredInside = await runCli(["restore", join(work, "practice.backup.age")], { home: nested, env: NOW });
    expect([restoredInside.code, restoredInside.stderr]).toEqual([2, `${nested} lies inside the practice folder ${home}; a practice restored there would go into every backup of it. Please choose a folder outside it.\n`]);
    expect(existsSync(join(home, "old-copy"))).toBe(false);
    const again = await runCli(["backup", "--out", join(work, "practice.backup.age")], { home, env: { NACHKLANG_PASSPHRASE: undefined } });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/exists/);
    // Signing needs the keys: from cron, with no agent and no passphrase, exit 2 at once and no file.
    const locked = await runCli(["backup", "--out", join(work, "locked.age")], { home, env: { NACHKLANG_PASSPHRASE: undefined } });
    expect(locked.code).toBe(2);
    expect(locked.stderr.trim()).toMatch(/^Locked: run 'nachklang unlock'/);
    expect(existsSync(join(work, "locked.age"))).toBe(false);
  });

  it("adds a recovery key to a practice that has none; it follows keyring changes", async () => {
    const p = await initHome();
    try {
      const key = join(p.home, "..", "rk.txt");
      const r = await runCli(["keys", "recovery", "--out", key], { home: p.home });
      expect(r.code, r.stderr).toBe(0);
      expect((await stat(key)).mode & 0o777).toBe(0o600);
      expect((await runCli(["keys", "recovery", "--out", join(p.home, "..", "rk2.txt")], { home: p.home })).code).toBe(2);
      // A keyring change (a channel secret) is sealed to the recovery key too.
      const secret = join(p.home, "..", "smtp.txt");
      await writeFile(secret, "smtp-secret-value");
      const added = await runCli(
        ["channels", "add", "email", "--host", "127.0.0.1", "--port", "2525", "--user", "u", "--password-file", secret, "--from", "praxis@example.org"],
        { home: p.home },
      );
      expect(added.code, added.stderr).toBe(0);
      await mkdir(join(p.home, "..", "b"));
      await ok(["backup", "--out", join(p.home, "..", "b", "x.age")], {}, p.home);
      const restored = join(p.home, "..", "r");
      const fresh = { NACHKLANG_PASSPHRASE: "another new passphrase" };
      const res = await runCli(["restore", join(p.home, "..", "b", "x.age"), "--recovery-key", key], { home: restored, env: fresh });
      expect(res.code, res.stderr).toBe(0);
      const channels = await runCli(["channels", "list"], { home: restored, env: fresh });
      expect(channels.code, channels.stderr).toBe(0);
      expect(channels.stdout).toMatch(/email/);
      expect(await plaintextFinds(restored, ["smtp-secret-value"])).toEqual([]);
    } finally {
      await p.cleanup();
    }
  });

  it("doctor names a recovery key without its anchor to the practice key, which a restore with it cannot trust", async () => {
    const p = await initHome();
    try {
      const doctor = async () => (await runCli(["doctor"], { home: p.home })).stdout;
      const key = join(p.home, "..", "rk.txt");
      expect((await runCli(["keys", "recovery", "--out", key], { home: p.home })).code).toBe(0);
      expect(await doctor()).toMatch(/✓ Recovery key set \(age1/);
      const file = join(p.home, "config.json");
      const config = JSON.parse(await readFile(file, "utf8")) as { recovery: { anchor?: string } };
      expect(config.recovery.anchor).toMatch(/^[0-9a-f]{64}$/);
      delete config.recovery.anchor;
      await writeFile(file, JSON.stringify(config));
      const out = await doctor();
      expect(out).not.toMatch(/Recovery key set/);
      expect(out).toMatch(/recovery key \(age1[0-9a-z]+\) predates its tie to the practice key.*keys recovery --replace/);
    } finally {
      await p.cleanup();
    }
  });
});
