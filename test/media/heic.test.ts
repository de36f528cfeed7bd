/**
 * HEIC (iPhone) photos through the real CLI: decoded by heic-decode (WebAssembly), turned upright,
 * every tag gone, JPEG out — by `media photo` and inside a sealed bundle from `seal`.
 */
import { readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, initHome, runCli } from "../helpers/cli.js";
import { hasCommand } from "../helpers/tools.js";
import { decodeHeic, exifOrientation, hasTransformBox, isHeicHeader } from "../../src/media/heic.js";
import { processPhoto } from "../../src/media/photo.js";
import { exiftool } from "./inspect.js";

/** Stored 320×200 (left red, right blue), EXIF Orientation 6, GPS, Artist: see test/fixtures/README.md. */
const HEIC = join(ROOT, "test", "fixtures", "gps-rotated.heic");

let home: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ home, cleanup } = await initHome()));
afterAll(() => cleanup());

/** Upright means 200×320 with red on top and blue below; clean means no metadata at all. */
async function expectCleanUprightJpeg(file: string): Promise<void> {
  const meta = await sharp(file).metadata();
  expect(meta.format).toBe("jpeg");
  expect([meta.width, meta.height]).toEqual([200, 320]);
  expect(meta.exif).toBeUndefined();
  expect(meta.xmp).toBeUndefined();
  expect(meta.orientation).toBeUndefined();
  // stats() describes a pipeline's input: cut the region out first.
  const colour = async (top: number) => {
    const region = await sharp(file).extract({ left: 50, top, width: 100, height: 60 }).png().toBuffer();
    return (await sharp(region).stats()).channels.map((c) => Math.round(c.mean));
  };
  const [r1, , b1] = await colour(40);
  const [r2, , b2] = await colour(220);
  expect(r1).toBeGreaterThan(150);
  expect(b1).toBeLessThan(90);
  expect(b2).toBeGreaterThan(150);
  expect(r2).toBeLessThan(90);
  if (hasCommand("exiftool")) {
    const tags = JSON.stringify(exiftool(file));
    expect(tags).not.toMatch(/GPS|Artist|Dr\. Example|Orientation/);
  }
}

