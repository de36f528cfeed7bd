/**
 * The spine end to end, through the real `bin/nachklang.js` (built by `npm test`): the demo and
 * the exact command it prints, every quick-start command of the README in order, bad input
 * (one clear line, the documented exit code, no stack trace), `--help`, and what is left at rest
 * in the home folder afterwards.
 */
import { spawnSync } from "node:child_process";
import { copyFile, mkdir, readFile, readdir, stat, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, FIXTURES, PASSPHRASE, ROOT, initHome, runCli, tempDir, type CliResult } from "../helpers/cli.js";
import { hasCommand } from "../helpers/tools.js";

const NO_AGE = !hasCommand("age");
const NO_MINISIGN = !hasCommand("minisign");
if (NO_AGE || NO_MINISIGN) console.warn("SKIPPED: parts of the e2e spine test need 'age' and 'minisign' (.ci/run installs them).");

/** One clear line on stderr, nothing on stdout, no stack trace, the given exit code. */
function expectOneLine(r: CliResult, code: number, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(code);
  expect(r.stdout).toBe("");
  expect(r.stderr.endsWith("\n")).toBe(true);
  expect(r.stderr.trimEnd().split("\n"), r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr).not.toMatch(/Error:|internal error/i);
  expect(r.stderr.trimEnd()).toMatch(pattern);
}

/** Every file and folder below `dir`, absolute. */
async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    out.push(path);
    if (entry.isDirectory()) out.push(...(await walk(path)));
  }
  return out;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Split a README command line like a shell would (double quotes only). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (let m = re.exec(line); m !== null; m = re.exec(line)) words.push(m[1] ?? m[2]!);
  return words;
}

