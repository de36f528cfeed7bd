/**
 * Backups that were not written by `nachklang backup`, or not left as written:
 *
 * - interop: a backup taken apart with stock `age` and sealed again with stock `age` to the
 *   recovery key restores with the recovery key (the format is plain age + tar + a list); without
 *   the carried keyring, the passphrase path says to use the recovery key;
 * - all or nothing: backups whose tar disagrees with its list (a changed, extra, missing or
 *   duplicated file, no list, a file after the list, a truncated tar) or that try to write
 *   elsewhere (`../`, absolute names, links) are exit 5 with one line, and leave no target,
 *   no staging folder and nothing outside;
 * - forgery: the list's signature verifies with stock `minisign`; a list rewritten to match
 *   changed files, or a whole backup built by someone who knows only the public keys (their own
 *   keyring copy sealed to the recovery recipient, their own signature), restores nothing, by
 *   either path; an unsigned (version 1) backup or a recovery key without its anchor only with
 *   --accept-unverified, and then with a warning;
 * - as properties, on the library: any tree of files comes back byte for byte; any truncation
 *   or flipped byte of the backup file restores nothing.
 */
import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { lstat, mkdir, readFile, readdir, stat, symlink, truncate, utimes, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import fc from "fast-check";
import tar from "tar-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateIdentity, identityToRecipient } from "../../src/age/index.js";
import { nodeEd25519 } from "../../src/bundle/ed25519-node.js";
import { generateSigningKey, signPrehashed, type MinisignSecretKey, type MinisignSigner } from "../../src/bundle/signature.js";
import { ExitCode, UserError } from "../../src/errors.js";
import { unlockKeyring } from "../../src/practice/keyring.js";
import { checkSigned, commitRestore, stageRestore, writeBackup } from "../../src/records/backup.js";
import { storedAnchor, writeRecoveryCopy } from "../../src/records/recovery.js";
import { runCli, tempDir } from "../helpers/cli.js";
import { filesUnder, plaintextFinds } from "../helpers/home.js";
import { missing } from "../helpers/tools.js";

const NOW = { NACHKLANG_NOW: "2026-12-02T10:00:00+01:00" };
const NEW_PASSPHRASE = { NACHKLANG_PASSPHRASE: "a new passphrase after the old one was lost" };

interface Entry {
  readonly name: string;
  readonly data: Buffer;
  readonly type?: "file" | "symlink" | "directory";
  readonly linkname?: string;
}

/** The entries of a tar, in order (files only carry data). */
async function untar(data: Buffer): Promise<Entry[]> {
  const out: Entry[] = [];
  const extract = tar.extract();
  const done = (async () => {
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      out.push({ name: entry.header.name, data: Buffer.concat(chunks) });
    }
  })();
  extract.end(data);
  await done;
  return out;
}

/** A signer holding its secret here, as the keyring's does. */
function signerOf(key: MinisignSecretKey): MinisignSigner {
  return { keyId: key.keyId, publicKey: key.publicKey, signPrehashed: (hash, comment) => Promise.resolve(signPrehashed(key.seed, hash, comment, nodeEd25519)) };
}

async function packTar(entries: readonly Entry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const collected = (async () => {
    for await (const chunk of pack) chunks.push(chunk as Buffer);
  })();
  for (const e of entries) {
    await new Promise<void>((resolve, reject) => {
      const header =
        e.type === "symlink"
          ? { name: e.name, type: "symlink" as const, linkname: e.linkname ?? "/etc/passwd" }
          : e.type === "directory"
            ? { name: e.name, type: "directory" as const }
            : { name: e.name, size: e.data.length, mode: 0o600 };
      const done = (error?: Error | null) => (error ? reject(error) : resolve());
      pack.entry(header, e.type === undefined || e.type === "file" ? e.data : Buffer.alloc(0), done);
    });
  }
  pack.finalize();
  await collected;
  return Buffer.concat(chunks);
}

