/** Photos through real sharp on every image fixture, read back with exiftool. */
import { readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { processPhoto } from "../../src/media/index.js";
import { FIXTURES, ROOT, tempDir } from "../helpers/cli.js";
import { leakyPhotos } from "../helpers/made-media.js";
import { missing } from "../helpers/tools.js";
import { exiftool, exiftoolAll } from "./inspect.js";

const fixture = (name: string) => join(FIXTURES, name);
let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir("nachklang-photo-")));
afterAll(() => cleanup());

/** exiftool groups that describe the file itself, not metadata carried inside it. */
const STRUCTURAL = new Set(["SourceFile", "ExifTool", "System", "File", "Composite"]);
/** WebP's own frame header fields, which exiftool reports in the RIFF group. */
const WEBP_HEADER = new Set(["RIFF:VP8Version", "RIFF:ImageWidth", "RIFF:ImageHeight", "RIFF:HorizontalScale", "RIFF:VerticalScale"]);
const carried = (tags: Record<string, unknown>) => Object.keys(tags).filter((k) => !STRUCTURAL.has(k.split(":")[0]!) && !WEBP_HEADER.has(k));

/** Mean absolute difference of two images at 64×64 greyscale, 0–255. */
async function difference(a: Buffer | string, b: Buffer | string): Promise<number> {
  const grey = (x: Buffer | string) => sharp(x).greyscale().resize(64, 64, { fit: "fill" }).raw().toBuffer();
  const [pa, pb] = await Promise.all([grey(a), grey(b)]);
  let sum = 0;
  for (let i = 0; i < pa.length; i++) sum += Math.abs(pa[i]! - pb[i]!);
  return sum / pa.length;
}