describe("nachklang demo", () => {
  let dir: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir("nachklang-e2e-demo-"));
  });
  afterAll(async () => {
    await cleanup();
  });

  it("runs on embedded defaults in under 60 s, prints the bundle and the command to open it, which works", async () => {
    const cwd = join(dir, "cwd");
    const tmp = join(dir, "tmp");
    const home = join(dir, "untouched-home");
    await mkdir(cwd);
    await mkdir(tmp);
    const started = Date.now();
    const demo = await runCli(["demo"], { cwd, home, env: { NACHKLANG_PASSPHRASE: undefined, TMPDIR: tmp } });
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stderr).toBe("");

    const bundle = /(nachklang-demo\/[0-9a-z]{26}\.age)/.exec(demo.stdout)?.[1];
    expect(bundle, demo.stdout).toBeDefined();
    expect(await exists(join(cwd, bundle!))).toBe(true);
    const command = /(npx nachklang open .*)$/m.exec(demo.stdout)?.[1];
    expect(command, demo.stdout).toBeDefined();
    const words = shellWords(command!);
    expect(words.slice(0, 3)).toEqual(["npx", "nachklang", "open"]);

    // The demo needs no practice: it leaves the home alone and its temporary plaintext is gone.
    expect(await exists(home)).toBe(false);
    expect(await readdir(tmp)).toEqual([]);
    expect((await readdir(join(cwd, "nachklang-demo"))).every((f) => /^[0-9a-z]{26}(\.age|-client-key\.txt|-practice\.pub)$/.test(f))).toBe(true);

    // Run exactly the printed command (npx nachklang = the bin), as a client would: no practice, no passphrase.
    const opened = await runCli(words.slice(2), { cwd, home, env: { NACHKLANG_PASSPHRASE: undefined } });
    expect(opened.code, opened.stderr).toBe(0);
    expect(opened.stdout).toMatch(/^Signed by .* with key [0-9A-F]{16} \(fingerprint ([0-9A-F]{4} ){15}[0-9A-F]{4}\) on .*; signature and all checksums valid\.$/m);
    expect(opened.stdout).toContain("Sealed for this key.");
    const id = /([0-9a-z]{26})\.age$/.exec(bundle!)![1]!;
    expect((await readdir(join(cwd, id, "items"))).length).toBeGreaterThan(0);
    expect(await exists(home)).toBe(false);
  });

  it("in German with --lang de, and the printed command works there too", async () => {
    const cwd = join(dir, "cwd-de");
    await mkdir(cwd);
    const demo = await runCli(["--lang", "de", "demo"], { cwd, home: join(dir, "untouched-home") });
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stdout).toMatch(/^Öffnen wie die Klientin\/der Klient:/m);
    const words = shellWords(/(npx nachklang open .*)$/m.exec(demo.stdout)![1]!);
    const opened = await runCli(["--lang", "de", ...words.slice(2)], { cwd, home: join(dir, "untouched-home") });
    expect(opened.code, opened.stderr).toBe(0);
    expect(opened.stdout).toMatch(/^Signiert von Praxis Demo/m);
    const id = /([0-9a-z]{26})\.age/.exec(words[3]!)![1]!;
    // The demo's follow-up: the processed photo and audio exercise and the German homework text.
    expect((await readdir(join(cwd, id, "items"))).sort()).toEqual(["aufnahme-1.m4a", "foto-1.jpg", "resource-diary.txt"]);
    expect(await readFile(join(cwd, id, "items", "resource-diary.txt"), "utf8")).toMatch(/freiwillig/i);
  });

  it("an --out folder that cannot be made is one line naming it, exit 2, like every other --out", async () => {
    const cwd = join(dir, "cwd-bad-out");
    await mkdir(cwd);
    await writeFile(join(cwd, "a-file"), "");
    const cases: [string, RegExp][] = [
      [join(cwd, "a-file", "d"), /^\S+\/a-file\/d: cannot be written there \(ENOTDIR\); nothing was written\./],
      [join(cwd, "a-file"), /^\S+\/a-file: cannot be written there \(ENOTDIR\); nothing was written\./],
    ];
    if (await exists("/proc/self")) cases.push(["/proc/x/d", /^\/proc\/x\/d: cannot be written there \(ENOENT\); nothing was written\./]);
    for (const [out, line] of cases) {
      expectOneLine(await runCli(["demo", "--out", out], { cwd, home: join(dir, "untouched-home"), timeoutMs: 30_000 }), 2, line);
    }
    expect(await readdir(cwd)).toEqual(["a-file"]);
  });

  it.skipIf(NO_AGE)("the printed `age -d … | tar -xv` command works too", async () => {
    const cwd = join(dir, "cwd");
    const stdout = (await runCli(["demo", "--out", "second"], { cwd, home: join(dir, "untouched-home") })).stdout;
    const command = /(age -d -i .* \| tar -xv)$/m.exec(stdout)?.[1];
    expect(command, stdout).toBeDefined();
    const out = join(dir, "age-out");
    await mkdir(out);
    const r = spawnSync("sh", ["-c", command!.replace(/(\S+\.txt|\S+\.age)/g, (p) => resolve(cwd, p))], { cwd: out });
    expect(r.status, r.stderr.toString()).toBe(0);
    expect((await readdir(out)).sort()).toEqual(["items", "manifest.json", "manifest.json.minisig"]);
  });
});

