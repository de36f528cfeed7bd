/**
 * Files holding secrets (`--passphrase-file`, a channel's `--password-file`, `--secret-file`,
 * `--private-key-file`) through the real CLI: read only as regular files of at most 64 KiB,
 * opened without blocking, so a named pipe is refused at once instead of hanging the command.
 * One line naming the file, exit 2, nothing configured.
 */
import { execFileSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initHome, runCli, tempDir } from "../helpers/cli.js";

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

async function odd(): Promise<Record<string, { file: string; line: string }>> {
  const pipe = join(dir, "pipe");
  execFileSync("mkfifo", [pipe]);
  const folder = join(dir, "folder");
  await mkdir(folder);
  const large = join(dir, "large.txt");
  await writeFile(large, "x".repeat(64 * 1024 + 1));
  const notRegular = (file: string) => `${file}: not a regular file (a folder, device or pipe); nothing was read. Please name the file that holds the secret.\n`;
  return {
    pipe: { file: pipe, line: notRegular(pipe) },
    folder: { file: folder, line: notRegular(folder) },
    large: { file: large, line: `${large}: larger than 64 KiB, too large for a passphrase or key; nothing was read. Please name the right file.\n` },
  };
}

describe("secret files", () => {
  it("a pipe, a folder or a file over 64 KiB: one line naming it, exit 2, nothing configured — never a hang", async () => {
    const cases = await odd();
    for (const [what, { file, line }] of Object.entries(cases)) {
      // Before the fix: the pipe hung the command (here: killed after 15 s), the others
      // were read whole or failed with the system's words.
      const email = await runCli(["channels", "add", "email", "--host", "127.0.0.1", "--port", "2525", "--user", "u", "--password-file", file, "--from", "praxis@example.org"], { home, timeoutMs: 15_000 });
      expect(email.code, `${what}: ${email.stderr}`).toBe(2);
      expect(email.stderr).toBe(line);
      const threema = await runCli(["channels", "add", "threema", "--gateway-id", "*NACHKL1", "--secret-file", file, "--private-key-file", file], { home, timeoutMs: 15_000 });
      expect(threema.code, `${what}: ${threema.stderr}`).toBe(2);
      expect(threema.stderr).toBe(line);
      const passphrase = await runCli(["--passphrase-file", file, "client", "list"], { home, env: { NACHKLANG_PASSPHRASE: undefined }, timeoutMs: 15_000 });
      expect(passphrase.code, `${what}: ${passphrase.stderr}`).toBe(2);
      expect(passphrase.stderr).toBe(line);
    }
    const list = await runCli(["--json", "channels", "list"], { home });
    expect(list.stdout).not.toMatch(/email|threema/);
  }, 150_000);

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
