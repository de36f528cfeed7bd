/**
 * `inbox read --out` to a folder that cannot be made: one line naming it, exit 2, before anything
 * is shown or marked read, and never a hang. (Node's recursive mkdir loops for ever on /proc/x,
 * where mkdir answers ENOENT although /proc exists.) Also what a client chose, as it reaches the
 * folder (a name too long in bytes) and `--json` (characters a terminal acts on, escaped).
 */
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initHome, runCli } from "../helpers/cli.js";
import { SignalCliEmulator } from "../channels/signal/emulator.js";

const ACCOUNT = "+4930123456";
const PHONE = "+4915112345678";
const NOW = "2026-12-07T10:00:00+01:00";

describe("inbox read --out that cannot be created", () => {
  let home: string;
  let cleanup: () => Promise<void>;
  let emulator: SignalCliEmulator;
  const cli = (args: string[]) => runCli(args, { home, env: { NACHKLANG_NOW: NOW }, timeoutMs: 30_000 });
  /** A Signal client of its own, with consent; returns the phone number. */
  const addClient = async (alias: string, phone: string) => {
    for (const args of [
      ["client", "add", alias, "--lang", "de", "--phone", phone, "--channel", "signal"],
      ["consent", "record", alias, "--channel", "signal"],
    ]) {
      const result = await cli(args);
      expect(result.code, result.stderr).toBe(0);
    }
    return phone;
  };

  beforeAll(async () => {
    emulator = await SignalCliEmulator.start({ accounts: [ACCOUNT] });
    ({ home, cleanup } = await initHome());
    for (const args of [
      ["channels", "add", "signal", "--account", ACCOUNT, "--rpc-url", emulator.url],
      ["client", "add", "k9", "--lang", "de", "--name", "Jonas Beispiel", "--phone", PHONE, "--channel", "signal"],
      ["consent", "record", "k9", "--channel", "signal"],
    ]) {
      const result = await cli(args);
      if (result.code !== 0) throw new Error(`${args.join(" ")}: ${result.stderr}`);
    }
    emulator.clientMessage(PHONE, { text: "Hier das Bild.", attachments: [{ mime: "image/jpeg", filename: "bild.jpg", data: Buffer.from("not really a jpeg") }] });
    const fetched = await cli(["inbox", "fetch"]);
    if (fetched.code !== 0) throw new Error(`inbox fetch: ${fetched.stderr}`);
  });
  afterAll(async () => {
    await emulator.stop();
    await cleanup();
  });

  it.skipIf(!existsSync("/proc/self"))("/proc/x: one line, exit 2, no hang, nothing shown or marked read", async () => {
    for (const [lang, text] of [
      ["en", "/proc/x: cannot be written there (ENOENT); nothing was written. Please check the path and permissions, or name another place."],
      ["de", "/proc/x: kann hier nicht geschrieben werden (ENOENT); nichts geschrieben. Bitte Pfad und Rechte prüfen oder einen anderen Ort angeben."],
    ] as const) {
      const result = await cli(["--lang", lang, "inbox", "read", "k9", "--out", "/proc/x"]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).toContain(text);
      expect(result.stdout).not.toContain("Hier das Bild.");
    }
    expect(emulator.receipts).toEqual([]);
  });

  it("a folder under a file: one line, exit 2, nothing shown", async () => {
    const file = join(home, "..", "a-file");
    await writeFile(file, "x");
    const result = await cli(["inbox", "read", "k9", "--out", join(file, "sub")]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toBe(`${join(file, "sub")}: cannot be written there (ENOTDIR); nothing was written. Please check the path and permissions, or name another place.\n`);
    expect(result.stdout).not.toContain("Hier das Bild.");
  });

  it("a full disk: exit 1, one line naming the file, no half file, the message stays unread", async (context) => {
    // A full disk needs a small file system: a tmpfs, which only root may mount.
    const small = join(home, "..", "small");
    await mkdir(small);
    if (spawnSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", small]).status !== 0) {
      console.warn("SKIPPED: full-disk test (mounting a tmpfs needs root)");
      return context.skip();
    }
    try {
      const out = join(small, "out");
      await mkdir(out);
      // Fill it up to the last byte.
      await writeFile(join(small, "filler"), Buffer.alloc(1024 * 1024)).catch(() => undefined);
      const result = await cli(["inbox", "read", "k9", "--out", out]);
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toBe(`${join(out, "bild.jpg")}: the disk is full; nothing was written. Please free some space there (or choose another place) and try again.\n`);
      expect(await readdir(out)).toEqual([]);
      expect(emulator.receipts).toEqual([]);
      expect((await cli(["inbox"])).stdout).toMatch(/k9: 1 unread/);
    } finally {
      spawnSync("umount", [small]);
    }
  });

  it("a file name of 120 three-byte characters is shortened to fit the file system, keeping its extension", async () => {
    const phone = await addClient("k31", "+4915112345631");
    // 360 bytes: more than the 255 a file name may have on every common file system.
    const long = `${"€".repeat(116)}.jpg`;
    emulator.clientMessage(phone, { text: "Langer Name.", attachments: [{ mime: "image/jpeg", filename: long, data: Buffer.from("jpeg-ish") }] });
    expect((await cli(["inbox", "fetch"])).code).toBe(0);
    const out = join(home, "..", "long-names");
    const result = await cli(["inbox", "read", "k31", "--out", out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("Langer Name.");
    const names = await readdir(out);
    expect(names).toEqual([`${"€".repeat(65)}.jpg`]);
  });

  it("--json escapes C1 controls, bidi and format characters, and parses back to the client's text exactly", async () => {
    const phone = await addClient("k32", "+4915112345632");
    // An 8-bit CSI, a right-to-left override, a zero-width space, a line separator.
    const text = "Rechnung\u202efdp.exe \u009b2J bitte\u200b ansehen\u2028Ende";
    const name = "rechnung\u202egpj.exe";
    const mime = "image/jpeg\u009b31m";
    emulator.clientMessage(phone, { text, attachments: [{ mime, filename: name, data: Buffer.from("x") }] });
    expect((await cli(["inbox", "fetch"])).code).toBe(0);
    const result = await cli(["--json", "inbox", "read", "k32"]);
    expect(result.code, result.stderr).toBe(0);
    // eslint-disable-next-line no-control-regex
    expect(result.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\p{Cf}\u2028\u2029]/u);
    const parsed = JSON.parse(result.stdout) as { messages: { text: string; files: { name: string; mime: string }[] }[] };
    expect(parsed.messages[0]?.text).toBe(text);
    expect(parsed.messages[0]?.files[0]).toMatchObject({ name, mime });
  });

  it("a folder that can be made is made, the file written, the message then read", async () => {
    const out = join(home, "..", "new", "deeper");
    const result = await cli(["inbox", "read", "k9", "--out", out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("Hier das Bild.");
    expect(existsSync(join(out, "bild.jpg"))).toBe(true);
  });
});
