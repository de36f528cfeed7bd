/** makeDirs: `mkdir -p` that fails at once where Node's recursive mkdir loops for ever. */
import { existsSync } from "node:fs";
import { stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeDirs, makeDirsSync } from "../src/files.js";
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