describe.skipIf(missing("age"))("backups made or changed outside nachklang", () => {
  let work: string;
  let home: string;
  let cleanup: () => Promise<void>;
  let recoveryFile: string;
  let recipient: string;
  let original: Entry[];
  let bundleId: string;

  const ok = async (args: string[], env: Record<string, string> = {}, at = home) => {
    const r = await runCli(args, { home: at, env: { ...NOW, ...env } });
    expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
    return r.stdout;
  };

  /** Seal `plain` (a tar) with the stock age CLI to the recovery key. */
  const sealWithAge = (name: string, plain: Buffer): string => {
    const file = join(work, name);
    const r = spawnSync("age", ["-r", recipient, "-o", file], { input: plain });
    expect(r.status, r.stderr.toString()).toBe(0);
    return file;
  };

  beforeAll(async () => {
    const made = await tempDir();
    work = made.dir;
    cleanup = made.cleanup;
    home = join(work, "home");
    recoveryFile = join(work, "recovery.txt");
    const init = await runCli(["init", "--name", "Praxis Interop", "--lang", "en", "--recovery-key", recoveryFile], { home });
    expect(init.code, init.stderr).toBe(0);
    await ok(["client", "add", "k1", "--name", "Bertamaria Sommerfeld", "--email", "bertamaria@example.org", "--age-recipient", await identityToRecipient(generateIdentity())]);
    await ok(["consent", "record", "k1", "--channel", "folder"]);
    bundleId = (JSON.parse(await ok(["--json", "send", "k1", "--note", "Gewitterwolke", "--now", "--yes"])) as { id: string }).id;
    await ok(["backup", "--out", join(work, "made.age")]);
    const keygen = spawnSync("age-keygen", ["-y", recoveryFile], { encoding: "utf8" });
    expect(keygen.status, keygen.stderr).toBe(0);
    recipient = keygen.stdout.trim();
    expect(recipient).toMatch(/^age1[a-z0-9]+$/);
    const plain = spawnSync("age", ["-d", "-i", recoveryFile, join(work, "made.age")]);
    expect(plain.status, plain.stderr.toString()).toBe(0);
    original = await untar(plain.stdout);
    expect(original.slice(-2).map((e) => e.name)).toEqual(["nachklang-backup.json", "nachklang-backup.json.minisig"]);
  });
  afterAll(() => cleanup());

  /** Exit 5, one line matching `pattern`, and nothing restored or left behind anywhere in `work`. */
  const refused = async (file: string, pattern: RegExp) => {
    const before = await filesUnder(work);
    const target = join(work, "targets", `t-${file.split("/").at(-1)!}`);
    const r = await runCli(["restore", file, "--recovery-key", recoveryFile], { home: target, env: { ...NOW, ...NEW_PASSPHRASE } });
    expect(r.code, `${file}: ${r.stderr}`).toBe(5);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(pattern);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(target)).toBe(false);
    expect(await filesUnder(work)).toEqual(before);
    if (existsSync(join(work, "targets"))) expect(await readdir(join(work, "targets"))).toEqual([]);
  };

  it("a backup sealed again by stock age restores with the recovery key; the passphrase path points to it", async () => {
    const file = sealWithAge("resealed.age", await packTar(original));
    const target = join(work, "from-age");
    const noKey = await runCli(["restore", file], { home: target, env: NOW });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/carries no keyring for the passphrase; restore it with --recovery-key FILE/);
    expect(existsSync(target)).toBe(false);

    await ok(["restore", file, "--recovery-key", recoveryFile], NEW_PASSPHRASE, target);
    const status = async (at: string, env: Record<string, string> = {}) => JSON.parse(await ok(["--json", "status"], env, at)) as unknown;
    expect(await status(target, NEW_PASSPHRASE)).toEqual(await status(home));
    await ok(["open", join(target, "archive", `${bundleId}.age`), "--out", join(work, "opened")], NEW_PASSPHRASE, target);
    expect(await readFile(join(work, "opened", "manifest.json"), "utf8")).toMatch(/"items"/);
    expect(await plaintextFinds(target, ["Bertamaria", "Sommerfeld", "Gewitterwolke"])).toEqual([]);
  });

  it("a recovery key that opens the backup but not its keyring copy is named with the backup, not a staging folder gone by then", async () => {
    const practiceKey = join(work, "practice-identity.txt");
    await ok(["keys", "export", "--identity", practiceKey]);
    const backup = join(work, "made.age");
    const target = join(work, "targets", "t-practice-key");
    const r = await runCli(["restore", backup, "--recovery-key", practiceKey], { home: target, env: { ...NOW, ...NEW_PASSPHRASE } });
    expect([r.code, r.stderr.trim()]).toEqual([5, `${backup}: the keyring copy does not open with this recovery key; give the right key.`]);
    expect(existsSync(target)).toBe(false);
  });

  it("restores nothing from a backup whose tar disagrees with its list, or that writes elsewhere", async () => {
    const files = original.slice(0, -2);
    const [list, signature] = original.slice(-2) as [Entry, Entry];
    const clients = files.findIndex((e) => e.name === "clients.age");
    expect(clients).toBeGreaterThanOrEqual(0);
    const changed = files.map((e, i) => (i === clients ? { ...e, data: Buffer.from(e.data.map((b, j) => (j === 40 ? b ^ 1 : b))) } : e));
    const whole = await packTar(original);
    const cases: [string, Entry[] | Buffer, RegExp][] = [
      ["changed.age", [...changed, list, signature], /is damaged \(clients\.age\)/],
      ["extra.age", [...files, { name: "outbox/extra.age", data: randomBytes(32) }, list, signature], /is damaged/],
      ["missing.age", [...files.filter((e) => e.name !== "clients.age"), list, signature], /is damaged/],
      ["twice.age", [...files, files[clients]!, list, signature], /is damaged/],
      ["nolist.age", files, /is damaged \(nachklang-backup\.json\)/],
      ["no-signature.age", [...files, list], /is damaged \(nachklang-backup\.json\.minisig\)/],
      ["after-list.age", [...original, { name: "late.txt", data: Buffer.from("late") }], /is damaged \(after list\)/],
      ["between.age", [...files, list, { name: "late.txt", data: Buffer.from("late") }, signature], /is damaged \(after list\)/],
      ["list-twice.age", [...original, list], /is damaged/],
      ["dotdot.age", [{ name: "../escaped.txt", data: Buffer.from("out") }, ...original], /is damaged/],
      ["absolute.age", [{ name: join(work, "absolute.txt"), data: Buffer.from("out") }, ...original], /is damaged/],
      ["symlink.age", [{ name: "archive/link", data: Buffer.alloc(0), type: "symlink", linkname: join(work, "linked.txt") }, ...original], /is damaged/],
      ["directory.age", [{ name: "archive", data: Buffer.alloc(0), type: "directory" }, ...original], /is damaged/],
      // A file and then a file below it of the same name: the backup's own names collide (it said
      // the place could not be written, exit 2).
      ["file-then-folder.age", [{ name: "zz", data: Buffer.from("x") }, { name: "zz/inner", data: Buffer.from("y") }, ...original], /is damaged \(zz\/inner\)/],
      ["list-not-json.age", [...files, { name: list.name, data: Buffer.from("{ not json") }, signature], /is damaged \(nachklang-backup\.json\)/],
      ["cut.age", whole.subarray(0, Math.floor(whole.length / 2)), /is damaged/],
      ["not-tar.age", randomBytes(4096), /is damaged/],
    ];
    for (const [name, content, pattern] of cases) {
      const file = sealWithAge(name, Buffer.isBuffer(content) ? content : await packTar(content));
      await refused(file, pattern);
    }
    for (const outside of ["escaped.txt", "absolute.txt", "linked.txt"]) {
      expect(existsSync(join(work, outside))).toBe(false);
      expect(existsSync(join(work, "targets", outside))).toBe(false);
    }
  });

  it("names a duplicated or unlisted entry as it names the others: cut to 100 characters, nothing a terminal acts on", async () => {
    const files = original.slice(0, -2);
    const [list, signature] = original.slice(-2) as [Entry, Entry];
    // Names that pass the character check (letters, digits, . _ -) may still be 1,000 long.
    const long = `${"x".repeat(150)}/${"y".repeat(90)}`;
    const entry = { name: long, data: Buffer.from("twice") };
    const shown = `${"x".repeat(100)}`;
    await refused(sealWithAge("long-twice.age", await packTar([entry, entry, ...original])), new RegExp(`is damaged \\(${shown}\\)`));
    // Not in the list: named by the check against it.
    await refused(sealWithAge("long-unlisted.age", await packTar([entry, ...original])), new RegExp(`is damaged \\(${shown}\\)`));
    // An escape sequence in a duplicated name (ASCII: a C1 control or a bidi override would make
    // tar-stream write a pax header, refused before any name is read). The name check refuses it
    // before it counts as a duplicate; this keeps a change of that order from letting it through.
    const hostile = { name: "archive/\u001b[2J\u001b]0;owned\u0007x.age", data: Buffer.from("twice") };
    const file = sealWithAge("hostile-twice.age", await packTar([...files, hostile, hostile, list, signature]));
    const target = join(work, "targets", "t-hostile");
    const r = await runCli(["restore", file, "--recovery-key", recoveryFile], { home: target, env: { ...NOW, ...NEW_PASSPHRASE } });
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr).toMatch(/is damaged \(archive\/\?\[2J\?\]0;owned\?x\.age\)/);
    expect(r.stderr.trimEnd()).not.toMatch(/[\p{Cc}\p{Cf}]/u);
    expect(existsSync(target)).toBe(false);
  });

  it("signs the list with the practice key, as stock minisign verifies it", async () => {
    if (missing("minisign")) return;
    const config = JSON.parse(await readFile(join(home, "config.json"), "utf8")) as { practice: { minisignPublicKey: string } };
    const [list, signature] = original.slice(-2) as [Entry, Entry];
    await writeFile(join(work, "practice.pub"), `untrusted comment: practice key\n${config.practice.minisignPublicKey}\n`);
    await writeFile(join(work, "list.json"), list.data);
    await writeFile(join(work, "list.json.minisig"), signature.data);
    const good = spawnSync("minisign", ["-Vm", join(work, "list.json"), "-p", join(work, "practice.pub")], { encoding: "utf8" });
    expect(good.status, good.stderr).toBe(0);
    expect(good.stdout).toMatch(/Trusted comment: nachklang-backup created:2026-12-02T09:00:00.000Z files:\d+/);
    await writeFile(join(work, "list.json"), Buffer.from(list.data.toString("utf8").replace(/"size": \d+/, '"size": 1')));
    expect(spawnSync("minisign", ["-Vm", join(work, "list.json"), "-p", join(work, "practice.pub")]).status).not.toBe(0);
  });

  it("restores nothing whose list is not signed by the practice key: a list rewritten to fit, or a backup forged from public keys", async () => {
    const files = original.slice(0, -2);
    const [list, signature] = original.slice(-2) as [Entry, Entry];
    // 1. Someone changes the client registry and fixes the list to match; the old signature stays.
    const forgedClients = randomBytes(files.find((e) => e.name === "clients.age")!.data.length);
    const changed = files.map((e) => (e.name === "clients.age" ? { ...e, data: forgedClients } : e));
    const manifest = JSON.parse(list.data.toString("utf8")) as { files: { path: string; sha256: string }[] };
    for (const f of manifest.files) if (f.path === "clients.age") f.sha256 = createHash("sha256").update(forgedClients).digest("hex");
    const refit = sealWithAge("refit.age", await packTar([...changed, { name: list.name, data: Buffer.from(JSON.stringify(manifest, null, 1)) }, signature]));
    await refused(refit, /is not signed by the practice key [0-9A-F]{16}: changed or made by someone else/);

    // 2. Someone who knows only what is public (the practice's and the recovery key's recipients,
    // in config.json; a keyring.age from an old backup) builds a backup of their own: their
    // keyring sealed to the recovery recipient, their signature, the real keyring carried.
    const config = JSON.parse(await readFile(join(home, "config.json"), "utf8")) as { practice: { ageRecipient: string }; recovery: Record<string, unknown> };
    const mallory = await tempDir();
    try {
      const theirs = join(mallory.dir, "home");
      const made = await runCli(["init", "--name", "Mallory", "--lang", "en", "--no-recovery-key"], { home: theirs, env: { ...NOW, NACHKLANG_PASSPHRASE: "mallory's own passphrase" } });
      expect(made.code, made.stderr).toBe(0);
      const keyring = await unlockKeyring(join(theirs, "keyring.age"), "mallory's own passphrase");
      const tree = join(mallory.dir, "tree");
      for (const e of changed) {
        await mkdir(dirname(join(tree, e.name)), { recursive: true });
        await writeFile(join(tree, e.name), e.data);
      }
      await writeRecoveryCopy(tree, keyring, recipient);
      const forge = async (name: string, treeConfig: unknown) => {
        await writeFile(join(tree, "config.json"), JSON.stringify(treeConfig));
        const out = join(work, name);
        await writeBackup({
          root: tree,
          out,
          recipients: [config.practice.ageRecipient, recipient],
          keyring: await readFile(join(home, "keyring.age")),
          signer: signerOf(keyring.signing),
          now: new Date("2026-12-02T09:00:00Z"),
        });
        return out;
      };
      const forged = await forge("forged.age", config);
      await refused(forged, /its keyring copy does not belong to this recovery key/);
      for (const args of [[], ["--accept-unverified"]]) {
        const target = join(work, "targets", "by-passphrase");
        const r = await runCli(["restore", forged, ...args], { home: target, env: NOW });
        expect(r.code, r.stderr).toBe(5);
        expect(r.stderr).toMatch(/is not signed by the practice key/);
        expect(existsSync(target)).toBe(false);
      }
      // Without the anchor in the forged config.json, the recovery path cannot confirm the origin.
      const { anchor, ...unanchored } = config.recovery;
      expect(anchor).toMatch(/^[0-9a-f]{64}$/);
      await refused(await forge("forged-unanchored.age", { ...config, recovery: unanchored }), /predates its tie to the practice key.*--accept-unverified/);
    } finally {
      await mallory.cleanup();
    }
    expect(await filesUnder(join(work, "targets")).catch(() => [])).toEqual([]);
  });

  it("restores an unsigned (version 1) backup only with --accept-unverified, and then warns", async () => {
    const files = original.slice(0, -2);
    const manifest = JSON.parse(original.at(-2)!.data.toString("utf8")) as { version: number };
    manifest.version = 1;
    const v1 = sealWithAge("v1.age", await packTar([...files, { name: "nachklang-backup.json", data: Buffer.from(JSON.stringify(manifest)) }]));
    await refused(v1, /was made before backups were signed.*--accept-unverified/);
    const target = join(work, "from-v1");
    const r = await runCli(["restore", v1, "--recovery-key", recoveryFile, "--accept-unverified"], { home: target, env: { ...NOW, ...NEW_PASSPHRASE } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/restored without a confirmed origin \(--accept-unverified\)\. Check clients and channels/);
    expect(await readdir(target)).toContain("clients.age");
    // A signed backup never needs the flag and never warns.
    const signed = await runCli(["restore", join(work, "made.age"), "--accept-unverified"], { home: join(work, "signed-target"), env: NOW });
    expect(signed.code, signed.stderr).toBe(0);
    expect(signed.stderr).toBe("");
  });

  it("restores into an empty folder, and never into a file or a folder with anything in it", async () => {
    const empty = join(work, "empty-home");
    await mkdir(empty);
    await ok(["restore", join(work, "made.age")], {}, empty);
    expect(await readdir(empty)).toContain("keyring.age");
    // Through a link to an empty folder (a home kept elsewhere, linked into place): into the folder.
    const linkedTo = join(work, "linked-home");
    await mkdir(linkedTo);
    await symlink(linkedTo, join(work, "home-link"));
    await ok(["restore", join(work, "made.age")], {}, join(work, "home-link"));
    expect(await readdir(linkedTo)).toContain("keyring.age");
    expect((await lstat(join(work, "home-link"))).isSymbolicLink()).toBe(true);
    const asFile = join(work, "a-file");
    await writeFile(asFile, "x");
    const hidden = join(work, "hidden-only");
    await mkdir(hidden);
    await writeFile(join(hidden, ".keep"), "");
    for (const target of [asFile, hidden]) {
      const r = await runCli(["restore", join(work, "made.age")], { home: target, env: NOW });
      expect(r.code, target).toBe(2);
      expect(r.stderr).toMatch(target === asFile ? /is a file or a device, not a folder; restoring never overwrites/ : /exists and is not empty; restoring never overwrites/);
    }
    expect(await readFile(asFile, "utf8")).toBe("x");
    expect(await readdir(hidden)).toEqual([".keep"]);
    expect((await filesUnder(work)).filter((f) => f.includes(".nachklang-restore-"))).toEqual([]);
  });
});