describe("the README quick start, command by command", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let home: string;
  let cwd: string;
  let bundleId = "";
  let commands: string[][] = [];

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir("nachklang-e2e-readme-"));
    home = join(dir, "home");
    cwd = join(dir, "cwd");
    await mkdir(cwd);
    const readme = await readFile(join(ROOT, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Quick start"));
    const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? "";
    commands = block
      .split("\n")
      .map((l) => l.replace(/\s+#.*$/, "").trim())
      .filter((l) => l.startsWith("nachklang "))
      .map(shellWords);
    await copyFile(join(FIXTURES, "whiteboard.jpg"), join(cwd, "whiteboard.jpg"));
  });
  afterAll(async () => {
    await cleanup();
  });

  it("has the commands the spine promises", () => {
    const names = commands.map((c) => c.slice(1, 3).join(" "));
    for (const expected of ["init --name", "client add", "seal whiteboard.jpg", "open <bundle-id>.age", "keys export"]) {
      expect(names.some((n) => n.startsWith(expected.split(" ")[0]!))).toBe(true);
      expect(commands.some((c) => c.slice(1).join(" ").startsWith(expected)), expected).toBe(true);
    }
  });

  it("every command runs as written (placeholders filled in) and succeeds", async () => {
    expect(commands.length).toBeGreaterThanOrEqual(6);
    for (const words of commands) {
      const args = words.slice(1).map((w) => w.replace("<bundle-id>", bundleId));
      const r = await runCli(args, { home, cwd });
      expect(r.code, `${words.join(" ")}\n${r.stderr}`).toBe(0);
      expect(r.stderr, words.join(" ")).toBe("");
      if (args[0] === "seal") {
        bundleId = /([0-9a-z]{26})\.age/.exec(r.stdout)?.[1] ?? "";
        expect(bundleId, r.stdout).not.toBe("");
      }
      if (args[0] === "open") expect(r.stdout).toMatch(/^Signiert von Praxis Beispiel mit Schlüssel [0-9A-F]{16}/m);
    }
    // What the commands left: the bundle here and not in the outbox; the photo prepared as for
    // sending (no GPS, no author, upright); the exported files private.
    expect(await exists(join(cwd, `${bundleId}.age`))).toBe(true);
    expect(await readdir(join(home, "outbox"))).toEqual([]);
    const original = await sharp(join(cwd, "whiteboard.jpg")).metadata();
    const opened = await sharp(join(cwd, "geoeffnet", "items", "foto-1.jpg")).metadata();
    expect(original.exif).toBeDefined();
    expect(opened.exif).toBeUndefined();
    expect(opened.orientation ?? 1).toBe(1);
    expect((await stat(join(cwd, "practice-identity.txt"))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(cwd, "practice-identity.txt"), "utf8")).toMatch(/^AGE-SECRET-KEY-1[0-9A-Z]+$/m);
    expect(await readFile(join(cwd, "practice.pub"), "utf8")).toMatch(/^untrusted comment: minisign public key [0-9A-F]{16}\nRW[A-Za-z0-9+/]{54}\n$/);
    expect(await exists(join(cwd, bundleId, "manifest.json"))).toBe(true);
  });

  it.skipIf(NO_AGE || NO_MINISIGN)("the README's age | tar and minisign -V -H lines work on that bundle", () => {
    const extracted = join(dir, "by-age");
    spawnSync("mkdir", [extracted]);
    const age = spawnSync("sh", ["-c", `age -d -i ${join(cwd, "practice-identity.txt")} ${join(cwd, `${bundleId}.age`)} | tar -x`], { cwd: extracted });
    expect(age.status, age.stderr.toString()).toBe(0);
    const v = spawnSync("minisign", ["-V", "-H", "-p", join(cwd, "practice.pub"), "-m", "manifest.json", "-x", "manifest.json.minisig"], { cwd: extracted });
    expect(v.status, v.stderr.toString()).toBe(0);
  });

  it("the other spine commands succeed too: keys show, client list/show/remove, channels add/list, doctor", async () => {
    const keys = await runCli(["keys", "show"], { home });
    expect(keys.code).toBe(0);
    expect(keys.stdout).toMatch(/age1[0-9a-z]{58}/);
    expect((await runCli(["client", "list"], { home })).stdout).toMatch(/^k042\tde\tthreema$/m);
    const show = await runCli(["--json", "client", "show", "k042"], { home });
    expect(JSON.parse(show.stdout)).toMatchObject({ alias: "k042", threema: "ABCD1234", lang: "de" });
    expect((await runCli(["channels", "add", "folder", "--name", "usb", "--path", join(dir, "usb")], { home })).code).toBe(0);
    const list = await runCli(["channels", "list"], { home });
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^usb\tfolder\t/m);
    // The test keyring's work factor is below the default, which doctor rightly fails on (test/cli/trust.test.ts);
    // every other finding must pass.
    const doctor = await runCli(["doctor"], { home });
    const failed = doctor.stdout.split("\n").filter((l) => l.startsWith("✗"));
    expect(failed, doctor.stdout).toHaveLength(1);
    expect(failed[0]).toMatch(/keyring\.age: (work factor|Arbeitsfaktor) 10/);
    expect((await runCli(["client", "add", "k077"], { home })).code).toBe(0);
    expect((await runCli(["client", "remove", "k077"], { home })).code).toBe(0);
    expect((await runCli(["client", "list"], { home })).stdout).not.toContain("k077");
  });
});