describe("HEIC photos", () => {
  it("the fixture really is a rotated HEIC with GPS (so the test below can fail)", async () => {
    const meta = await sharp(HEIC).metadata();
    expect(meta.compression).toBe("hevc");
    expect([meta.width, meta.height]).toEqual([320, 200]);
    expect(exifOrientation(meta.exif)).toBe(6);
    expect(meta.exif?.includes(Buffer.from("Dr. Example"))).toBe(true);
  });

  it("media photo: a clean upright JPEG", async () => {
    const out = join(home, "..", "photos");
    const r = await runCli(["media", "photo", HEIC, "--out", out], { home });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${join(out, "gps-rotated.jpg")} (200×320`);
    expect(await readdir(out)).toEqual(["gps-rotated.jpg"]);
    await expectCleanUprightJpeg(join(out, "gps-rotated.jpg"));
  });

  it("seal: the bundle holds a clean upright JPEG", async () => {
    const work = join(home, "..", "seal");
    expect((await runCli(["client", "add", "k042"], { home })).code).toBe(0);
    const sealed = await runCli(["--json", "seal", HEIC, "--to", "k042", "--out", join(work, "b.age")], { home });
    expect(sealed.code, sealed.stderr).toBe(0);
    const { items } = JSON.parse(sealed.stdout) as { items: { path: string; mime: string }[] };
    expect(items.map((i) => i.mime)).toEqual(["image/jpeg"]);
    const opened = await runCli(["open", join(work, "b.age"), "--out", join(work, "open")], { home });
    expect(opened.code, opened.stderr).toBe(0);
    await expectCleanUprightJpeg(join(work, "open", items[0]!.path));
  });

  it("seal takes .heif (and upper-case .HEIC) as photos too", async () => {
    const work = join(home, "..", "seal-heif");
    const { mkdir, copyFile } = await import("node:fs/promises");
    await mkdir(work, { recursive: true });
    await copyFile(HEIC, join(work, "IMG_0002.heif"));
    await copyFile(HEIC, join(work, "IMG_0003.HEIC"));
    const sealed = await runCli(["--json", "seal", "IMG_0002.heif", "IMG_0003.HEIC", "--to", "k042", "--out", "c.age"], { home, cwd: work });
    expect(sealed.code, sealed.stderr).toBe(0);
    const { items } = JSON.parse(sealed.stdout) as { items: { path: string; mime: string; width?: number; height?: number }[] };
    expect(items.map((i) => [i.mime, i.width, i.height])).toEqual([
      ["image/jpeg", 200, 320],
      ["image/jpeg", 200, 320],
    ]);
  });

  it("doctor says HEIC photos are readable and names the decoder", async () => {
    const r = await runCli(["doctor"], { home });
    expect(r.stdout).toMatch(/HEIC\/HEIF photos \(iPhone\): readable with heic-decode \d+\.\d+\.\d+ \(libheif as WebAssembly\)/);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/cannot read HEIC/);
  });

  it("a Display P3 photo (as iPhones store colour) comes out in sRGB with the same colours", async () => {
    const P3 = join(ROOT, "test", "fixtures", "p3.heic");
    expect((await sharp(P3).metadata()).icc?.length).toBeGreaterThan(0);
    const out = join(home, "..", "p3");
    const r = await runCli(["media", "photo", P3, "--out", out], { home });
    expect(r.code, r.stderr).toBe(0);
    const file = join(out, "p3.jpg");
    expect((await sharp(file).metadata()).icc).toBeUndefined();
    const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
    const px = (x: number, y: number) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3)];
    const near = (got: number[], want: number[]) => got.every((v, i) => Math.abs(v - want[i]!) <= 6);
    expect(near(px(10, 20), [200, 40, 40]), String(px(10, 20))).toBe(true);
    expect(near(px(50, 20), [40, 160, 60]), String(px(50, 20))).toBe(true);
  });

  it("a truncated HEIC: exit 1, one line saying it is damaged, nothing written", async () => {
    const out = join(home, "..", "bad");
    const cut = join(home, "..", "cut.heic");
    await writeFile(cut, (await readFile(HEIC)).subarray(0, 700));
    const r = await runCli(["media", "photo", cut, "--out", out], { home });
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/cut\.heic: the image is damaged or incomplete/);
    expect(await readdir(out).catch(() => [])).toEqual([]);
  });
});

describe("a HEIC whose header reads but whose image does not decode", () => {
  it("is one line (exit 1) and, with --json, JSON alone on stdout: libheif's log of the failure stays out", async () => {
    const out = join(home, "..", "bad-json");
    const cut = join(home, "..", "cut-image.heic");
    // p3.heic without its last bytes: sharp reads its header, libheif fails on the image data.
    const p3 = await readFile(join(ROOT, "test", "fixtures", "p3.heic"));
    await writeFile(cut, p3.subarray(0, 1000));
    for (const json of [true, false]) {
      const r = await runCli([...(json ? ["--json"] : []), "media", "photo", cut, "--out", out], { home });
      expect(r.code).toBe(1);
      if (json) expect((JSON.parse(r.stdout) as { error: { code: string } }).error.code).toBe("media.photo.damaged");
      else expect([r.stdout, r.stderr.trimEnd().split("\n").length]).toEqual(["", 1]);
      expect(r.stdout + r.stderr).not.toMatch(/Decoding image failed|heif_image_handle/);
    }
  });
});

describe("a HEIC turned by its container (irot) whose EXIF says the same, as iPhones write them", () => {
  /** gps-rotated.heic with an `irot` (270° anticlockwise, what EXIF 6 says) spliced in: test/fixtures/README.md. */
  const IROT = join(ROOT, "test", "fixtures", "irot-exif6.heic");

  it("the fixture carries both, and heic-decode applies the irot itself (so EXIF must not be applied again)", async () => {
    const exif = (await sharp(IROT).metadata()).exif;
    expect(hasTransformBox(await readFile(IROT))).toBe(true);
    expect(exifOrientation(exif)).toBe(6);
    const pixels = await decodeHeic(IROT, exif);
    expect([pixels.width, pixels.height, pixels.orientation]).toEqual([200, 320, 1]);
  });

  it("media photo: upright exactly once (200×320, red on top), not turned a second time by EXIF", async () => {
    const out = join(home, "..", "irot");
    const r = await runCli(["media", "photo", IROT, "--out", out], { home });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${join(out, "irot-exif6.jpg")} (200×320`);
    await expectCleanUprightJpeg(join(out, "irot-exif6.jpg"));
  });

  it("the container's turn wins over an EXIF orientation that says something else", async () => {
    const patched = await readFile(IROT);
    // The Orientation entry of the little-endian IFD0: tag 0x0112, type SHORT, count 1, value 6.
    const entry = patched.indexOf(Buffer.from([0x12, 0x01, 0x03, 0x00, 1, 0, 0, 0, 6, 0]));
    expect(entry).toBeGreaterThan(0);
    patched[entry + 8] = 3; // "turn 180°": applied on top of the irot it would put blue on top
    const file = join(home, "..", "irot-exif3.heic");
    await writeFile(file, patched);
    expect(exifOrientation((await sharp(file).metadata()).exif)).toBe(3);
    const ours = await processPhoto(file, join(home, "..", "irot-exif3"));
    await expectCleanUprightJpeg(ours.file);
  });
});