describe("a post-quantum practice", () => {
  it("gets a post-quantum recovery key, and its backup restores with it", async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const home = join(dir, "home");
      const key = join(dir, "recovery.txt");
      const init = await runCli(["init", "--post-quantum", "--lang", "en", "--recovery-key", key], { home, env: NOW });
      expect(init.code, init.stderr).toBe(0);
      const text = await readFile(key, "utf8");
      expect(text).toMatch(/^AGE-SECRET-KEY-PQ-1[0-9A-Z]+$/m);
      expect(text).toMatch(/^# public key: age1pq1[0-9a-z]+$/m);
      // Every stanza of the keyring copy and of the backup is post-quantum (no X25519 beside it).
      const backup = join(dir, "b.age");
      expect((await runCli(["backup", "--out", backup], { home, env: NOW })).code).toBe(0);
      for (const file of [join(home, "keyring.recovery.age"), backup]) {
        const header = (await readFile(file)).subarray(0, 8000).toString("latin1");
        expect(header, file).not.toMatch(/^-> X25519 /m);
        expect(header, file).toMatch(/^-> mlkem768x25519 /m);
      }
      const restored = join(dir, "restored");
      const r = await runCli(["restore", backup, "--recovery-key", key], { home: restored, env: { ...NOW, ...NEW_PASSPHRASE } });
      expect(r.code, r.stderr).toBe(0);
      const show = async (at: string, env: Record<string, string> = {}) => {
        const out = await runCli(["--json", "keys", "show"], { home: at, env: { ...NOW, ...env } });
        expect(out.code, out.stderr).toBe(0);
        return JSON.parse(out.stdout) as unknown;
      };
      expect(await show(restored, NEW_PASSPHRASE)).toEqual(await show(home));
    } finally {
      await cleanup();
    }
  });
});

