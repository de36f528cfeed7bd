/** ffmpeg discovery order, the doctor's lines, and the bundled (old) build as a working fallback. */
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FfmpegFailure, findFfmpeg, isOldFfmpeg, progressSeconds, runFfmpeg, stderrTail, useFfmpegConfig } from "../../src/media/ffmpeg.js";
import { systemRefusal } from "../../src/errors.js";
import { mediaDoctorLines } from "../../src/media/index.js";
import { FIXTURES, runCli, tempDir } from "../helpers/cli.js";
import { hasCommand, missingFixture } from "../helpers/tools.js";
import { ebur128, ffprobe } from "./inspect.js";

let dir: string;
let cleanup: () => Promise<void>;
let fakeBin: string;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir("nachklang-ffmpeg-"));
  fakeBin = join(dir, "bin");
  await mkdir(fakeBin);
  for (const name of ["ffmpeg", "ffprobe", "my-ffmpeg", "my-ffprobe"]) {
    await writeFile(join(fakeBin, name), "#!/bin/sh\nexit 0\n");
    await chmod(join(fakeBin, name), 0o755);
  }
});
afterAll(() => {
  useFfmpegConfig({});
  return cleanup();
});

const bundled = (() => {
  try {
    const req = createRequire(import.meta.url);
    return { ffmpeg: (req("@ffmpeg-installer/ffmpeg") as { path: string }).path, ffprobe: (req("@ffprobe-installer/ffprobe") as { path: string }).path };
  } catch {
    return undefined;
  }
})();

describe("ffmpeg on a full disk", () => {
  it("is the system's refusal (one line about the disk), not an unreadable recording", () => {
    const full = new FfmpegFailure("ffmpeg", 1, "[aac @ 0x55] Error writing trailer of /tmp/x/out.m4a: No space left on device\n");
    expect(full.code).toBe("ENOSPC");
    expect(systemRefusal(full)).toMatchObject({ key: "file.systemRefused", params: { reason: "ENOSPC" } });
    expect(new FfmpegFailure("ffmpeg", 1, "Invalid data found when processing input").code).toBeUndefined();
    expect(systemRefusal(new FfmpegFailure("ffmpeg", 1, "Invalid data found when processing input"))).toBeUndefined();
  });
});

