/**
 * Files holding secrets (`--passphrase-file`, a channel's `--password-file`, `--secret-file`,
 * `--private-key-file`) through the real CLI: regular files or pipes, read up to 64 KiB; opened
 * without blocking, so a named pipe nobody writes to reads as empty instead of hanging the
 * command. Anything else: one line naming the file, exit 2, nothing configured.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateIdentity } from "../../src/age/index.js";
import { BIN, initHome, PASSPHRASE, runCli, tempDir } from "../helpers/cli.js";
import { filesUnder } from "../helpers/home.js";

let home: string;
let dir: string;
let cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  const h = await initHome();
  const d = await tempDir();
  ({ home } = h);
  ({ dir } = d);
  cleanups = [h.cleanup, d.cleanup];
});
afterAll(async () => {
  for (const c of cleanups) await c();
});

async function odd(): Promise<Record<string, { file: string; line: string; emailLine?: string; threemaLine?: string }>> {
  const pipe = join(dir, "pipe");
  execFileSync("mkfifo", [pipe]);
  const folder = join(dir, "folder");
  await mkdir(folder);
  const large = join(dir, "large.txt");
  await writeFile(large, "x".repeat(64 * 1024 + 1));
  const notRegular = (file: string) => `${file}: neither a file nor a pipe (a device); nothing was read. Please name the file that holds the secret.\n`;
  return {
    // Nobody writes to it: it reads as empty (the line for an empty secret file), never a hang.
    pipe: {
      file: pipe,
      line: `${pipe}: the passphrase file is empty.\n`,
      emailLine: `${pipe}: the file is empty; it should hold the password for the mail server (--password-file).\n`,
      // Threema reads (and checks) the private key first.
      threemaLine: `${pipe}: not a Threema private key. Expected 64 hex digits, optionally prefixed 'private:'.\n`,
    },
    device: { file: "/dev/null", line: notRegular("/dev/null") },
    folder: { file: folder, line: `${folder} is a folder, not a file. Please name the file itself.\n` },
    large: { file: large, line: `${large}: larger than 64 KiB, too large for a passphrase or key; nothing was read. Please name the right file.\n` },
  };
}

describe("secret files", () => {
  it("a named pipe nobody writes to, a device, a folder or a file over 64 KiB: one line naming it, exit 2, nothing configured — never a hang", async () => {
    const cases = await odd();
    for (const [what, { file, line, emailLine, threemaLine }] of Object.entries(cases)) {
      // Before the fix: the pipe hung the command (here: killed after 15 s), the others
      // were read whole or failed with the system's words.
      const email = await runCli(["channels", "add", "email", "--host", "127.0.0.1", "--port", "2525", "--user", "u", "--password-file", file, "--from", "praxis@example.org"], { home, timeoutMs: 15_000 });
      expect(email.code, `${what}: ${email.stderr}`).toBe(2);
      expect(email.stderr).toBe(emailLine ?? line);
      const threema = await runCli(["channels", "add", "threema", "--gateway-id", "*NACHKL1", "--secret-file", file, "--private-key-file", file], { home, timeoutMs: 15_000 });
      expect(threema.code, `${what}: ${threema.stderr}`).toBe(2);
      expect(threema.stderr).toBe(threemaLine ?? line);
      const passphrase = await runCli(["--passphrase-file", file, "client", "list"], { home, env: { NACHKLANG_PASSPHRASE: undefined }, timeoutMs: 15_000 });
      expect(passphrase.code, `${what}: ${passphrase.stderr}`).toBe(2);
      expect(passphrase.stderr).toBe(line);
    }
    const list = await runCli(["--json", "channels", "list"], { home });
    expect(list.stdout).not.toMatch(/email|threema/);
  }, 150_000);

  it("an empty secret file says what it should hold (a channel's password or API secret), in German and English; a passphrase file is still a passphrase file", async () => {
    const empty = join(dir, "empty.txt");
    await writeFile(empty, "\n");
    const key = join(dir, "threema-key.txt");
    await writeFile(key, `private:${"ab".repeat(32)}\n`);
    const lines = {
      en: {
        email: `${empty}: the file is empty; it should hold the password for the mail server (--password-file).\n`,
        threema: `${empty}: the file is empty; it should hold the Threema Gateway's API secret (--secret-file).\n`,
        passphrase: `${empty}: the passphrase file is empty.\n`,
      },
      de: {
        email: `${empty}: die Datei ist leer; sie sollte das Passwort für den Mailserver enthalten (--password-file).\n`,
        threema: `${empty}: die Datei ist leer; sie sollte das API-Secret des Threema Gateway enthalten (--secret-file).\n`,
        passphrase: `${empty}: die Passphrase-Datei ist leer.\n`,
      },
    };
    for (const [lang, line] of Object.entries(lines)) {
      const email = await runCli(["--lang", lang, "channels", "add", "email", "--host", "127.0.0.1", "--port", "2525", "--user", "u", "--password-file", empty, "--from", "praxis@example.org"], { home });
      expect(email.code, email.stderr).toBe(2);
      expect(email.stderr).toBe(line.email);
      const threema = await runCli(["--lang", lang, "channels", "add", "threema", "--gateway-id", "*NACHKL1", "--secret-file", empty, "--private-key-file", key], { home });
      expect(threema.code, threema.stderr).toBe(2);
      expect(threema.stderr).toBe(line.threema);
      const passphrase = await runCli(["--lang", lang, "--passphrase-file", empty, "client", "list"], { home, env: { NACHKLANG_PASSPHRASE: undefined } });
      expect(passphrase.code, passphrase.stderr).toBe(2);
      expect(passphrase.stderr).toBe(line.passphrase);
      const viewer = await runCli(["--lang", lang, "client", "passphrase", "k077", "--viewer-passphrase-file", empty], { home });
      expect(viewer.code, viewer.stderr).toBe(2);
      expect(viewer.stderr).toBe(line.passphrase);
    }
    const list = await runCli(["--json", "channels", "list"], { home });
    expect(list.stdout).not.toMatch(/email|threema/);
  });

  it("a pipe (/dev/stdin under a shell's |) is read up to 64 KiB, and refused beyond", async () => {
    const viaPipe = (producer: string, name: string) =>
      spawnSync("sh", ["-c", `${producer} | "${process.execPath}" "${BIN}" channels add email --name ${name} --host 127.0.0.1 --port 2525 --user u --password-file /dev/stdin --from praxis@example.org`], {
        env: { ...process.env, NACHKLANG_HOME: home, NACHKLANG_PASSPHRASE: PASSPHRASE, LANG: "en_US.UTF-8", LC_ALL: undefined },
        encoding: "utf8",
        timeout: 30_000,
      });
    const small = viaPipe("printf 's3cret\\n'", "mail-small");
    expect(small.status, small.stderr).toBe(0);
    const large = viaPipe("head -c 70000 /dev/zero | tr '\\0' x", "mail-large");
    expect(large.status, large.stderr).toBe(2);
    expect(large.stderr).toBe("/dev/stdin: larger than 64 KiB, too large for a passphrase or key; nothing was read. Please name the right file.\n");
    const list = await runCli(["--json", "channels", "list"], { home });
    const names = (JSON.parse(list.stdout) as { name: string }[]).map((row) => row.name);
    expect(names).toContain("mail-small");
    expect(names).not.toContain("mail-large");
    expect(list.stdout).not.toContain("s3cret");
    await runCli(["channels", "remove", "mail-small"], { home });
  });

  it("two options that both name standard input are refused before anything is read: one line naming both, German and English, exit 2, nothing written", async () => {
    const snapshot = async () => Object.fromEntries(await Promise.all((await filesUnder(home)).map(async (f) => [f, (await readFile(f)).toString("base64")] as const)));
    const before = await snapshot();
    const key = `private:${"ab".repeat(32)}\n`;
    // Before: the key was read from the pipe, and the secret found it empty ("the file is empty").
    const threema = await runCli(["channels", "add", "threema", "--gateway-id", "*NACHKL1", "--secret-file", "/dev/stdin", "--private-key-file", "/proc/self/fd/0"], { home, input: key, pipe: true });
    expect(threema.code, threema.stderr).toBe(2);
    expect(threema.stderr).toBe(
      "--secret-file /dev/stdin and --private-key-file /proc/self/fd/0 both read standard input, which can be read only once; nothing was read or changed. Please give one of them a file or a file descriptor of its own (e.g. --private-key-file <(pass show …)).\n",
    );
    // The global --passphrase-file counts too, under any of standard input's names.
    const email = await runCli(
      ["--lang", "de", "--passphrase-file", "/dev/fd/0", "channels", "add", "email", "--host", "127.0.0.1", "--port", "2525", "--user", "u", "--password-file", "/dev/./stdin", "--from", "praxis@example.org"],
      { home, input: `${PASSPHRASE}\n`, pipe: true, env: { NACHKLANG_PASSPHRASE: undefined } },
    );
    expect(email.code, email.stderr).toBe(2);
    expect(email.stderr).toBe(
      "--passphrase-file /dev/fd/0 und --password-file /dev/./stdin lesen beide die Standardeingabe, die sich nur einmal lesen lässt; nichts gelesen, nichts geändert. Bitte für eine der beiden eine Datei angeben oder einen eigenen Dateideskriptor (z. B. --password-file <(pass show …)).\n",
    );
    // Options that read a file without "-file" in their name count too: an age identity and a
    // signer's key, a recovery key beside the new passphrase.
    const open = await runCli(["open", join(dir, "absent.age"), "--identity", "/dev/stdin", "--signer", "/dev/fd/0"], { home, input: "", pipe: true });
    expect(open.code, open.stderr).toBe(2);
    expect(open.stderr).toMatch(/^--identity \/dev\/stdin and --signer \/dev\/fd\/0 both read standard input, .*\n$/);
    const newHome = join(dir, "restored");
    const restore = await runCli(["--home", newHome, "--passphrase-file", "/dev/stdin", "restore", join(dir, "absent.age"), "--recovery-key", "/proc/self/fd/0"], { home, input: "", pipe: true, env: { NACHKLANG_PASSPHRASE: undefined } });
    expect(restore.code, restore.stderr).toBe(2);
    expect(restore.stderr).toMatch(/^--passphrase-file \/dev\/stdin and --recovery-key \/proc\/self\/fd\/0 both read standard input, .*\n$/);
    await expect(readFile(newHome)).rejects.toMatchObject({ code: "ENOENT" });
    expect(await snapshot()).toEqual(before);
  });

  it("a file argument read whole counts too: open/verify/restore/client import with standard input twice are refused (exit 2), not reported as a damaged bundle", async () => {
    const snapshot = async () => Object.fromEntries(await Promise.all((await filesUnder(home)).map(async (f) => [f, (await readFile(f)).toString("base64")] as const)));
    const before = await snapshot();
    const identity = `${generateIdentity()}\n`;
    // Before: the identity was read from the pipe, the bundle found it empty, and open said the
    // bundle "is damaged or has been altered" (exit 5).
    const open = await runCli(["open", "/dev/stdin", "--identity", "/dev/stdin", "--signer", join(dir, "absent.pub"), "--out", join(dir, "opened")], { home, input: identity, pipe: true });
    expect(open.code, open.stderr).toBe(2);
    expect(open.stderr).toBe(
      "<bundle> /dev/stdin and --identity /dev/stdin both read standard input, which can be read only once; nothing was read or changed. Please give one of them a file or a file descriptor of its own (e.g. --identity <(pass show …)).\n",
    );
    const verify = await runCli(["--lang", "de", "verify", "/dev/fd/0", "--identity", join(dir, "absent.txt"), "--signer", "/proc/self/fd/0"], { home, input: "", pipe: true });
    expect(verify.code, verify.stderr).toBe(2);
    expect(verify.stderr).toMatch(/^<bundle> \/dev\/fd\/0 und --signer \/proc\/self\/fd\/0 lesen beide die Standardeingabe, .* \(z\. B\. --signer <\(pass show …\)\)\.\n$/);
    // The global passphrase option beside the file argument: the advice names the option.
    const imported = await runCli(["--passphrase-file", "/dev/stdin", "client", "import", "/dev/stdin"], { home, input: `${PASSPHRASE}\nalias\nk777\n`, pipe: true, env: { NACHKLANG_PASSPHRASE: undefined } });
    expect(imported.code, imported.stderr).toBe(2);
    expect(imported.stderr).toMatch(/^<file> \/dev\/stdin and --passphrase-file \/dev\/stdin both read standard input, .*\(e\.g\. --passphrase-file <\(pass show …\)\)\.\n$/);
    const newHome = join(dir, "restored-twice");
    const restore = await runCli(["--home", newHome, "restore", "/dev/stdin", "--recovery-key", "/dev/stdin"], { home, input: "", pipe: true });
    expect(restore.code, restore.stderr).toBe(2);
    expect(restore.stderr).toMatch(/^<file> \/dev\/stdin and --recovery-key \/dev\/stdin both read standard input/);
    await expect(readFile(newHome)).rejects.toMatchObject({ code: "ENOENT" });
    expect(await snapshot()).toEqual(before);
    // Standard input once, for the argument alone, still works.
    const alone = await runCli(["client", "import", "/dev/stdin"], { home, input: "alias\nk778\n", pipe: true });
    expect(alone.code, alone.stderr).toBe(0);
    expect(alone.stdout).toContain("1 client added from /dev/stdin.");
  });

  it("a file read whole that is a device or over 64 MiB is refused before it is read (exit 2, one line), never read until memory runs out", async () => {
    const big = join(dir, "big.csv");
    await writeFile(big, "");
    execFileSync("truncate", ["-s", "65M", big]);
    const device = (file: string) => `${file} is a device, not a file; nothing was read. Please name the file itself.\n`;
    const nobody = join(dir, "nobody-writes");
    execFileSync("mkfifo", [nobody]);
    for (const [args, line] of [
      [["threema", "receipts", "/dev/zero"], device("/dev/zero")],
      [["batch", "/dev/urandom"], device("/dev/urandom")],
      [["client", "import", "/dev/zero"], device("/dev/zero")],
      [["client", "import", big], `${big} is larger than 64 MiB; nothing was processed. Please name the right file.\n`],
      [["--lang", "de", "batch", "/dev/zero"], "/dev/zero ist ein Gerät, keine Datei; nichts gelesen. Bitte die Datei selbst angeben.\n"],
      // A note file: a device was read until memory ran out, a named pipe waited on for good.
      [["time", "log", "k1", "5m", "--note-file", "/dev/zero"], device("/dev/zero")],
      [["send", "k1", "--note-file", "/dev/urandom", "--dry-run"], device("/dev/urandom")],
      [["time", "log", "k1", "5m", "--note-file", nobody], `${nobody}: the note is empty; nothing was done. Please write the note into the file (and save it), or leave --note-file out.\n`],
      // A backup is read twice (its header, then the whole): a regular file only.
      [["--home", join(dir, "restored-here"), "restore", nobody], `${nobody} is not a regular file (a device or a pipe); nothing was read. Please name the file itself.\n`],
      [["--home", join(dir, "restored-here"), "restore", "/dev/zero"], "/dev/zero is not a regular file (a device or a pipe); nothing was read. Please name the file itself.\n"],
    ] as const) {
      const r = await runCli(args, { home, timeoutMs: 30_000 });
      expect([r.code, r.stderr], args.join(" ")).toEqual([2, line]);
    }
    // Standard input given as `-` is read up to the same limit.
    const piped = spawnSync("bash", ["-c", `head -c 70000000 /dev/zero | "${process.execPath}" "${BIN}" threema receipts -`], { env: { ...process.env, NACHKLANG_HOME: home }, encoding: "utf8", timeout: 60_000 });
    expect([piped.status, piped.stderr]).toEqual([2, "- is larger than 64 MiB; nothing was processed. Please name the right file.\n"]);
  });

  it("a secret of 64 KiB or less is read as before, and channels list says where it is kept", async () => {
    const secret = join(dir, "password.txt");
    await writeFile(secret, "s3cret\n");
    const r = await runCli(["channels", "add", "email", "--host", "127.0.0.1", "--port", "2525", "--user", "u", "--password-file", secret, "--from", "praxis@example.org"], { home });
    expect(r.code, r.stderr).toBe(0);
    // Where the password now is: the sealed secrets file, not the keyring (as it once said).
    const list = await runCli(["--json", "channels", "list"], { home });
    const rows = JSON.parse(list.stdout) as { name: string; settings: Record<string, string> }[];
    expect(rows.find((row) => row.name === "email")?.settings.password).toBe("(secrets.age)");
    expect(list.stdout).not.toContain("s3cret");
  });
});
