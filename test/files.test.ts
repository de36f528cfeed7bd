/**
 * makeDirs: `mkdir -p` that fails at once where Node's recursive mkdir loops for ever.
 * appendLines: a torn last line is cut before new lines are appended.
 * readSecretFile: a pipe that stays silent is given up, in one line naming it.
 */
import { execFileSync } from "node:child_process";
import { closeSync, existsSync, openSync } from "node:fs";
import { readdir, readFile, stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { appendLines, makeDirs, makeDirsSync, readSecretFile, sweepAtomicLeftovers } from "../src/files.js";
import { tempDir } from "./helpers/cli.js";

describe("makeDirs", () => {
  it.skipIf(!existsSync("/proc/self"))("/proc/x and deeper: ENOENT at once (Node's recursive mkdir never returns there)", async () => {
    await expect(makeDirs("/proc/x")).rejects.toMatchObject({ code: "ENOENT" });
    await expect(makeDirs("/proc/x/y/z", 0o700)).rejects.toMatchObject({ code: "ENOENT" });
    expect(() => makeDirsSync("/proc/x/y")).toThrow(expect.objectContaining({ code: "ENOENT" }));
  });

  it("makes missing levels with the mode, accepts an existing folder, refuses a file", async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const deep = join(dir, "a", "b", "c");
      await makeDirs(deep, 0o700);
      expect((await stat(deep)).mode & 0o777).toBe(0o700);
      expect((await stat(join(dir, "a"))).mode & 0o777).toBe(0o700);
      await makeDirs(deep);
      makeDirsSync(join(dir, "a", "s", "t"));
      expect((await stat(join(dir, "a", "s", "t"))).isDirectory()).toBe(true);
      const file = join(dir, "file");
      await writeFile(file, "x");
      await expect(makeDirs(file)).rejects.toMatchObject({ code: "ENOTDIR" });
      await expect(makeDirs(join(file, "sub"))).rejects.toMatchObject({ code: "ENOTDIR" });
      expect(() => makeDirsSync(join(file, "sub"))).toThrow(expect.objectContaining({ code: "ENOTDIR" }));
    } finally {
      await cleanup();
    }
  });
});

describe("appendLines", () => {
  const lines = (text: string) => Buffer.from(text, "utf8");
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
  });
  afterEach(() => cleanup());

  it("cuts a torn last line before appending, and makes a new file 0600", async () => {
    const file = join(dir, "events.jsonl");
    await appendLines(file, lines('{"a":1}\n'));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    await writeFile(file, '{"b":', { flag: "a" });
    await appendLines(file, lines('{"c":3}\n{"d":4}\n'));
    expect(await readFile(file, "utf8")).toBe('{"a":1}\n{"c":3}\n{"d":4}\n');
  });

  it("a file with no newline at all is one torn line: it is cut whole; an empty file is appended to", async () => {
    const torn = join(dir, "torn.jsonl");
    // Longer than the 64 KiB piece the tail is searched in, so that more than one piece is read.
    await writeFile(torn, "x".repeat(150_000));
    await appendLines(torn, lines("{}\n"));
    expect(await readFile(torn, "utf8")).toBe("{}\n");
    const empty = join(dir, "empty.jsonl");
    await writeFile(empty, "");
    await appendLines(empty, lines("{}\n"));
    expect(await readFile(empty, "utf8")).toBe("{}\n");
  });

  it("property: what stands is the content up to its last newline, then the new lines", async () => {
    const file = join(dir, "p.jsonl");
    // Short content with newlines anywhere; and a file just over or under the 64 KiB piece the
    // tail is searched in, its one newline (if any) often in the first bytes, in an earlier piece.
    const nearStart = fc.integer({ min: 0, max: 20 });
    const content = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.tuple(fc.integer({ min: 65_530, max: 65_545 }), fc.oneof(nearStart, fc.integer({ min: 0, max: 65_545 }), fc.constant(-1))).map(([size, nl]) => {
        const bytes = new Uint8Array(size).fill(0x61);
        if (nl >= 0 && nl < size) bytes[nl] = 0x0a;
        return bytes;
      }),
    );
    await fc.assert(
      fc.asyncProperty(content, fc.array(fc.string({ maxLength: 20 }).map((t) => JSON.stringify(t) + "\n"), { maxLength: 4 }), async (before, added) => {
        await writeFile(file, before);
        const data = Buffer.from(added.join(""), "utf8");
        await appendLines(file, data);
        const whole = Buffer.from(before).subarray(0, Buffer.from(before).lastIndexOf(0x0a) + 1);
        expect(Buffer.compare(await readFile(file), Buffer.concat([whole, data]))).toBe(0);
      }),
      { numRuns: 80 },
    );
  });
});

describe("readSecretFile", () => {
  it("gives up a pipe that a writer holds open but stays silent, after two minutes: one line naming it, exit 2", async () => {
    const { dir, cleanup } = await tempDir();
    const pipe = join(dir, "pipe");
    execFileSync("mkfifo", [pipe]);
    // Opened for reading and writing: a writer is there (no end of file), nothing is written.
    const writer = openSync(pipe, "r+");
    vi.useFakeTimers({ toFake: ["Date", "setTimeout"] });
    const start = Date.now();
    try {
      let outcome: unknown;
      const reading = readSecretFile(pipe).then(
        () => (outcome = "read"),
        (error: unknown) => (outcome = error),
      );
      // Fake minutes pass while the real reads find nothing (EAGAIN) each time. Until the reading
      // ends, not a number of steps: on a busy machine the real open and reads take long enough
      // for any fixed number of steps to pass before the deadline is even set, and then nothing
      // would move the fake clock again (this test hung once so). A minute of real time at most.
      const realStart = performance.now();
      while (outcome === undefined && performance.now() - realStart < 60_000) {
        await vi.advanceTimersByTimeAsync(1_000);
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(outcome, "the reading did not end").toBeDefined();
      await reading;
      expect(outcome).toMatchObject({ key: "file.secretPipeSilent", code: 2, params: { file: pipe } });
      expect(Date.now() - start).toBeGreaterThan(120_000);
    } finally {
      vi.useRealTimers();
      closeSync(writer);
      await cleanup();
    }
  });
});

describe("sweepAtomicLeftovers", () => {
  it("removes the temporary files of atomic writes a killed process left, once an hour old, and nothing else", async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
      const names = { ours: "clients.age.0123456789ab.tmp", conf: "config.json.tmp-k3x9q2", young: "groups.json.abcdef012345.tmp", notOurs: "notes.tmp", real: "clients.age" };
      for (const name of Object.values(names)) await writeFile(join(dir, name), "x");
      for (const name of [names.ours, names.conf, names.notOurs, names.real]) await utimes(join(dir, name), old, old);
      expect(await sweepAtomicLeftovers(dir)).toBe(2);
      expect((await readdir(dir)).sort()).toEqual([names.real, names.young, names.notOurs].sort());
    } finally {
      await cleanup();
    }
  });
});
