/**
 * The viewer page is written like every private file (files.ts `writePrivateFile`): mode 0600,
 * whole or not at all. A write that fails halfway (a full disk) leaves neither half a page at
 * the page's name nor a temporary file; a name already taken (here by a folder) is one line
 * (exit 2), and nothing is left either.
 */
import type * as fsPromises from "node:fs/promises";
import { mkdir, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { UserError } from "../../src/errors.js";
import { viewerFileName, writeViewerFile } from "../../src/viewer/build.js";
import { tempDir } from "../helpers/cli.js";
import { missing } from "../helpers/tools.js";
import { makeFollowUp, type TestFollowUp } from "./fixture.js";

/** While set, every file opened for writing takes half of what is written, then reports a full disk. */
const disk = vi.hoisted(() => ({ full: false }));

vi.mock("node:fs/promises", async (importOriginal) => {
  const real = await importOriginal<typeof fsPromises>();
  const open: typeof real.open = async (path, flags, mode) => {
    const handle = await real.open(path, flags, mode);
    if (!disk.full || typeof flags !== "string" || !/[wa]/.test(flags)) return handle;
    const writeFile: typeof handle.writeFile = async (data) => {
      const bytes = typeof data === "string" ? Buffer.from(data) : Buffer.from(data);
      await handle.write(bytes.subarray(0, bytes.length >> 1));
      throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC", errno: -28, syscall: "write" });
    };
    return Object.assign(Object.create(handle) as typeof handle, { writeFile, sync: () => handle.sync(), close: () => handle.close() });
  };
  return { ...real, open, default: { ...real, open } };
});

describe.skipIf(missing("ffmpeg"))("writing the viewer page", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let f: TestFollowUp;
  let n = 0;
  const options = () => ({ followUp: f.followUp, minisignPublicKey: f.publicKey, passphrase: "Sommer am See 2026", scryptLogN: 10 });
  const freshDir = async () => {
    const out = join(dir, `out${n++}`);
    await mkdir(out);
    return out;
  };

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    f = await makeFollowUp(dir);
  });
  afterAll(() => cleanup());

  it("lands whole with mode 0600 and nothing beside it", async () => {
    const out = await freshDir();
    const path = await writeViewerFile(out, options());
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(out)).toEqual([viewerFileName(f.followUp.manifest.id)]);
  });

  it("a disk that fills up halfway leaves no half page and no temporary file", async () => {
    const out = await freshDir();
    disk.full = true;
    const error = await writeViewerFile(out, options()).catch((e: unknown) => e).finally(() => (disk.full = false));
    expect(await readdir(out)).toEqual([]);
    expect(error).toBeInstanceOf(UserError);
    expect(error).toMatchObject({ code: 1, key: "file.noSpace" });
  });

  it("a name already taken (a folder there) is exit 2, file.exists, and leaves no temporary file", async () => {
    const out = await freshDir();
    const taken = join(out, viewerFileName(f.followUp.manifest.id));
    await mkdir(taken);
    await expect(writeViewerFile(out, options())).rejects.toMatchObject({ code: 2, key: "file.exists", params: { file: taken } });
    expect(await readdir(out)).toEqual([viewerFileName(f.followUp.manifest.id)]);
    expect((await stat(taken)).isDirectory()).toBe(true);
  });
});