describe("backup and restore as properties (library)", () => {
  const name = fc.stringMatching(/^[a-z][a-z0-9_-]{0,7}$/).filter((n) => !["cache", "locks", "agent"].includes(n));
  const tree = fc.uniqueArray(
    fc.record({ path: fc.array(name, { minLength: 1, maxLength: 3 }), data: fc.uint8Array({ maxLength: 3000 }), modified: fc.integer({ min: Date.parse("2015-01-01"), max: Date.parse("2026-12-01") }) }),
    {
    minLength: 1,
    maxLength: 12,
    selector: (f) => f.path[0]!,
    },
  );

  const signing = generateSigningKey(nodeEd25519);
  const stranger = generateSigningKey(nodeEd25519);

  async function setup(files: { path: string[]; data: Uint8Array; modified: number }[]) {
    const { dir, cleanup } = await tempDir("nachklang-backup-prop-");
    const root = join(dir, "home");
    for (const f of files) {
      const path = join(root, ...f.path);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, f.data);
      await utimes(path, new Date(f.modified), new Date(f.modified));
    }
    const identity = generateIdentity();
    const out = join(dir, "b.age");
    await writeBackup({ root, out, recipients: [await identityToRecipient(identity)], keyring: randomBytes(64), signer: signerOf(signing), now: new Date("2026-12-02T09:00:00Z") });
    return { dir, cleanup, out, identity };
  }

  it("gives back any tree of files byte for byte, with their dates", async () => {
    await fc.assert(
      fc.asyncProperty(tree, async (files) => {
        const { dir, cleanup, out, identity } = await setup(files);
        try {
          const target = join(dir, "restored");
          const staged = await stageRestore(out, { identities: [identity] }, target);
          expect(checkSigned(staged, signing, out, false)).toBe(true);
          expect(() => checkSigned(staged, stranger, out, true)).toThrow(UserError);
          await commitRestore(staged, target);
          expect(staged.manifest.files.map((f) => f.path).sort()).toEqual(files.map((f) => f.path.join("/")).sort());
          for (const f of files) {
            expect(new Uint8Array(await readFile(join(target, ...f.path)))).toEqual(f.data);
            expect((await stat(join(target, ...f.path))).mtime.getTime()).toBe(f.modified);
          }
          expect(await filesUnder(target)).toHaveLength(files.length);
        } finally {
          await cleanup();
        }
      }),
      { numRuns: 20 },
    );
  });

  it("restores nothing from a truncated backup or one with any byte changed (exit 5)", async () => {
    await fc.assert(
      fc.asyncProperty(tree, fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), fc.boolean(), fc.integer({ min: 1, max: 255 }), async (files, at, cut, xor) => {
        const { dir, cleanup, out, identity } = await setup(files);
        try {
          const size = (await stat(out)).size;
          const offset = Math.floor(at * size);
          if (cut) await truncate(out, offset);
          else {
            const bytes = await readFile(out);
            bytes[offset]! ^= xor;
            await writeFile(out, bytes);
          }
          const target = join(dir, "restored");
          const error = await stageRestore(out, { identities: [identity] }, target).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(error).toBeInstanceOf(UserError);
          expect((error as UserError).code).toBe(ExitCode.integrity);
          expect(existsSync(target)).toBe(false);
          expect((await readdir(dir)).sort()).toEqual(["b.age", "home"]);
        } finally {
          await cleanup();
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe("what restore reads whole from a staged backup", () => {
  it("takes the anchor from a config.json of normal size, and none from one over 1 MiB", async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const anchor = "ab".repeat(32);
      await writeFile(join(dir, "config.json"), JSON.stringify({ recovery: { anchor } }));
      expect(await storedAnchor(dir)).toBe(anchor);
      await writeFile(join(dir, "config.json"), JSON.stringify({ recovery: { anchor }, padding: "x".repeat(1024 * 1024) }));
      expect(await storedAnchor(dir)).toBeUndefined();
    } finally {
      await cleanup();
    }
  });
});