describe("at rest: nothing in the home names the client or carries content", () => {
  let home: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ home, cleanup } = await initHome("Praxis Ruhe"));
  });
  afterAll(async () => {
    await cleanup();
  });

  it("after client add, seal and open, no file under the home contains alias, name, phone, e-mail, Threema ID or message", async () => {
    const client = {
      alias: "zr9q",
      name: "Roswitha Quellenberg",
      phone: "+4917612345678",
      email: "roswitha.quellenberg@example.net",
      threema: "QX7TZ3PA",
    };
    const message = "Die Atemübung zwischen den Terminen";
    const content = "Vertraulicher Inhalt der Hausaufgabe Nr. 7";
    const add = await runCli(
      ["client", "add", client.alias, "--name", client.name, "--phone", client.phone, "--email", client.email, "--threema", client.threema, "--lang", "de"],
      { home },
    );
    expect(add.code, add.stderr).toBe(0);
    const work = join(home, "..", "work");
    await mkdir(work);
    await writeFile(join(work, "hausaufgabe.txt"), content);
    const sealed = await runCli(["seal", join(work, "hausaufgabe.txt"), "--to", client.alias, "--note", message], { home, cwd: work });
    expect(sealed.code, sealed.stderr).toBe(0);
    const bundle = join(work, /([0-9a-z]{26}\.age)/.exec(sealed.stdout)![1]!);
    expect((await runCli(["open", bundle, "--out", join(work, "opened")], { home })).code).toBe(0);
    expect((await runCli(["verify", bundle], { home })).code).toBe(0);

    const entries = await walk(home);
    expect(entries.length).toBeGreaterThan(3);
    const needles = [client.alias, client.name, "Quellenberg", client.phone, client.phone.slice(3), client.email, client.threema, message, "Atemübung", content, "hausaufgabe"];
    for (const path of entries) {
      const info = await stat(path);
      // Folders 0700, files 0600.
      expect(info.mode & 0o777, path).toBe(info.isDirectory() ? 0o700 : 0o600);
      for (const needle of needles) expect(path.toLowerCase().includes(needle.toLowerCase()), `${path} names ${needle}`).toBe(false);
      if (!info.isFile()) continue;
      const bytes = await readFile(path);
      const text = bytes.toString("latin1").toLowerCase();
      for (const needle of needles) {
        expect(bytes.includes(Buffer.from(needle, "utf8")), `${path} contains ${needle}`).toBe(false);
        expect(text.includes(Buffer.from(needle.toLowerCase(), "utf8").toString("latin1")), `${path} contains ${needle}`).toBe(false);
      }
    }
  });
});

