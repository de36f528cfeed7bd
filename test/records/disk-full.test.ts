/**
 * A disk that fills up while a journal line is appended (ledger, contact time): the write the
 * system cuts short is not taken for a whole one. The append fails, the file is cut back to its
 * whole lines, and the command says so in one line (exit 1) — it never reports as logged or
 * queued what is not on disk. A full disk needs a small file system: a tmpfs, which only root may
 * mount (CI runs as root); elsewhere these tests are skipped and say so.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendLines } from "../../src/files.js";
import { runCli, tempDir } from "../helpers/cli.js";
import { missing } from "../helpers/tools.js";

let dir: string;
let cleanup: () => Promise<void>;
let mounted = false;
const small = () => join(dir, "small");

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  await mkdir(small());
  mounted = spawnSync("mount", ["-t", "tmpfs", "-o", "size=256k", "tmpfs", small()]).status === 0;
  if (!mounted) console.warn("SKIPPED: disk-full tests (mounting a tmpfs needs root)");
});
afterAll(async () => {
  if (mounted) spawnSync("umount", [small()]);
  await cleanup();
});

/** Fill the small file system until fewer than `leave` bytes are free. */
async function fill(leave: number): Promise<void> {
  const filler = join(small(), "filler");
  await rm(filler, { force: true });
  const free = Number(spawnSync("stat", ["-f", "-c", "%a*%S", small()], { encoding: "utf8" }).stdout.trim().split("*").reduce((a, b) => String(Number(a) * Number(b))));
  // tmpfs counts whole pages: a filler that leaves `leave` bytes or less.
  await writeFile(filler, Buffer.alloc(Math.max(0, free - leave)));
}

describe("a journal line on a full disk", () => {
  it("appendLines rejects a write cut short and leaves the file as it was", async (test) => {
    if (!mounted) test.skip();
    const file = join(small(), "events.jsonl");
    await appendLines(file, Buffer.from('{"n":1}\n'));
    // Room for part of the next lines (tmpfs gives out what is left of its last page), not all.
    await fill(4096);
    const big = Buffer.from(Array.from({ length: 400 }, (_, n) => `{"n":${n + 2},"pad":"${"x".repeat(40)}"}\n`).join(""));
    expect(big.length).toBeGreaterThan(8192);
    await expect(appendLines(file, big)).rejects.toMatchObject({ code: "ENOSPC" });
    expect(await readFile(file, "utf8")).toBe('{"n":1}\n');
    await rm(join(small(), "filler"));
    await appendLines(file, Buffer.from('{"n":2}\n'));
    expect(await readFile(file, "utf8")).toBe('{"n":1}\n{"n":2}\n');
  });

  it("time log on a full disk: one line, exit 1, and the entry is not claimed", async (test) => {
    if (!mounted) test.skip();
    const home = join(small(), "home");
    const setup = [["init", "--name", "Praxis Test", "--lang", "en"], ["client", "add", "k1"]];
    for (const args of setup) expect((await runCli(args, { home })).code).toBe(0);
    const logged = await runCli(["time", "log", "k1", "20m"], { home });
    expect(logged.code, logged.stderr).toBe(0);
    const journal = join(home, "records", "time.jsonl");
    const before = await readFile(journal);
    const note = join(dir, "note.txt");
    await writeFile(note, "Telefonat, länger als gedacht. ".repeat(200));
    await fill(0);
    // The sealed note makes the line longer than what is left of the disk's last page.
    let r = await runCli(["time", "log", "k1", "25m", "--note-file", note], { home });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr.split("\n").filter(Boolean)).toHaveLength(1);
    expect(r.stderr).toMatch(/disk is full/);
    expect(r.stdout).not.toMatch(/Logged/);
    expect((await readFile(journal)).equals(before)).toBe(true);
    await rm(join(small(), "filler"));
    r = await runCli(["time", "log", "k1", "25m"], { home });
    expect(r.code, r.stderr).toBe(0);
    expect((await stat(journal)).size).toBeGreaterThan(before.length);
  });

  it("a temporary folder that fills up while a recording is processed: the disk is named, not the recording (it was an internal error)", async (test) => {
    if (!mounted || missing("ffmpeg")) test.skip();
    const wav = join(dir, "long.wav");
    execFileSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440:duration=60", "-ac", "1", "-ar", "44100", wav]);
    // A temporary folder of its own with room for ffmpeg's first pass but not for its second
    // (it moves the file's index to the front), which fails without saying why.
    const tmp = join(dir, "tmp300");
    await mkdir(tmp);
    expect(spawnSync("mount", ["-t", "tmpfs", "-o", "size=300k", "tmpfs", tmp]).status).toBe(0);
    const out = join(dir, "out.m4a");
    let r;
    try {
      r = await runCli(["media", "audio", wav, "--out", out], { home: join(dir, "media-home"), env: { TMPDIR: tmp } });
    } finally {
      spawnSync("umount", [tmp]);
    }
    expect(r.code).toBe(1);
    expect(r.stderr.split("\n").filter(Boolean)).toHaveLength(1);
    expect(r.stderr).toMatch(/the disk is full/);
    expect(r.stderr).not.toMatch(/Internal error|not readable audio/);
    expect(existsSync(out)).toBe(false);
  });
});

describe("restore onto a disk too small for the backup", () => {
  it("is refused before anything is written, naming what it needs (a forged backup filled the disk before its signature was read)", async (test) => {
    if (!mounted) test.skip();
    await rm(join(small(), "filler"), { force: true });
    const home = join(dir, "big-home");
    expect((await runCli(["init", "--name", "Praxis Test", "--lang", "en", "--no-recovery-key"], { home })).code).toBe(0);
    // Something in the home that does not compress: the backup is larger than the small disk.
    await writeFile(join(home, "archive", "scan.bin"), randomBytes(400 * 1024));
    const backup = join(dir, "big.age");
    const made = await runCli(["backup", "--out", backup], { home });
    expect(made.code, made.stderr).toBe(0);
    const target = join(small(), "restored");
    const before = await readdir(small());
    const r = await runCli(["restore", backup], { home: target });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr.trim()).toBe(`${backup}: restoring it needs up to 1 MB in ${small()}, where 0 MB are free; nothing was written. Please free some space there or choose another place with --home.`);
    expect(await readdir(small())).toEqual(before);
  });
});

