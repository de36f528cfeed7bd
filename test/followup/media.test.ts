/**
 * The media pipeline behind send and seal names what it writes neutrally: a practitioner's file
 * name often names the client, and whatever a killed process leaves in the temp folders stays
 * there until the next sweep.
 */
import { copyFile, mkdir, readdir } from "node:fs/promises";
import { join } from "node:path";
import { generateIdentity } from "age-encryption";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mediaPipeline } from "../../src/followup/media.js";
import { MediaCache } from "../../src/media/index.js";
import { FIXTURES, tempDir } from "../helpers/cli.js";
import { keysFor } from "../helpers/keys.js";
import { missing } from "../helpers/tools.js";

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir("nachklang-pipeline-"));
});
afterAll(() => cleanup());

async function namesUnder(folder: string): Promise<string[]> {
  return (await readdir(folder, { recursive: true })).map(String);
}

describe.skipIf(missing("ffmpeg"))("mediaPipeline", () => {
  it.each([
    ["without the cache", false],
    ["through the cache, missed and hit", true],
  ])("writes no file or folder under the input's own name (%s)", async (_label, cached) => {
    const inputs = join(dir, `in-${String(cached)}`);
    await mkdir(inputs);
    const photo = join(inputs, "Genogramm_Familie_Mueller.png");
    const audio = join(inputs, "Fantasiereise_Mueller.mp3");
    await copyFile(join(FIXTURES, "flipchart.png"), photo);
    await copyFile(join(FIXTURES, "exercise.mp3"), audio);
    const cache = cached ? new MediaCache({ dir: join(dir, "cache"), keys: await keysFor(await generateIdentity()) }) : undefined;
    const media = mediaPipeline(cache === undefined ? {} : { cache });
    const outDir = join(dir, `out-${String(cached)}`);
    await mkdir(outDir);
    const rounds = cached ? 2 : 1;
    for (let i = 0; i < rounds; i++) {
      const p = await media.photo({ path: photo }, outDir, "folder");
      const a = await media.audio({ path: audio }, outDir, "folder");
      expect([p.kind, a.kind]).toEqual(["photo", "audio"]);
    }
    const names = await namesUnder(outDir);
    expect(names.filter((n) => n.endsWith(".jpg") || n.endsWith(".m4a"))).toHaveLength(2 * rounds);
    expect(names.filter((n) => /mueller|genogramm|fantasiereise/i.test(n))).toEqual([]);
  });
});
