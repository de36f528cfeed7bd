/** Audio through a real ffmpeg on every audio fixture, read back with ffprobe, exiftool and ebur128. */
import { execFileSync } from "node:child_process";
import { readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { normaliseAudioProfile, parseMeasurement, planGain, trimRange } from "../../src/media/audio.js";
import { processAudio } from "../../src/media/index.js";
import { FIXTURES, tempDir } from "../helpers/cli.js";
import { leakyRecordings } from "../helpers/made-media.js";
import { missing } from "../helpers/tools.js";
import { ebur128, exiftool, exiftoolAll, ffprobe } from "./inspect.js";

const fixture = (name: string) => join(FIXTURES, name);
const noFfmpeg = missing("ffmpeg") || missing("ffprobe");
let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir("nachklang-audio-")));
afterAll(() => cleanup());

/** Tags an output may carry: container structure and generic codec names, nothing about anyone. */
const ALLOWED_FORMAT_TAGS = new Set(["major_brand", "minor_version", "compatible_brands"]);
const ALLOWED_STREAM_TAGS: Record<string, RegExp> = { handler_name: /^SoundHandler$/, vendor_id: /^\[0\]\[0\]\[0\]\[0\]$/, language: /^und$/ };

describe.skipIf(noFfmpeg)("processAudio on the fixtures", () => {
  const cases = [
    ["exercise-de.wav", "m4a"],
    ["exercise-de.wav", "opus"],
    ["exercise.mp3", "m4a"],
    ["exercise.mp3", "opus"],
    ["voice-memo.m4a", "m4a"],
    ["voice-memo.m4a", "opus"],
  ] as const;
  for (const [name, format] of cases) {
    it(`${name} → ${format}: mono, one audio stream, −16 LUFS ±1, true peak held, no tags`, async () => {
      const input = ffprobe(fixture(name));
      const inputTagValues = Object.values(input.format.tags ?? {}).filter((v) => !/^(M4A |isom|Lavf|\d+$)/.test(v));
      const progress: number[] = [];
      const r = await processAudio(fixture(name), join(dir, format), { format }, { onProgress: (p) => progress.push(p) });
      expect(r.file).toBe(join(dir, format, name.replace(/\.\w+$/, format === "opus" ? ".ogg" : ".m4a")));
      expect(r.mime).toBe(format === "opus" ? "audio/ogg" : "audio/mp4");
      const out = ffprobe(r.file);
      expect(out.streams).toHaveLength(1);
      expect(out.streams[0]).toMatchObject({ codec_type: "audio", codec_name: format === "opus" ? "opus" : "aac", channels: 1 });
      expect(out.chapters).toEqual([]);
      expect(Object.keys(out.format.tags ?? {}).filter((k) => !ALLOWED_FORMAT_TAGS.has(k))).toEqual([]);
      for (const [k, v] of Object.entries(out.streams[0]!.tags ?? {})) expect(ALLOWED_STREAM_TAGS[k]?.test(v), `${k}=${v}`).toBe(true);
      const bytes = await readFile(r.file);
      for (const value of inputTagValues) expect(bytes.includes(value), value).toBe(false);
      for (const s of ["Anna", "Muster", "Praxis", "+53.5511", "Lavf", "Lavc", "encoder="]) expect(bytes.includes(s), s).toBe(false);
      const measured = ebur128(r.file);
      expect(Math.abs(measured.lufs - -16)).toBeLessThanOrEqual(1);
      // The limiter holds −2.2 dBFS before encoding; lossy coding may add up to about a dB.
      expect(measured.truePeak).toBeLessThanOrEqual(-0.5);
      expect(r.loudness.truePeak).toBeLessThanOrEqual(-1.5);
      expect(r.loudness.inputLufs).toBeLessThan(-28);
      expect(r.durationSeconds).toBeGreaterThan(22);
      expect(r.durationSeconds).toBeLessThan(26);
      expect(progress[progress.length - 1]).toBe(100);
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
    });
  }

  it.skipIf(missing("exiftool"))("exiftool finds no artist, title, comment or location in the outputs", async () => {
    for (const name of ["exercise.mp3", "voice-memo.m4a"]) {
      expect(JSON.stringify(exiftool(fixture(name)))).toMatch(/Anna Beispiel/);
      for (const format of ["m4a", "opus"] as const) {
        const r = await processAudio(fixture(name), join(dir, "exif", format), { format });
        const tags = exiftool(r.file);
        const text = JSON.stringify(tags);
        for (const s of ["Anna", "Muster", "Beispiel", "Hamburg", "53.55", "GPS", "Artist", "Title", "Location", "Lavf", "Lavc", "Encoder"]) expect(text.includes(s), `${name} ${format} ${s}`).toBe(false);
        // Opus: of the OpusTags comments only the vendor string is left ("ffmpeg", which no option
        // removes; docs/media.md), no "encoder=Lavc libopus".
        if (format === "opus") expect(Object.entries(tags).filter(([k]) => k.startsWith("Vorbis:"))).toEqual([["Vorbis:Vendor", "ffmpeg"]]);
      }
    }
  });

  it.skipIf(missing("exiftool"))(
    "every tag carrier (ID3v2 APIC/TXXX/PRIV/CHAP, ID3v1, iTunes tags and cover art, chapters, Vorbis comments and pictures, WAV LIST/INFO and bext, creation times) is gone",
    async () => {
      const inputs = await leakyRecordings(join(dir, "carriers"));
      // The inputs really carry it: otherwise the test proves nothing.
      for (const tags of exiftoolAll(inputs)) expect(JSON.stringify(tags)).toMatch(/Leak/);
      const outputs: string[] = [];
      for (const input of inputs) {
        for (const format of ["m4a", "opus"] as const) {
          const r = await processAudio(input, join(dir, "carriers", "out", format), { format });
          outputs.push(r.file);
          const out = ffprobe(r.file);
          expect(out.streams.map((s) => s.codec_type), r.file).toEqual(["audio"]);
          expect(out.chapters, r.file).toEqual([]);
          expect(Object.keys(out.format.tags ?? {}).filter((k) => !ALLOWED_FORMAT_TAGS.has(k)), r.file).toEqual([]);
          for (const [k, v] of Object.entries(out.streams[0]!.tags ?? {})) expect(ALLOWED_STREAM_TAGS[k]?.test(v), `${r.file}: ${k}=${v}`).toBe(true);
          const bytes = await readFile(r.file);
          for (const s of ["Leak", "Lavf", "Lavc", "encoder=", "2026", "+52.51", "ID3", "APIC", "LIST", "bext"]) expect(bytes.includes(s), `${r.file}: ${s}`).toBe(false);
        }
      }
      for (const [i, tags] of exiftoolAll(outputs).entries()) {
        const text = JSON.stringify(Object.fromEntries(Object.entries(tags).filter(([k]) => !k.startsWith("System:") && k !== "SourceFile")));
        for (const s of ["Leak", "2026", "52.51", "Cover", "Picture", "Chapter", "Lavf"]) expect(text.includes(s), `${outputs[i]}: ${s}`).toBe(false);
        // MP4 creation and modification times are zero, not the recording's time or the encoding's.
        for (const [k, v] of Object.entries(tags)) if (/Date$/.test(k) && !k.startsWith("System:")) expect(v, `${outputs[i]}: ${k}`).toBe("0000:00:00 00:00:00");
      }
    },
  );

  it("silence.wav: no gain, a warning, never a blown-up output; or a clear refusal when asked", async () => {
    const r = await processAudio(fixture("silence.wav"), join(dir, "silence"));
    expect(r.loudness.gainDb).toBe(0);
    expect(r.warnings.map((w) => w.key)).toContain("media.audio.silence");
    expect(ebur128(r.file).lufs).toBeLessThanOrEqual(-69);
    await expect(processAudio(fixture("silence.wav"), join(dir, "silence2"), { silence: "refuse" })).rejects.toMatchObject({
      code: 1,
      key: "media.audio.silenceRefused",
    });
    expect(await readdir(join(dir, "silence2")).catch(() => [])).toEqual([]);
  });

  it("a recording too short to measure is said to be that, not silence (a cut-off file is not a silent one)", async () => {
    const short = join(dir, "cut-off.wav");
    execFileSync("ffmpeg", ["-loglevel", "error", "-f", "lavfi", "-i", "sine=f=440:d=0.25", "-ac", "2", short]);
    const r = await processAudio(short, join(dir, "short"));
    expect(r.warnings.map((w) => w.key)).toEqual(["media.audio.tooShort"]);
    expect(r.warnings[0]?.params).toMatchObject({ file: short, seconds: 0.25 });
    await expect(processAudio(short, join(dir, "short2"), { silence: "refuse" })).rejects.toMatchObject({ code: 1, key: "media.audio.tooShortRefused" });
    // As short, but silent: silence.
    const hush = join(dir, "hush.wav");
    execFileSync("ffmpeg", ["-loglevel", "error", "-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo", "-t", "0.25", hush]);
    expect((await processAudio(hush, join(dir, "hush"))).warnings.map((w) => w.key)).toEqual(["media.audio.silence"]);
  });

  it("a recording cut off on the way (half its bytes) is said to be shorter than its header says; a whole one is not", async () => {
    const whole = join(dir, "whole.flac");
    execFileSync("ffmpeg", ["-loglevel", "error", "-f", "lavfi", "-i", "sine=f=330:d=20", "-ac", "1", whole]);
    const bytes = await readFile(whole);
    const cut = join(dir, "cut-half.flac");
    await writeFile(cut, bytes.subarray(0, bytes.length >> 1));
    const r = await processAudio(cut, join(dir, "cut-half"));
    expect(r.warnings.map((w) => w.key)).toEqual(["media.audio.cutShort"]);
    expect(r.warnings[0]?.params).toMatchObject({ file: cut, expected: 20 });
    expect(Number(r.warnings[0]?.params?.seconds)).toBeLessThan(15);
    expect((await processAudio(whole, join(dir, "whole"))).warnings).toEqual([]);
  });

  it("refuses bad files with one catalogue line naming the file, and writes nothing", async () => {
    const empty = join(dir, "empty.wav");
    await writeFile(empty, "");
    const cases = [
      [fixture("corrupt.wav"), 1, "media.audio.unreadable"],
      [fixture("whiteboard.jpg"), 1, "media.audio.noAudio"],
      [fixture("not-an-image.jpg"), 1, "media.audio.noAudio"],
      [empty, 1, "media.empty"],
      [join(dir, "missing.wav"), 2, "file.missing"],
      [fixture("exercise-de.wav"), 4, "media.audio.tooLong"],
    ] as const;
    for (const [file, code, key] of cases) {
      const profile = key === "media.audio.tooLong" ? { maxDurationSeconds: 10 } : {};
      await expect(processAudio(file, join(dir, "bad"), profile), file).rejects.toMatchObject({ code, key, params: expect.objectContaining({ file }) as unknown });
    }
    expect(await readdir(join(dir, "bad")).catch(() => [])).toEqual([]);
  });

  it("trims leading and trailing silence, and only that", async () => {
    // 2 s silence, 3 s tone, 1 s silence (inside: kept), 3 s tone, 3 s silence.
    const padded = join(dir, "padded.wav");
    execFileSync("ffmpeg", [
      "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i",
      "aevalsrc='if(between(t,2,5)+between(t,6,9),0.3*sin(2*PI*330*t),0)':s=44100:d=12",
      "-c:a", "pcm_s16le", padded,
    ]);
    const r = await processAudio(padded, join(dir, "trim"), { trimSilence: true });
    // 7 s of sound plus a quarter second of air at both ends (AAC may add a frame).
    expect(r.durationSeconds).toBeGreaterThan(7.3);
    expect(r.durationSeconds).toBeLessThan(7.8);
    const plain = await processAudio(padded, join(dir, "notrim"));
    expect(plain.durationSeconds).toBeGreaterThan(11.9);
  });
});