describe("every EXIF orientation (1–8) turns a HEIC as sharp turns a JPEG", () => {
  const QUADRANTS = join(ROOT, "test", "fixtures", "quadrants.heic");
  /** The colour class (r, g, b, w) at the centre of each quadrant: top left, top right, bottom left, bottom right. */
  async function layout(file: string | Buffer): Promise<string> {
    const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
    const at = (fx: number, fy: number) => {
      const i = (Math.floor(info.height * fy) * info.width + Math.floor(info.width * fx)) * info.channels;
      const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
      return r > 180 && g > 180 && b > 180 ? "w" : r > 150 ? "r" : g > 150 ? "g" : b > 150 ? "b" : "?";
    };
    return `${info.width}x${info.height} ${at(0.25, 0.25)}${at(0.75, 0.25)}${at(0.25, 0.75)}${at(0.75, 0.75)}`;
  }

  it("matches for 1–8", async () => {
    const original = await readFile(QUADRANTS);
    // The Orientation entry of the big-endian IFD0: tag 0x0112, type SHORT, count 1, value.
    const entry = original.indexOf(Buffer.from([0x01, 0x12, 0x00, 0x03, 0, 0, 0, 1, 0, 1]));
    expect(entry).toBeGreaterThan(0);
    const dir = join(home, "..", "orientations");
    const upright = await processPhoto(QUADRANTS, join(dir, "1"));
    expect(await layout(upright.file)).toBe("320x200 rgbw");
    const stored = await sharp(upright.file).raw().toBuffer({ resolveWithObject: true });
    const seen = new Set<string>();
    for (let o = 1; o <= 8; o++) {
      const patched = Buffer.from(original);
      patched[entry + 9] = o;
      const heic = join(dir, `o${o}.heic`);
      await writeFile(heic, patched);
      const ours = await processPhoto(heic, join(dir, `out${o}`));
      const jpeg = await sharp(stored.data, { raw: stored.info }).jpeg().withMetadata({ orientation: o }).toBuffer();
      const expected = await sharp(jpeg).autoOrient().png().toBuffer();
      const got = await layout(ours.file);
      expect(got, `orientation ${o}`).toBe(await layout(expected));
      seen.add(got);
    }
    expect(seen.size).toBe(8); // eight different results: the test tells every case apart
  });
});

