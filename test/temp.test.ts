/**
 * Private temporary folders (src/temp.ts): a folder left by a process that no longer runs
 * (killed with SIGKILL) is removed before the next folder is made in the same place; nothing
 * else is touched — not the folders of running processes, not links, not other users' folders,
 * not folders that are not private, not names that are not ours.
 */
import { spawn, spawnSync } from "node:child_process";
import { chmod, chown, lstat, mkdir, mkdtemp, readdir, rm, stat, symlink, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writePrivateFile } from "../src/files.js";
import { placeOutput } from "../src/media/files.js";
import { makePrivateTemp, removeTemp, runCleanups, sweepStale } from "../src/temp.js";

let parent: string;
beforeAll(async () => {
  parent = await mkdtemp(join(tmpdir(), "temp-test-"));
});
afterAll(async () => {
  await rm(parent, { recursive: true, force: true });
});

/** The id of a process that has ended (and was reaped). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(child.stdout);
}

/** A private folder as makePrivateTemp names it, with a file inside. */
async function folder(name: string, mode = 0o700): Promise<string> {
  const path = join(parent, name);
  await mkdir(path, { mode });
  await chmod(path, mode);
  await writeFile(join(path, "photo.jpg"), "plaintext");
  return path;
}

const exists = (path: string) => lstat(path).then(() => true, () => false);

describe("makePrivateTemp", () => {
  it("names its folder with the process id and makes it private", async () => {
    const dir = await makePrivateTemp("nachklang-open-", parent);
    try {
      expect(dir.slice(parent.length + 1)).toMatch(new RegExp(`^nachklang-open-pid${process.pid}-[A-Za-z0-9]{6}$`));
      expect((await lstat(dir)).mode & 0o777).toBe(0o700);
    } finally {
      await removeTemp(dir);
    }
  });

  it("removes what a killed run left in the same place before making its own", async () => {
    const place = await mkdtemp(join(parent, "place-"));
    // A process (of the built module) killed with SIGKILL while its folder exists.
    const temp = new URL("../dist/temp.js", import.meta.url).href;
    const script = [
      `const { makePrivateTemp } = await import(${JSON.stringify(temp)});`,
      `const dir = await makePrivateTemp("nachklang-photo-", ${JSON.stringify(place)});`,
      `(await import("node:fs")).writeFileSync(dir + "/board.jpg", "x");`,
      "console.log(dir);",
      "setInterval(() => {}, 1000);",
    ].join("\n");
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    const left = await new Promise<string>((resolve) => child.stdout.once("data", (d: Buffer) => resolve(d.toString().trim())));
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("close", resolve));
    expect(await exists(join(left, "board.jpg"))).toBe(true);
    const mine = await makePrivateTemp("nachklang-media-", place);
    expect(await readdir(place)).toEqual([mine.slice(place.length + 1)]);
    await removeTemp(mine);
  });
});

describe("sweepStale", () => {
  it("removes only private folders of ours whose process is gone", async () => {
    const dead = deadPid();
    const sleeper = spawn("sleep", ["30"], { stdio: "ignore" });
    try {
      const stale = [
        await folder(`nachklang-pid${dead}-AbC123`),
        await folder(`.nachklang-open-pid${dead}-xyz789`),
        await folder(`.staging-pid${dead}-Q1w2E3`),
        await folder(`nachklang-photo-pid${dead}-000000`),
      ];
      const kept = [
        // Running processes: this one and another.
        await folder(`nachklang-pid${process.pid}-AbC123`),
        await folder(`nachklang-pid${sleeper.pid!}-AbC123`),
        // Not private, or not one of our names.
        await folder(`nachklang-pid${dead}-open00`, 0o755),
        await folder(`nachklang-${dead}-backup`),
        await folder(`other-pid${dead}-AbC123`),
        await folder(`nachklang-pid${dead}-toolong1`),
      ];
      // A link with our name is not followed, and its target is left alone.
      const target = await folder("target");
      await symlink(target, join(parent, `nachklang-pid${dead}-link00`));
      kept.push(target, join(parent, `nachklang-pid${dead}-link00`));

      expect(await sweepStale(parent)).toBe(stale.length);
      for (const path of stale) expect(await exists(path), path).toBe(false);
      for (const path of kept) expect(await exists(path), path).toBe(true);
      expect(await exists(join(target, "photo.jpg"))).toBe(true);
    } finally {
      sleeper.kill();
    }
  });

  it.skipIf(process.getuid?.() !== 0)("leaves another user's folder alone (run as root: chown)", async () => {
    const path = await folder(`nachklang-pid${deadPid()}-nobody`);
    await chown(path, 65534, 65534);
    await sweepStale(parent);
    expect(await exists(path)).toBe(true);
  });

  it("does nothing where it cannot read", async () => {
    expect(await sweepStale(join(parent, "missing"))).toBe(0);
  });
});

