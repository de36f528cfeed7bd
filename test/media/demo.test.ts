/** The demo material carries metadata on purpose; the pipeline must remove all of it. */
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { processAudio, processPhoto } from "../../src/media/index.js";
import { ROOT, tempDir } from "../helpers/cli.js";
import { missing } from "../helpers/tools.js";
import { ebur128, exiftool, ffprobe } from "./inspect.js";

const demo = (name: string) => join(ROOT, "assets", "demo", name);
let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir("nachklang-demo-media-")));
afterAll(() => cleanup());

describe("demo material", () => {
  it("is small enough to ship", async () => {
    expect((await stat(demo("whiteboard.jpg"))).size).toBeLessThan(300 * 1024);
    expect((await stat(demo("exercise.wav"))).size).toBeLessThan(1024 * 1024);
  });

  it.skipIf(missing("exiftool"))("whiteboard.jpg: stored sideways with GPS and artist; processed upright with none of it", async () => {
    const before = exiftool(demo("whiteboard.jpg"));
    expect(before).toMatchObject({ "IFD0:Orientation": 6, "IFD0:Artist": "Dr. Erika Demo", "File:ImageWidth": 1200, "File:ImageHeight": 1600 });
    expect(before["GPS:GPSLatitude"]).toBeCloseTo(52.52, 2);
    const r = await processPhoto(demo("whiteboard.jpg"), dir, { enhance: "whiteboard", thumbnail: true });
    expect([r.width, r.height]).toEqual([1600, 1200]);
    const text = JSON.stringify(exiftool(r.file));
    for (const s of ["Erika", "Demo", "GPS", "Orientation", "Artist", "XMP"]) expect(text.includes(s), s).toBe(false);
    expect((await readFile(r.file)).includes("Erika")).toBe(false);
  });

  it.skipIf(missing("ffmpeg"))("exercise.wav: tags naming people; processed to −16 LUFS mono without them", async () => {
    expect(ffprobe(demo("exercise.wav")).format.tags).toMatchObject({ artist: "Dr. Erika Demo" });
    const r = await processAudio(demo("exercise.wav"), dir);
    expect(Math.abs(ebur128(r.file).lufs + 16)).toBeLessThanOrEqual(1);
    const out = ffprobe(r.file);
    expect(out.streams).toHaveLength(1);
    expect(out.streams[0]?.channels).toBe(1);
    expect(JSON.stringify(out)).not.toMatch(/Erika|Klient|Lavf/);
  });
});