describe("HEIC container reading", () => {
  const box = (type: string, payload: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, 0]), Buffer.from(type, "latin1"), payload]).fill(0, 0, 0);
  const sized = (b: Buffer) => (b.writeUInt32BE(b.length, 0), b);
  const file = (props: string[]) =>
    Buffer.concat([
      sized(box("ftyp", Buffer.from("heic\0\0\0\0mif1heic", "latin1"))),
      sized(box("meta", Buffer.concat([Buffer.alloc(4), sized(box("iprp", sized(box("ipco", Buffer.concat(props.map((p) => sized(box(p, Buffer.alloc(1))))))))) ]))),
    ]);

  it("knows HEIC by its brands, and an AVIF whose major brand is mif1 as no HEIC (sharp reads it; heic-decode cannot)", () => {
    const ftyp = (major: string, ...compatible: string[]) => sized(box("ftyp", Buffer.from(`${major}\0\0\0\0${compatible.join("")}`, "latin1")));
    expect(isHeicHeader(ftyp("heic", "mif1", "heic"))).toBe(true);
    expect(isHeicHeader(ftyp("mif1", "mif1", "heic"))).toBe(true);
    expect(isHeicHeader(ftyp("msf1", "msf1", "hevc"))).toBe(true);
    expect(isHeicHeader(ftyp("mif1", "mif1", "avif", "miaf"))).toBe(false);
    expect(isHeicHeader(ftyp("mif1", "mif1", "miaf"))).toBe(false);
    expect(isHeicHeader(ftyp("avif", "mif1", "avif"))).toBe(false);
    expect(isHeicHeader(ftyp("isom", "isom", "mp41"))).toBe(false);
    expect(isHeicHeader(ftyp("heic").subarray(0, 10))).toBe(false);
  });

  it("a real AVIF with the major brand mif1 is prepared as a photo", async () => {
    const { default: sharp } = await import("sharp");
    const avif = await sharp({ create: { width: 32, height: 24, channels: 3, background: "#208040" } }).avif().toBuffer();
    expect(avif.toString("latin1", 8, 12)).toBe("avif");
    avif.write("mif1", 8, "latin1");
    const file = join(home, "..", "mif1.avif");
    await writeFile(file, avif);
    const out = join(home, "..", "mif1-out");
    const r = await runCli(["--json", "media", "photo", file, "--out", out], { home });
    expect(r.code, r.stderr).toBe(0);
    expect(await readdir(out)).toEqual(["mif1.jpg"]);
  });

  it("finds irot/imir in meta › iprp › ipco, and nothing elsewhere", () => {
    expect(isHeicHeader(file([]))).toBe(true);
    expect(hasTransformBox(file(["ispe", "irot"]))).toBe(true);
    expect(hasTransformBox(file(["imir"]))).toBe(true);
    expect(hasTransformBox(file(["ispe", "colr"]))).toBe(false);
    expect(hasTransformBox(Buffer.concat([file(["ispe"]), sized(box("irot", Buffer.alloc(1)))]))).toBe(false);
    expect(hasTransformBox(file(["irot"]).subarray(0, 30))).toBe(false);
  });

  it("reads EXIF Orientation in both byte orders, with and without the Exif prefix", () => {
    const ifd = (le: boolean, value: number) => {
      const b = Buffer.alloc(26);
      b.write(le ? "II" : "MM", 0, "latin1");
      const u16 = (v: number, at: number) => (le ? b.writeUInt16LE(v, at) : b.writeUInt16BE(v, at));
      const u32 = (v: number, at: number) => (le ? b.writeUInt32LE(v, at) : b.writeUInt32BE(v, at));
      u16(42, 2);
      u32(8, 4);
      u16(1, 8);
      u16(0x0112, 10);
      u16(3, 12);
      u32(1, 14);
      u16(value, 18);
      return b;
    };
    for (const value of [1, 3, 6, 8]) {
      expect(exifOrientation(ifd(true, value))).toBe(value);
      expect(exifOrientation(ifd(false, value))).toBe(value);
      expect(exifOrientation(Buffer.concat([Buffer.from("Exif\0\0", "latin1"), ifd(true, value)]))).toBe(value);
    }
    expect(exifOrientation(ifd(true, 9))).toBe(1);
    expect(exifOrientation(undefined)).toBe(1);
    expect(exifOrientation(Buffer.from("nonsense"))).toBe(1);
  });
});