describe("processPhoto on the fixtures", () => {
  it("whiteboard.jpg: upright from EXIF (rotate 90 CW), fitted to 2048, no metadata left", async () => {
    const r = await processPhoto(fixture("whiteboard.jpg"), join(dir, "a"));
    expect(r.file).toBe(join(dir, "a", "whiteboard.jpg"));
    expect([r.width, r.height]).toEqual([1536, 2048]);
    const bytes = await readFile(r.file);
    expect(r.bytes).toBe(bytes.length);
    const { createHash } = await import("node:crypto");
    expect(r.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
    // Upright: matches the stored pixels turned 90° clockwise, not the unrotated or 270° ones.
    const stored = await sharp(fixture("whiteboard.jpg")).rotate(90).toBuffer();
    const wrong = await sharp(fixture("whiteboard.jpg")).rotate(270).toBuffer();
    expect(await difference(r.file, stored)).toBeLessThan(3);
    expect(await difference(r.file, wrong)).toBeGreaterThan(await difference(r.file, stored));
    // Not one byte of the metadata: no strings from it anywhere in the file.
    for (const s of ["Anna Beispiel", "Muster", "iPhone", "Apple", "Exif", "http://ns.adobe.com"]) expect(bytes.includes(s)).toBe(false);
  });

  it.skipIf(missing("exiftool"))("exiftool finds no GPS, make, model, artist, description, XMP or ICC in any output", async () => {
    const before = exiftool(fixture("whiteboard.jpg"));
    expect(Object.keys(before)).toEqual(expect.arrayContaining(["GPS:GPSLatitude", "IFD0:Make", "IFD0:Model", "IFD0:Artist", "IFD0:ImageDescription", "XMP-dc:Creator"]));
    for (const [name, profile] of [
      ["whiteboard.jpg", {}],
      ["whiteboard.jpg", { format: "webp", enhance: "whiteboard" }],
      ["flipchart.png", {}],
      ["flipchart.png", { thumbnail: true }],
    ] as const) {
      const r = await processPhoto(fixture(name), join(dir, "exif", JSON.stringify(profile).replace(/\W/g, "")), profile);
      expect(carried(exiftool(r.file)), `${name} ${JSON.stringify(profile)}`).toEqual([]);
      if (r.thumbnail) expect(carried(exiftool(r.thumbnail.file))).toEqual([]);
    }
  });

  it.skipIf(missing("exiftool"))(
    "every metadata carrier a phone, camera, scanner or editor writes is gone, in JPEG and WebP; orientation turns the pixels",
    async () => {
      const made = join(dir, "carriers");
      const inputs = await leakyPhotos(made);
      // The inputs really carry it: otherwise the test proves nothing.
      for (const tags of exiftoolAll(inputs.map(([input]) => input))) expect(JSON.stringify(tags)).toMatch(/Leak/);
      const outputs: string[] = [];
      for (const [input, turned] of inputs) {
        for (const format of ["jpeg", "webp"] as const) {
          const r = await processPhoto(input, join(made, "out", format), { format, thumbnail: true });
          outputs.push(r.file, r.thumbnail!.file);
          // Orientation 6 is applied to the pixels (the red left half turned to the top), not dropped.
          expect([r.width, r.height], input).toEqual(turned ? [64, 96] : [96, 64]);
          const red = await sharp(r.file).removeAlpha().resize(2, 2, { fit: "fill" }).raw().toBuffer();
          // Red of pixel (x, y): (0, 0) at 0, (1, 0) at 3, (0, 1) at 6.
          expect([red[0]! > 150, red[turned ? 6 : 3]! < 100], input).toEqual([true, true]);
        }
      }
      for (const [i, tags] of exiftoolAll(outputs).entries()) expect(carried(tags), outputs[i]).toEqual([]);
      for (const file of outputs) {
        const bytes = await readFile(file);
        for (const s of ["Leak", "Exif", "http://ns.adobe.com", "Photoshop", "acsp"]) expect(bytes.includes(s), `${file}: ${s}`).toBe(false);
      }
    },
  );

  it("flipchart.png: converted to JPEG (scan.png → scan.jpg), not resized below its size, PNG comment gone", async () => {
    expect((await sharp(fixture("flipchart.png")).metadata()).comments?.[0]?.text).toContain("Muster");
    const r = await processPhoto(fixture("flipchart.png"), join(dir, "b"), { thumbnail: true });
    expect(r.file).toBe(join(dir, "b", "flipchart.jpg"));
    expect(r.mime).toBe("image/jpeg");
    expect([r.width, r.height]).toEqual([1600, 1200]);
    const meta = await sharp(r.file).metadata();
    expect(meta.format).toBe("jpeg");
    expect(meta.comments).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(meta.exif).toBeUndefined();
    expect(meta.icc).toBeUndefined();
    expect((await readFile(r.file)).includes("Muster")).toBe(false);
    expect(r.thumbnail).toMatchObject({ file: join(dir, "b", "flipchart.thumb.jpg"), width: 512, height: 384, mime: "image/jpeg" });
  });

  it("fits a smaller max edge and writes WebP when asked", async () => {
    const r = await processPhoto(fixture("flipchart.png"), join(dir, "c"), { maxEdge: 800, format: "webp" });
    expect(r.file).toBe(join(dir, "c", "flipchart.webp"));
    expect([r.width, r.height, r.mime]).toEqual([800, 600, "image/webp"]);
    expect((await sharp(r.file).metadata()).format).toBe("webp");
  });

  it("a transparent PNG becomes JPEG on white, not black", async () => {
    const png = join(dir, "transparent.png");
    await sharp({ create: { width: 200, height: 100, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toFile(png);
    const r = await processPhoto(png, join(dir, "alpha"));
    const { channels } = await sharp(r.file).stats();
    expect(channels.map((c) => Math.round(c.mean))).toEqual([255, 255, 255]);
  });

  it("tiny.jpg: never enlarged", async () => {
    const r = await processPhoto(fixture("tiny.jpg"), join(dir, "d"), { maxEdge: 4096, thumbnail: true });
    expect([r.width, r.height]).toEqual([320, 240]);
    expect([r.thumbnail?.width, r.thumbnail?.height]).toEqual([320, 240]);
  });

  it("whiteboard enhancement: an even, white background and dark strokes", async () => {
    const plain = await processPhoto(fixture("whiteboard.jpg"), join(dir, "e1"));
    const enhanced = await processPhoto(fixture("whiteboard.jpg"), join(dir, "e2"), { enhance: "whiteboard" });
    const stats = async (f: string) => (await sharp(f).greyscale().stats()).channels[0]!;
    const [p, e] = [await stats(plain.file), await stats(enhanced.file)];
    // Background (the median-ish bulk) whiter, the image more contrasted, ink still dark.
    expect(e.mean).toBeGreaterThan(p.mean + 10);
    expect(e.mean).toBeGreaterThan(240);
    expect(e.min).toBeLessThan(80);
    // Evenness: the four corners of the board differ little after the flat-field correction.
    const corners = async (f: string) => {
      const { width, height } = await sharp(f).metadata();
      const at = (left: number, top: number) =>
        sharp(f).extract({ left, top, width: 64, height: 64 }).greyscale().stats().then((s) => s.channels[0]!.mean);
      return Promise.all([at(0, 0), at(width - 64, 0), at(0, height - 64), at(width - 64, height - 64)]);
    };
    const c = await corners(enhanced.file);
    expect(Math.max(...c) - Math.min(...c)).toBeLessThan(6);
  });

  it("whiteboard enhancement takes a strip a pixel or two wide as it is (was 'damaged or incomplete')", async () => {
    for (const [name, width, height] of [["dot", 1, 1], ["strip", 3000, 1], ["column", 2, 400], ["small", 15, 15]] as const) {
      const file = join(dir, `${name}.png`);
      await sharp({ create: { width, height, channels: 3, background: "#f0f0f0" } }).png().toFile(file);
      const r = await processPhoto(file, join(dir, `enhanced-${name}`), { enhance: "whiteboard" });
      expect([r.width, r.height], name).toEqual([Math.min(width, 2048), Math.max(1, Math.round(height * Math.min(1, 2048 / width)))]);
    }
  });

  it("refuses bad files with one catalogue line naming the file, and writes nothing", async () => {
    const out = join(dir, "bad");
    const empty = join(dir, "empty.jpg");
    await writeFile(empty, "");
    const heic = join(dir, "photo.heic");
    // An ISO-BMFF header of an iPhone HEIC: ftyp box, brand "heic" (the rest is missing): damaged.
    await writeFile(heic, Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from("ftypheic\0\0\0\0mif1heic", "latin1"), Buffer.alloc(64)]));
    const cases = [
      [fixture("corrupt.jpg"), 1, "media.photo.damaged"],
      [fixture("not-an-image.jpg"), 1, "media.photo.notImage"],
      [fixture("pixel-bomb.png"), 4, "media.photo.tooManyPixels"],
      [empty, 1, "media.empty"],
      [heic, 1, "media.photo.damaged"],
      [join(dir, "nope.jpg"), 2, "file.missing"],
    ] as const;
    for (const [file, code, key] of cases) {
      await expect(processPhoto(file, out), file).rejects.toMatchObject({ code, key, params: expect.objectContaining({ file }) as unknown });
    }
    expect(await readdir(out).catch(() => [])).toEqual([]);
  });

  it("refuses a JPEG whose scan data is corrupt (it came out with a flat block of colour), and takes one with a harmless warning", async () => {
    const out = join(dir, "strict");
    const corrupt = join(ROOT, "test", "fixtures", "corrupt-huffman.jpg");
    // libjpeg decodes it without an error, filling what it cannot read: the case to catch.
    await sharp(corrupt, { failOn: "truncated" }).toBuffer();
    await expect(processPhoto(corrupt, out)).rejects.toMatchObject({ code: 1, key: "media.photo.damaged", params: expect.objectContaining({ reason: expect.stringMatching(/bad Huffman code/) as unknown }) as unknown });
    // Three stray bytes before a marker, which libjpeg warns about and many cameras write: taken.
    const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#336699" } }).jpeg().toBuffer();
    const at = jpeg.indexOf(Buffer.from([0xff, 0xdb]));
    const stray = join(dir, "stray-bytes.jpg");
    await writeFile(stray, Buffer.concat([jpeg.subarray(0, at), Buffer.from([1, 2, 3]), jpeg.subarray(at)]));
    await expect(sharp(stray, { failOn: "warning" }).toBuffer()).rejects.toThrow(/extraneous bytes/);
    const r = await processPhoto(stray, out);
    expect([r.width, r.height]).toEqual([64, 48]);
  });

  it("refuses the pixel bomb from its header, quickly and without decoding 900 MP", async () => {
    const started = performance.now();
    const rss = process.memoryUsage().rss;
    await expect(processPhoto(fixture("pixel-bomb.png"), join(dir, "f"))).rejects.toMatchObject({ key: "media.photo.tooManyPixels", params: { megapixels: 900, limit: 100 } });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(process.memoryUsage().rss - rss).toBeLessThan(100 * 1024 * 1024);
  });

  it("does not overwrite an existing output", async () => {
    await processPhoto(fixture("tiny.jpg"), join(dir, "g"));
    await expect(processPhoto(fixture("tiny.jpg"), join(dir, "g"))).rejects.toMatchObject({ key: "file.exists" });
  });
});