/**
 * Partial outputs beside their target (`writePrivateFile`'s `.tmp`, `placeOutput`'s `.part` when
 * it copies across file systems) are registered while they exist, so an interrupt — which runs
 * `runCleanups` — removes them. Each test waits until the partial file is there, then cleans up
 * as Ctrl-C would, and expects it gone at once and nothing left once the write gives up.
 */
describe("partial outputs are removed on interrupt", () => {
  /** Runs the clean-up an interrupt runs as soon as a file matching `partial` appears in `dir` while `work` runs. */
  async function interruptWhenPartial(dir: string, partial: RegExp, work: Promise<unknown>): Promise<{ seen: string | undefined; leftAfterCleanup: string[] }> {
    let done = false;
    const settled = work.then(
      () => (done = true),
      () => (done = true),
    );
    let seen: string | undefined;
    let leftAfterCleanup: string[] = [];
    while (!done && seen === undefined) {
      seen = (await readdir(dir)).find((name) => partial.test(name));
      if (seen === undefined) await new Promise((r) => setImmediate(r));
    }
    if (seen !== undefined) {
      await runCleanups();
      leftAfterCleanup = (await readdir(dir)).filter((name) => partial.test(name));
    }
    await settled;
    return { seen, leftAfterCleanup };
  }

  it("writePrivateFile's temporary sibling", async () => {
    const dir = await mkdtemp(join(parent, "write-"));
    const data = Buffer.alloc(64 * 1024 * 1024, 0x61);
    const { seen, leftAfterCleanup } = await interruptWhenPartial(dir, /\.tmp$/, writePrivateFile(join(dir, "report.csv"), data, { exclusive: true }));
    expect(seen).toBeDefined();
    expect(leftAfterCleanup).toEqual([]);
    expect((await readdir(dir)).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });

  const shm = "/dev/shm";
  const otherFileSystem = async () => (await stat(shm).catch(() => undefined))?.dev !== undefined && (await stat(shm)).dev !== (await stat(parent)).dev;
  it.skipIf(process.platform !== "linux")("placeOutput's copy across file systems", async (ctx) => {
    if (!(await otherFileSystem())) ctx.skip();
    const source = await mkdtemp(join(shm, "nachklang-test-"));
    try {
      const finished = join(source, "exercise.m4a");
      await writeFile(finished, "");
      await truncate(finished, 256 * 1024 * 1024);
      const dir = await mkdtemp(join(parent, "place-"));
      const { seen, leftAfterCleanup } = await interruptWhenPartial(dir, /\.part$/, placeOutput(finished, join(dir, "exercise.m4a")));
      expect(seen).toBeDefined();
      expect(leftAfterCleanup).toEqual([]);
      expect((await readdir(dir)).filter((name) => name.endsWith(".part"))).toEqual([]);
    } finally {
      await rm(source, { recursive: true, force: true });
    }
  });
});