describe("finding ffmpeg", () => {
  it("takes FFMPEG_PATH/FFPROBE_PATH first, then config, then PATH, then the bundled build", () => {
    const env = { PATH: fakeBin };
    useFfmpegConfig({ ffmpegPath: join(fakeBin, "my-ffmpeg"), ffprobePath: join(fakeBin, "my-ffprobe") });
    expect(findFfmpeg({ ...env, FFMPEG_PATH: join(fakeBin, "ffmpeg"), FFPROBE_PATH: join(fakeBin, "ffprobe") })).toEqual({
      ffmpegPath: join(fakeBin, "ffmpeg"),
      ffprobePath: join(fakeBin, "ffprobe"),
      source: "env",
    });
    expect(findFfmpeg(env)).toEqual({ ffmpegPath: join(fakeBin, "my-ffmpeg"), ffprobePath: join(fakeBin, "my-ffprobe"), source: "config" });
    useFfmpegConfig({});
    expect(findFfmpeg(env)).toEqual({ ffmpegPath: join(fakeBin, "ffmpeg"), ffprobePath: join(fakeBin, "ffprobe"), source: "path" });
    // A variable pointing nowhere is skipped rather than trusted.
    expect(findFfmpeg({ ...env, FFMPEG_PATH: join(dir, "absent") }).source).toBe("path");
    if (bundled) expect(findFfmpeg({ PATH: join(dir, "empty") })).toEqual({ ffmpegPath: bundled.ffmpeg, ffprobePath: bundled.ffprobe, source: "bundled" });
  });

  it("tells old builds from current ones", () => {
    expect(isOldFfmpeg("5.1.9-0+deb12u1", 2026)).toBe(false);
    expect(isOldFfmpeg("4.1.3", 2019)).toBe(true);
    expect(isOldFfmpeg("N-47683-g0e8eb07980-static", 2018)).toBe(true);
    expect(isOldFfmpeg("N-110000-gabcdef-static", 2024)).toBe(false);
  });

  it("keeps the meaningful tail of stderr, without progress lines", () => {
    expect(stderrTail("Input #0\nsize=  10kB time=00:00:01\nfoo.wav: Invalid data found when processing input\n")).toBe(
      "Input #0 | foo.wav: Invalid data found when processing input",
    );
  });

  it("reads the position from ffmpeg's progress lines, and from nothing else", () => {
    expect(progressSeconds("size=     256kB time=00:01:02.50 bitrate=  33.5kbits/s speed=41.2x")).toBe(62.5);
    expect(progressSeconds("size=N/A time=01:00:00.04 bitrate=N/A speed= 612x")).toBeCloseTo(3600.04, 6);
    expect(progressSeconds("size=       0kB time=-00:00:00.02 bitrate=N/A speed=N/A")).toBeUndefined();
    expect(progressSeconds("size=N/A time=N/A bitrate=N/A speed=N/A")).toBeUndefined();
    expect(progressSeconds("[Parsed_ebur128_1 @ 0x5581] t: 1.2      TARGET:-23 LUFS    M: -30.1 S:-120.7")).toBeUndefined();
    expect(progressSeconds("  Duration: 00:00:24.80, start: 0.000000, bitrate: 1411 kb/s")).toBeUndefined();
    expect(progressSeconds("[mp3 @ 0x1] runtime=00:00:01.00 is no position")).toBeUndefined();
  });

  it.skipIf(!hasCommand("ffmpeg") || missingFixture("exercise-de.wav"))("reports the position reached while it runs, up to the end of the input", async () => {
    const seen: number[] = [];
    await runFfmpeg({ input: join(FIXTURES, "exercise-de.wav"), outputOptions: ["-map", "0:a:0"], onTime: (s) => seen.push(s), label: "exercise-de.wav" });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen.at(-1)).toBeCloseTo(24.8, 0);
  });

  it("cuts a long stderr at 400 characters without halving one (a file name with an emoji)", () => {
    const tail = stderrTail(`${"x".repeat(399)}😀.wav: No such file or directory\n`);
    expect(tail).toBe(`${"x".repeat(399)}😀`);
  });

  it.skipIf(!hasCommand("ffmpeg"))("doctor lines name the binary, its version and source", async () => {
    const lines = await mediaDoctorLines();
    expect(lines[0]).toMatchObject({ key: "media.doctor.ffmpeg", ok: true, params: { source: "path" } });
    expect(lines.map((l) => l.key)).toEqual(expect.arrayContaining(["media.doctor.ffprobe", "media.doctor.sharp"]));
  });
});

describe.skipIf(!bundled || !hasCommand("ffprobe") || missingFixture("exercise.mp3"))("the bundled 2018 build as the fallback", () => {
  it("doctor warns that it is old", async () => {
    const lines = await mediaDoctorLines({ ffmpegPath: bundled!.ffmpeg, ffprobePath: bundled!.ffprobe });
    useFfmpegConfig({});
    expect(lines[0]).toMatchObject({ key: "media.doctor.ffmpegOld", ok: false, params: { path: bundled!.ffmpeg } });
    expect(lines[1]).toMatchObject({ key: "media.doctor.ffprobe", params: { path: bundled!.ffprobe } });
  });

  it("processes audio end to end (alimiter instead of asoftclip), to the same standard", async () => {
    const env = { FFMPEG_PATH: bundled!.ffmpeg, FFPROBE_PATH: bundled!.ffprobe };
    const out = join(dir, "bundled.m4a");
    const r = await runCli(["media", "audio", join(FIXTURES, "exercise.mp3"), "--out", out], { home: join(dir, "home"), env });
    expect(r.code, r.stderr).toBe(0);
    const probe = ffprobe(out);
    expect(probe.streams).toHaveLength(1);
    expect(probe.streams[0]?.channels).toBe(1);
    expect(JSON.stringify(probe)).not.toMatch(/Anna|Muster|Praxis|Lavf/);
    expect(Math.abs(ebur128(out).lufs + 16)).toBeLessThanOrEqual(1);
  });
});