describe("gain planning (pure)", () => {
  const p = normaliseAudioProfile({});
  it("never exceeds the ceiling, never amplifies silence, never gains more than 24 dB", () => {
    fc.assert(
      fc.property(fc.double({ min: -90, max: 0, noNaN: true }), fc.double({ min: -60, max: 0, noNaN: true }), (lufs, peak) => {
        const plan = planGain({ integratedLufs: lufs, samplePeakDb: Math.max(peak, lufs) }, p, "x.wav");
        expect(plan.truePeak).toBeLessThanOrEqual(p.maxTruePeakDb);
        expect(plan.gainDb).toBeLessThanOrEqual(24 + 0.1 * 12 + 0.05);
        if (lufs <= -69.5) expect([plan.gainDb, plan.silent]).toEqual([0, true]);
        if (plan.limitDb !== undefined) expect(plan.limitDb).toBeLessThan(p.maxTruePeakDb);
        expect(Number.isFinite(plan.gainDb)).toBe(true);
      }),
    );
  });

  it("handles digital silence (−inf peak) without dividing by zero", () => {
    expect(planGain({ integratedLufs: -70, samplePeakDb: -Infinity }, p, "s.wav")).toMatchObject({ gainDb: 0, silent: true, truePeak: -70 });
  });

  it("a signal with headroom gets exactly target − input, with no limiter", () => {
    expect(planGain({ integratedLufs: -23, samplePeakDb: -12 }, p, "x.wav")).toMatchObject({ gainDb: 7, silent: false });
    expect(planGain({ integratedLufs: -23, samplePeakDb: -12 }, p, "x.wav").limitDb).toBeUndefined();
  });

  it("trimming never cuts outside the recording, never leaves less than half a second, keeps inner silences", () => {
    const silence = fc.record({ start: fc.double({ min: 0, max: 600, noNaN: true }), len: fc.option(fc.double({ min: 0.5, max: 60, noNaN: true })) });
    fc.assert(
      fc.property(fc.double({ min: 1, max: 600, noNaN: true }), fc.array(silence, { maxLength: 5 }), (duration, raw) => {
        const silences = raw
          .map((s) => ({ start: Math.min(s.start, duration), ...(s.len !== null ? { end: Math.min(s.start + s.len, duration) } : {}) }))
          .sort((a, b) => a.start - b.start);
        const range = trimRange(silences, duration);
        if (range === undefined) return;
        expect(range.start).toBeGreaterThanOrEqual(0);
        expect(range.end).toBeLessThanOrEqual(duration + 0.01);
        expect(range.end - range.start).toBeGreaterThanOrEqual(0.49);
        // Only a silence touching the start can move the start, only one reaching the end the end.
        if (range.start > 0) expect(silences[0]!.start).toBeLessThanOrEqual(0.05);
      }),
    );
  });

  it("parses ebur128's summary and silencedetect lines", () => {
    const stderr = [
      "[silencedetect @ 0x1] silence_start: 0",
      "[silencedetect @ 0x1] silence_end: 2.01 | silence_duration: 2.01",
      "[silencedetect @ 0x1] silence_start: 9.5",
      "size=N/A time=00:00:12.00 bitrate=N/A speed= 300x",
      "[Parsed_ebur128_1 @ 0x2] Summary:",
      "",
      "  Integrated loudness:",
      "    I:         -29.0 LUFS",
      "    Threshold: -39.6 LUFS",
      "",
      "  Sample peak:",
      "    Peak:      -10.5 dBFS",
    ].join("\n");
    const m = parseMeasurement(stderr);
    expect(m).toMatchObject({ integratedLufs: -29, samplePeakDb: -10.5, durationSeconds: 12 });
    expect(m.silences).toEqual([{ start: 0, end: 2.01 }, { start: 9.5 }]);
    expect(trimRange(m.silences, 12)).toEqual({ start: 1.76, end: 9.75 });
    expect(parseMeasurement(stderr.replace("-10.5 dBFS", "-inf dBFS")).samplePeakDb).toBe(-Infinity);
  });
});