describe("bad input: one clear line, the documented exit code, no stack trace", () => {
  let home: string;
  let cleanup: () => Promise<void>;
  let file: string;

  beforeAll(async () => {
    ({ home, cleanup } = await initHome());
    expect((await runCli(["client", "add", "k042"], { home })).code).toBe(0);
    file = join(home, "..", "note.txt");
    await writeFile(file, "hello");
  });
  afterAll(async () => {
    await cleanup();
  });

  it("wrong passphrase: exit 2 (env and --passphrase-file)", async () => {
    expectOneLine(await runCli(["client", "list"], { home, env: { NACHKLANG_PASSPHRASE: "wrong" } }), 2, /^Wrong passphrase for .*keyring\.age, or the keyring is damaged\./);
    const pf = join(home, "..", "pass.txt");
    await writeFile(pf, "also wrong\n");
    expectOneLine(await runCli(["seal", file, "--to", "k042", "--passphrase-file", pf], { home, env: { NACHKLANG_PASSPHRASE: undefined } }), 2, /^Wrong passphrase/);
    expectOneLine(await runCli(["--lang", "de", "client", "list"], { home, env: { NACHKLANG_PASSPHRASE: "wrong" } }), 2, /^Falsche Passphrase für /);
  });

  it("no passphrase and no terminal: exit 2", async () => {
    expectOneLine(await runCli(["client", "list"], { home, env: { NACHKLANG_PASSPHRASE: undefined } }), 2, /^Locked: run .nachklang unlock. \(or give the keyring passphrase with --passphrase-file FILE or NACHKLANG_PASSPHRASE\)\.$/);
  });

  it("missing keyring: exit 2, and nothing is created", async () => {
    const { dir, cleanup: done } = await tempDir();
    const empty = join(dir, "no-practice");
    for (const args of [["client", "list"], ["seal", file, "--to", "k042"], ["keys", "show"], ["keys", "export", "--identity", join(dir, "id.txt")]]) {
      expectOneLine(await runCli(args, { home: empty }), 2, /^No practice found \(.*keyring\.age\)\. Please run 'nachklang init' first/);
    }
    expect(await exists(empty)).toBe(false);
    expect(await exists(join(dir, "id.txt"))).toBe(false);
    await done();
  });

  it("unknown alias: exit 2, naming it", async () => {
    expectOneLine(await runCli(["seal", file, "--to", "k999"], { home }), 2, /^No client 'k999'\. 'nachklang client list' shows all/);
    expectOneLine(await runCli(["client", "show", "k999"], { home }), 2, /'k999'/);
    expectOneLine(await runCli(["--lang", "de", "client", "remove", "k999"], { home }), 2, /^Klient:in „k999“ ist nicht angelegt/);
  });

  it("missing file: exit 2, naming it, and nothing sealed", async () => {
    const before = await readdir(join(home, "outbox"));
    expectOneLine(await runCli(["seal", "does-not-exist.jpg", "--to", "k042"], { home }), 2, /^does-not-exist\.jpg: file not found\. Please check the path\.$/);
    expectOneLine(await runCli(["seal", file, "missing-too.m4a", "--to", "k042"], { home }), 2, /^missing-too\.m4a: file not found/);
    expect(await readdir(join(home, "outbox"))).toEqual(before);
    expectOneLine(await runCli(["open", "nope.age"], { home }), 2, /^nope\.age: file not found/);
    // Named before any passphrase is asked for: without one, still the missing bundle.
    expectOneLine(await runCli(["verify", "nope.age"], { home, env: { NACHKLANG_PASSPHRASE: undefined } }), 2, /^nope\.age: file not found/);
    expectOneLine(await runCli(["verify", file, "--identity", "nokey.txt"], { home }), 2, /^nokey\.txt: file not found/);
  });

  it("`channels add whatsapp`: exit 4, in English and in German", async () => {
    expectOneLine(await runCli(["channels", "add", "whatsapp"], { home }), 4, /^WhatsApp is not supported: .*Threema, Signal/);
    expectOneLine(await runCli(["--lang", "de", "channels", "add", "whatsapp"], { home }), 4, /^WhatsApp wird nicht unterstützt: .*Threema, Signal/);
    expectOneLine(await runCli(["channels", "add", "WhatsApp", "--lang", "de"], { home }), 4, /^WhatsApp wird nicht unterstützt/);
  });

  it("an unknown command, an unknown option, a missing argument: exit 2", async () => {
    expectOneLine(await runCli(["frobnicate"], { home }), 2, /^Unknown command 'frobnicate'\. 'nachklang --help' lists all commands\.$/);
    expectOneLine(await runCli(["--lang", "de", "frobnicate"], { home }), 2, /^Unbekannter Befehl „frobnicate“/);
    expectOneLine(await runCli(["seal", file, "--to", "k042", "--bogus"], { home }), 2, /--bogus/);
    expectOneLine(await runCli(["seal", file], { home }), 2, /--to/);
    // A value outside an option's choices: named with the choices, in the user's language, no ".." from commander's sentence.
    expectOneLine(await runCli(["time", "report", "--format", "pdf"], { home }), 2, /^'pdf' is not possible for --format; the choices are: csv, json, md\.$/);
    expectOneLine(await runCli(["--lang", "de", "time", "report", "--format", "pdf"], { home }), 2, /^„pdf“ ist für --format nicht möglich; möglich sind: csv, json, md\.$/);
  });

  it("usage errors are in the practice's language (init --lang de) when the system's is English, unless --lang says otherwise", async () => {
    const { dir, cleanup: done } = await tempDir();
    try {
      const german = join(dir, "home");
      expect((await runCli(["init", "--name", "Praxis", "--lang", "de"], { home: german })).code).toBe(0);
      expectOneLine(await runCli(["status", "--bogus"], { home: german }), 2, /^Unbekannte Option „--bogus“/);
      expectOneLine(await runCli(["viewer", "x.age"], { home: german }), 2, /^Die Option „--out“ fehlt/);
      expectOneLine(await runCli(["--home", german, "frobnicate"], { env: { NACHKLANG_HOME: undefined } }), 2, /^Unbekannter Befehl „frobnicate“/);
      expectOneLine(await runCli(["--lang", "en", "status", "--bogus"], { home: german }), 2, /^Unknown option '--bogus'/);
    } finally {
      await done();
    }
  });

  it("init with a blank --name: exit 2, one line, no home made", async () => {
    const { dir, cleanup: done } = await tempDir();
    try {
      const blank = join(dir, "home");
      expectOneLine(await runCli(["init", "--name", "   "], { home: blank }), 2, /^--name ' {3}' is blank; please give the practice's name/);
      await expect(readdir(blank)).rejects.toThrow();
      // A line break in the name would begin a header of its own in every e-mail (Subject, From).
      for (const name of ["Praxis\r\nBcc: spy@example.org", "Praxis \u001b[2J", "Praxis \u202eetsiP"]) {
        expectOneLine(await runCli(["init", "--name", name], { home: blank }), 2, /^--name holds control characters \(a line break, a tab, a terminal or direction control\); nothing was changed\. Please give it as plain text\.$/);
        await expect(readdir(blank)).rejects.toThrow();
      }
    } finally {
      await done();
    }
  });

  it("init with a passphrase under ten characters (environment or file): exit 2, one line, no home made", async () => {
    const { dir, cleanup: done } = await tempDir();
    try {
      const home = join(dir, "home");
      const line = /^The practice's passphrase needs at least 10 characters \(a few words are easy to remember: 'apple cloud table garden'\); nothing was created\.$/;
      expectOneLine(await runCli(["init", "--name", "Praxis"], { home, env: { NACHKLANG_PASSPHRASE: "short" } }), 2, line);
      const file = join(dir, "pass.txt");
      await writeFile(file, "123456789\n", { mode: 0o600 });
      expectOneLine(await runCli(["--passphrase-file", file, "init", "--name", "Praxis"], { home, env: { NACHKLANG_PASSPHRASE: undefined } }), 2, line);
      await expect(readdir(home)).rejects.toThrow();
      // Ten characters are enough, and an existing practice's shorter passphrase still opens it.
      await writeFile(file, "1234567890\n", { mode: 0o600 });
      expect((await runCli(["--passphrase-file", file, "init", "--name", "Praxis"], { home, env: { NACHKLANG_PASSPHRASE: undefined } })).code).toBe(0);
    } finally {
      await done();
    }
  });

  it("init over an existing practice: exit 2, nothing overwritten", async () => {
    const before = await readFile(join(home, "keyring.age"));
    expectOneLine(await runCli(["init"], { home }), 2, /^A practice already exists here/);
    expect(await readFile(join(home, "keyring.age"))).toEqual(before);
  });
});

const PRELOADS = {
  /** Prints, at exit, Node's own modules the process loaded besides its start-up. */
  LOADED: 'const before = new Set(process.moduleLoadList); process.on("exit", () => process.stderr.write("\\nLOADED " + process.moduleLoadList.filter((m) => !before.has(m)).join(",") + "\\n"));',
  /** Prints, at exit, what the process required by name (packages and Node's modules). */
  REQUIRED: 'const M = require("node:module"); const load = M._load; const seen = new Set(); M._load = function (request, ...rest) { seen.add(request); return load.call(this, request, ...rest); }; process.on("exit", () => process.stderr.write("\\nREQUIRED " + [...seen].join(",") + "\\n"));',
} as const;

/**
 * Runs the CLI with `args` and one of PRELOADS (written into `dir`) required first, and returns
 * the list it printed. The run must succeed.
 */
async function listedAtExit(dir: string, label: keyof typeof PRELOADS, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const file = join(dir, `${label.toLowerCase()}.cjs`);
  await writeFile(file, PRELOADS[label]);
  const r = spawnSync(process.execPath, ["--require", file, BIN, ...args], { encoding: "utf8", env });
  expect(r.status, `${args.join(" ")}: ${r.stderr}`).toBe(0);
  return (new RegExp(`${label} (.*)`).exec(r.stderr)?.[1] ?? "").split(",");
}

describe("--help and --version", () => {
  it("--help lists every spine command, examples and exit codes, and exits 0", async () => {
    const r = await runCli(["--help"]);
    expect(r.code).toBe(0);
    for (const command of ["init", "keys", "client", "seal", "open", "verify", "channels", "demo", "doctor"]) {
      expect(r.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, "m"));
    }
    expect(r.stdout).toContain("Examples:");
    expect(r.stdout).toContain("npx nachklang demo");
    expect(r.stdout).toMatch(/Exit codes: 0 ok, 1 failure, 2 usage\/configuration, 3 partial, 4 refused by policy, 5 integrity/);
  });

  it("--help loads only the command table: no crypto, no threads, no compression or HTTP", async () => {
    const work = await tempDir("nachklang-help-");
    try {
      const loaded = await listedAtExit(work.dir, "LOADED", ["--help"]);
      // The list is real: the loader of the command table's ES modules is in it.
      expect(loaded).toContain("NativeModule internal/modules/esm/loader");
      // (commander itself requires child_process when it loads, to run executable subcommands.)
      for (const name of ["crypto", "worker_threads", "zlib", "http", "https"]) {
        expect(loaded, name).not.toContain(`NativeModule ${name}`);
      }
    } finally {
      await work.cleanup();
    }
  });

  it("a small seal and its open load no web streams and no worker threads (X25519 is the age door's own, not typage's)", async () => {
    const { home, cleanup: done } = await initHome();
    const work = await tempDir("nachklang-small-");
    try {
      expect((await runCli(["client", "add", "k042"], { home })).code).toBe(0);
      const file = join(work.dir, "note.txt");
      await writeFile(file, "x");
      const env = { ...process.env, NACHKLANG_HOME: home, NACHKLANG_PASSPHRASE: PASSPHRASE, NACHKLANG_INSECURE_TEST_SCRYPT_LOG_N: "10" };
      const bundle = join(work.dir, "small.age");
      for (const args of [
        ["seal", file, "--to", "k042", "--out", bundle],
        ["open", bundle, "--out", join(work.dir, "opened")],
      ]) {
        const loaded = await listedAtExit(work.dir, "LOADED", args, env);
        // The list is real: the command did its cryptography with node:crypto.
        expect(loaded, args[0]).toContain("NativeModule crypto");
        for (const name of ["internal/webstreams/readablestream", "worker_threads"]) {
          expect(loaded, `${args[0]}: ${name}`).not.toContain(`NativeModule ${name}`);
        }
      }
    } finally {
      await work.cleanup();
      await done();
    }
  });

  it("a command that only reads the configuration does not load conf and its schema validator (ajv); one that writes it does", async () => {
    // Reading is plain JSON (src/practice/config.ts): conf and ajv cost a third of `client add`'s CPU.
    const { home, cleanup: done } = await initHome();
    const work = await tempDir("nachklang-conf-");
    try {
      const env = { ...process.env, NACHKLANG_HOME: home, NACHKLANG_PASSPHRASE: PASSPHRASE, NACHKLANG_INSECURE_TEST_SCRYPT_LOG_N: "10" };
      const required = (args: string[]) => listedAtExit(work.dir, "REQUIRED", args, env);
      // The list is real: adding a channel writes the configuration through conf.
      expect(await required(["channels", "add", "folder", "--name", "mappe", "--path", join(work.dir, "out")])).toContain("conf");
      for (const args of [["client", "add", "k042"], ["client", "list"], ["channels", "list"], ["channels", "test", "mappe"], ["status"]]) {
        expect(await required(args), args.join(" ")).not.toContain("conf");
      }
    } finally {
      await work.cleanup();
      await done();
    }
  });

  it("a command's --help lists its options", async () => {
    const r = await runCli(["seal", "--help"]);
    expect(r.code).toBe(0);
    for (const option of ["--to", "--note", "--out", "--passphrase-file"]) expect(r.stdout).toContain(option);
  });

  it("--version prints the package version", async () => {
    const { version } = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as { version: string };
    const r = await runCli(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(version);
  });

  it("secrets are never options with values", async () => {
    const r = await runCli(["init", "--passphrase", PASSPHRASE]);
    expect(r.code).toBe(2);
  });
});
