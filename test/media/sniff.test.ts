/**
 * Knowing a photo, a recording or a video by its first bytes: files made here by sharp and
 * ffmpeg in each format the media pipeline reads, and files that are none of them.
 */
import { execFileSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sniffFile, sniffKind, SNIFF_BYTES } from "../../src/media/sniff.js";
import { tempDir } from "../helpers/cli.js";
import { missing } from "../helpers/tools.js";

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterAll(async () => {
  await cleanup();
});

describe("sniffKind", () => {
  it("knows every photo format sharp writes, whatever the file is called", async () => {
    const { default: sharp } = await import("sharp");
    const image = () => sharp({ create: { width: 16, height: 16, channels: 3, background: "#204060" } });
    const made: [string, Buffer][] = [
      ["jpeg", await image().jpeg().toBuffer()],
      ["png", await image().png().toBuffer()],
      ["webp", await image().webp().toBuffer()],
      ["gif", await image().gif().toBuffer()],
      ["tiff", await image().tiff().toBuffer()],
      ["avif", await image().avif().toBuffer()],
    ];
    for (const [format, bytes] of made) {
      const file = join(dir, `photo-${format}.dat`);
      await writeFile(file, bytes);
      expect(await sniffFile(file), format).toBe("photo");
    }
  });

  it.skipIf(missing("ffmpeg"))("knows recordings and videos as ffmpeg writes them", async () => {
    const cases: [string, string[], "audio" | "video"][] = [
      ["wav", ["-f", "wav"], "audio"],
      ["flac", ["-f", "flac"], "audio"],
      ["ogg", ["-c:a", "libopus", "-f", "ogg"], "audio"],
      ["mp3", ["-c:a", "libmp3lame", "-f", "mp3"], "audio"],
      ["mp3-untagged", ["-c:a", "libmp3lame", "-write_xing", "0", "-id3v2_version", "0", "-f", "mp3"], "audio"],
      ["adts", ["-c:a", "aac", "-f", "adts"], "audio"],
      ["m4a", ["-c:a", "aac", "-f", "ipod"], "audio"],
      ["aiff", ["-f", "aiff"], "audio"],
    ];
    for (const [name, args, kind] of cases) {
      const file = join(dir, `sound-${name}.dat`);
      execFileSync("ffmpeg", ["-loglevel", "error", "-f", "lavfi", "-i", "sine=d=1", ...args, file]);
      expect(await sniffFile(file), name).toBe(kind);
    }
    // Containers that may hold a film or sound alone: seal asks ffprobe which (media/ffmpeg.ts containerHolds).
    const containers = [["mp4", "mp4"], ["mov", "mov"], ["mkv", "matroska"], ["webm", "webm"], ["avi", "avi"], ["asf", "asf"], ["mpegts", "mpegts"], ["flv", "flv"], ["mpeg", "mpeg"]] as const;
    for (const [name, format] of containers) {
      const file = join(dir, `video-${name}.dat`);
      const codec = name === "webm" ? ["-c:v", "libvpx-vp9"] : [];
      execFileSync("ffmpeg", ["-loglevel", "error", "-f", "lavfi", "-i", "testsrc=d=0.2:s=32x32", ...codec, "-f", format, file]);
      expect(await sniffFile(file), name).toBe("container");
    }
  });

  it("knows QuickTime that does not begin with ftyp by its first atom, and text that happens to spell one as text", () => {
    for (const atom of ["moov", "mdat", "wide", "free"]) expect(sniffKind(Buffer.concat([Buffer.from([0, 0, 0, 8]), Buffer.from(atom)])), atom).toBe("container");
    // "Get free parking": "free" at byte 4, but no atom is 1.2 GB in its first bytes.
    expect(sniffKind(Buffer.from("Get free parking at the back.\n"))).toBeUndefined();
    // A "G" at 0 and 188 is no transport stream; three packets are.
    const text = Buffer.from("G".padEnd(400, "x"));
    text[188] = 0x47;
    expect(sniffKind(text)).toBeUndefined();
    text[376] = 0x47;
    expect(sniffKind(text)).toBe("container");
  });

  it("takes text with a byte-order mark for text, though UTF-16's FF FE looks like an MPEG frame", () => {
    for (const text of [Buffer.from("\ufeffHallo", "utf8"), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("Hallo", "utf16le")]), Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from("Hallo", "utf16le").swap16()])]) {
      expect(sniffKind(text)).toBeUndefined();
    }
  });

  it("says nothing of text, PDF, an empty or a one-byte file", async () => {
    const pdf = join(dir, "letter.dat");
    await writeFile(pdf, "%PDF-1.7\n%âãÏÓ\n");
    expect(await sniffFile(pdf)).toBeUndefined();
    expect(sniffKind(Buffer.from("Liebe Grüße aus der Praxis\n"))).toBeUndefined();
    expect(sniffKind(new Uint8Array())).toBeUndefined();
    expect(sniffKind(Uint8Array.of(0xff))).toBeUndefined();
    expect(await readFile(pdf)).toHaveLength(19);
  });

  it("property: only the head counts: whatever follows a JPEG's or a WAV's signature, it stays a photo or a recording", () => {
    const jpeg = Uint8Array.of(0xff, 0xd8, 0xff);
    const wav = (size: Uint8Array) => Buffer.concat([Buffer.from("RIFF"), size, Buffer.from("WAVE")]);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 64 }), fc.uint8Array({ minLength: 4, maxLength: 4 }), (tail, size) => {
        expect(sniffKind(Buffer.concat([jpeg, tail]).subarray(0, SNIFF_BYTES))).toBe("photo");
        expect(sniffKind(Buffer.concat([wav(size), tail]).subarray(0, SNIFF_BYTES))).toBe("audio");
      }),
    );
  });
});
