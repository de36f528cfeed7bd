/**
 * The fast start of `seal`, `open` and `verify` (src/cli/fast-start.ts): the shim sends exactly
 * those commands to the single-file build, which is handed the payload worker when an argument
 * names a large file; V8 takes the code cache the build made, and a cache V8 refuses (damaged,
 * or from another Node) only costs speed.
 */
import { cp, mkdir, symlink, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WORKER_FROM_BYTES } from "../../src/bundle/worker-ahead.js";
import { codeCacheUsed, loadFastCli } from "../../src/cli/fast-start.js";
import { initHome, ROOT, runCli, tempDir } from "../helpers/cli.js";

let work: { dir: string; cleanup: () => Promise<void> };
let home: { home: string; cleanup: () => Promise<void> };

/** A copy of the built package in the temporary folder (node_modules linked), to alter. */
async function copyPackage(name: string): Promise<string> {
  const root = join(work.dir, name);
  await mkdir(root);
  for (const part of ["bin", "dist", "templates", "assets", "package.json"]) await cp(join(ROOT, part), join(root, part), { recursive: true });
  await symlink(join(ROOT, "node_modules"), join(root, "node_modules"));
  return root;
}

beforeAll(async () => {
  work = await tempDir("nachklang-fast-");
  home = await initHome();
  expect((await runCli(["client", "add", "k042", "--lang", "en"], { home: home.home })).code).toBe(0);
  await writeFile(join(work.dir, "note.txt"), "bis bald");
});
afterAll(async () => {
  await work.cleanup();
  await home.cleanup();
});

describe("fast start", () => {
  it("V8 takes the code cache the build made", () => {
    expect(codeCacheUsed()).toBe(true);
  });

  it("the single-file build takes a worker handed over (its entry is fast-main.ts)", () => {
    const { cli } = loadFastCli();
    expect(typeof cli.handOver).toBe("function");
    expect(typeof cli.main).toBe("function");
  });

  it("the shim sends seal, open and verify (after global options) to it, and nothing else", async () => {
    const root = await copyPackage("marked");
    // In place of the single-file build: a program that only says it ran, and whether the
    // payload worker was started ahead and handed over (it stops it at once).
    await writeFile(
      join(root, "dist", "cli-fast", "cli.js"),
      '(function (exports) { exports.main = async () => { process.stdout.write("fast start\\n"); }; exports.handOver = (ahead) => { process.stdout.write("worker handed over\\n"); void ahead.worker.terminate(); }; })',
    );
    const bin = join(root, "bin", "nachklang.js");
    const run = (...args: string[]) => runCli(args, { home: home.home, env: {}, cwd: work.dir, bin });
    for (const args of [["seal", "note.txt", "--to", "k042"], ["--home", home.home, "--lang", "de", "open", "x.age"], ["--json", "verify", "x.age"]]) {
      expect((await run(...args)).stdout, args.join(" ")).toBe("fast start\n");
    }
    // A file large enough for the payload worker: started before the CLI loads, and handed over.
    await writeFile(join(work.dir, "large.bin"), "");
    await truncate(join(work.dir, "large.bin"), WORKER_FROM_BYTES);
    for (const args of [["seal", "note.txt", "large.bin", "--to", "k042"], ["--json", "verify", "large.bin"]]) {
      expect((await run(...args)).stdout, args.join(" ")).toBe("worker handed over\nfast start\n");
    }
    for (const args of [["client", "list"], ["--home", home.home, "keys", "show"], ["--help"]]) {
      const result = await run(...args);
      expect(result.code, args.join(" ")).toBe(0);
      expect(result.stdout).not.toContain("fast start");
    }
  });

  it("with a damaged code cache (refused by V8), seal and verify still work", async () => {
    const root = await copyPackage("damaged");
    await writeFile(join(root, "dist", "cli-fast", "cli.cache"), Buffer.alloc(4096, 7));
    const bin = join(root, "bin", "nachklang.js");
    const sealed = await runCli(["seal", "note.txt", "--to", "k042", "--out", "note.age", "--json"], { home: home.home, cwd: work.dir, bin });
    expect(sealed.stderr).toBe("");
    expect(sealed.code).toBe(0);
    const verified = await runCli(["verify", "note.age"], { home: home.home, cwd: work.dir, bin });
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain("note.txt");
  });
});
