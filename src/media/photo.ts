/**
 * Photos through sharp (libvips): upright, fitted, sRGB, JPEG/WebP, no metadata at all.
 * sharp writes no metadata unless asked to (`keepMetadata`/`withMetadata` are never called here),
 * which also drops the ICC profile after converting to sRGB; the tests read outputs back with
 * exiftool to prove it.
 */
import { open, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type sharpModule from "sharp";
import type { Sharp } from "sharp";
import { ExitCode, PolicyError, UserError } from "../errors.js";
import { withPrivateTemp } from "../temp.js";
import { checkInput, outputPath, placeOutput, sha256File } from "./files.js";
import { decodeHeic, HEIC_HEAD_BYTES, isHeicHeader, pngWithProfile } from "./heic.js";
import type { PhotoProfile, ProcessedImage, ProcessedPhoto } from "./types.js";

/** sharp (and libvips with it) loads with the first photo: a command that processes none never loads it. */
let sharpLoaded: Promise<typeof sharpModule> | undefined;
export const loadSharp = (): Promise<typeof sharpModule> => (sharpLoaded ??= import("sharp").then((m) => m.default));

export const PHOTO_DEFAULTS = { maxEdge: 2048, format: "jpeg", jpegQuality: 82, webpQuality: 80, maxPixels: 100_000_000, thumbnailEdge: 512 } as const;

/** The profile with every default filled in: what the cache key is made of. */
export function normalisePhotoProfile(profile: PhotoProfile): Required<Omit<PhotoProfile, "enhance">> & { enhance: "whiteboard" | "none" } {
  const format = profile.format ?? PHOTO_DEFAULTS.format;
  const maxEdge = profile.maxEdge ?? PHOTO_DEFAULTS.maxEdge;
  if (!Number.isInteger(maxEdge) || maxEdge < 16 || maxEdge > 16384) throw new RangeError(`maxEdge must be an integer from 16 to 16384, not ${maxEdge}`);
  const quality = profile.quality ?? (format === "webp" ? PHOTO_DEFAULTS.webpQuality : PHOTO_DEFAULTS.jpegQuality);
  if (!Number.isInteger(quality) || quality < 1 || quality > 100) throw new RangeError(`quality must be an integer from 1 to 100, not ${quality}`);
  return {
    maxEdge,
    format,
    quality,
    enhance: profile.enhance ?? "none",
    thumbnail: profile.thumbnail ?? false,
    maxPixels: profile.maxPixels ?? PHOTO_DEFAULTS.maxPixels,
  };
}

/** Does the file start like an ISO-BMFF HEIC/HEIF image (iPhone photos)? */
async function looksLikeHeic(file: string): Promise<boolean> {
  const handle = await open(file, "r");
  try {
    const head = Buffer.alloc(HEIC_HEAD_BYTES);
    const { bytesRead } = await handle.read(head, 0, HEIC_HEAD_BYTES, 0);
    return isHeicHeader(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

/** Turn a sharp/libvips (or HEIC decoder) failure into one line naming the file. */
function photoError(file: string, error: unknown): UserError {
  const message = error instanceof Error ? error.message : String(error);
  if (/unsupported image format/i.test(message)) return new UserError(ExitCode.failure, "media.photo.notImage", { file }, { cause: error });
  const reason = message.replace(/^Vips\w*: /, "").split("\n")[0]?.trim() ?? message;
  return new UserError(ExitCode.failure, "media.photo.damaged", { file, reason }, { cause: error });
}

/** EXIF orientation (1–8) → the mirror and turn that make raw pixels upright (sharp mirrors before it rotates). */
const UPRIGHT: Record<number, { flop?: boolean; flip?: boolean; rotate?: number }> = {
  1: {},
  2: { flop: true },
  3: { rotate: 180 },
  4: { flip: true },
  5: { flop: true, rotate: 270 },
  6: { rotate: 90 },
  7: { flop: true, rotate: 90 },
  8: { rotate: 270 },
};

/** What sharp's header read tells about a HEIC that decoding must know. */
interface HeicFacts {
  readonly exif: Buffer | undefined;
  readonly icc: Buffer | undefined;
  readonly hasAlpha: boolean;
}

type FailOn = "truncated" | "warning";

/**
 * Whether a decoder's complaint says the image data itself is damaged (a JPEG's entropy-coded
 * data: "Corrupt JPEG data: bad Huffman code"), as opposed to a warning that costs no pixels
 * ("… extraneous bytes before marker", which many cameras write). libjpeg reports the former as
 * a warning too and fills what it cannot decode with one colour.
 */
function corruptData(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /Corrupt JPEG data: (?!\d+ extraneous bytes)|Huffman/i.test(message);
}

/**
 * The start of the pipeline for one input: sharp on the file (EXIF orientation applied), or for
 * HEIC/HEIF the pixels decoded by heic-decode (WebAssembly; the prebuilt libvips has no HEVC
 * decoder), turned upright. Raw pixels carry no metadata, so GPS and author are gone either way.
 */
async function uprightImage(input: string, heic: HeicFacts | undefined, maxPixels: number, failOn: FailOn): Promise<Sharp> {
  const sharp = await loadSharp();
  if (!heic) return sharp(input, { limitInputPixels: maxPixels, failOn }).autoOrient();
  const pixels = await decodeHeic(input, heic.exif);
  const turn = UPRIGHT[pixels.orientation] ?? {};
  let image = sharp(pixels.data, { raw: { width: pixels.width, height: pixels.height, channels: 4 }, limitInputPixels: maxPixels });
  if (!heic.hasAlpha) image = image.removeAlpha();
  if (heic.icc) {
    // The pixels are in the photo's colour space (iPhones: Display P3): carry its profile into
    // the pipeline (a PNG, stored uncompressed) so the conversion to sRGB uses it.
    const png = await image.png({ compressionLevel: 0 }).toBuffer();
    image = sharp(pngWithProfile(png, heic.icc), { limitInputPixels: maxPixels });
  }
  if (turn.flop) image = image.flop();
  if (turn.flip) image = image.flip();
  if (turn.rotate) image = image.rotate(turn.rotate);
  return image;
}

/**
 * Prepare one photo for sending: upright (EXIF orientation), fitted inside `profile.maxEdge`
 * (never enlarged), sRGB, JPEG or WebP, with no metadata at all. Writes
 * `<outDir>/<name>.<jpg|webp>` (and `<name>.thumb.jpg` when `profile.thumbnail`); `name` defaults
 * to the input's base name (files.ts `distinctOutputNames` keeps several inputs apart).
 *
 * HEIC/HEIF (iPhone) photos are decoded by heic-decode (WebAssembly) and go the same way.
 *
 * Throws `UserError` naming `input` for: a missing (exit 2) or empty file, a folder (exit 2),
 * a file that is not an image, a truncated/damaged image (HEIC too) — exit 1 — and `PolicyError` (exit 4) for more pixels than `profile.maxPixels`,
 * refused from the header before decoding. Throws `UserError(file.exists)` rather than
 * overwrite an existing output. On any failure no output file is left behind. Other
 * exceptions (RangeError for an invalid profile) are bugs in the caller.
 */
export async function processPhoto(input: string, outDir: string, profile: PhotoProfile = {}, name?: string): Promise<ProcessedPhoto> {
  const sharp = await loadSharp();
  const p = normalisePhotoProfile(profile);
  await checkInput(input, "photo");
  // Read the header only: refuse pixel bombs before any decoding.
  let width: number, height: number;
  let heic: HeicFacts | undefined;
  try {
    const meta = await sharp(input, { limitInputPixels: false }).metadata();
    width = meta.width;
    height = meta.height;
    if (await looksLikeHeic(input)) heic = { exif: meta.exif, icc: meta.icc, hasAlpha: meta.hasAlpha };
  } catch (error) {
    throw photoError(input, error);
  }
  if (width * height > p.maxPixels) {
    throw new PolicyError("media.photo.tooManyPixels", {
      file: input,
      megapixels: Math.round((width * height) / 1e6),
      limit: Math.round(p.maxPixels / 1e6),
    });
  }
  const ext = p.format === "webp" ? ".webp" : ".jpg";
  const dest = outputPath(input, outDir, ext, name);
  const thumbDest = outputPath(input, outDir, ".thumb.jpg", name);
  return withPrivateTemp(async (tmp) => {
    const main = join(tmp, "photo" + ext);
    const prepare = async (failOn: FailOn) => {
      let image = (await uprightImage(input, heic, p.maxPixels, failOn)).resize({ width: p.maxEdge, height: p.maxEdge, fit: "inside", withoutEnlargement: true });
      if (p.enhance === "whiteboard") image = await enhanceWhiteboard(image);
      image = image.toColourspace("srgb");
      // JPEG has no transparency: put transparent screenshots on white, not on black.
      image = p.format === "webp" ? image.webp({ quality: p.quality }) : image.flatten({ background: "#ffffff" }).jpeg({ quality: p.quality, progressive: true });
      await image.toFile(main);
    };
    try {
      // Strict first: a JPEG whose data is corrupt decodes "fine" into a flat block of colour.
      await prepare("warning").catch(async (error: unknown) => {
        if (corruptData(error)) throw error;
        // A warning that is no damage (bytes after the image, a known odd colour profile).
        await prepare("truncated");
      });
    } catch (error) {
      throw photoError(input, error);
    }
    const result = await describeImage(main, p.format === "webp" ? "image/webp" : "image/jpeg", dest);
    let thumbnail: ProcessedImage | undefined;
    if (p.thumbnail) {
      const thumb = join(tmp, "thumb.jpg");
      await sharp(main)
        .resize({ width: PHOTO_DEFAULTS.thumbnailEdge, height: PHOTO_DEFAULTS.thumbnailEdge, fit: "inside", withoutEnlargement: true })
        .jpeg({ quality: 75 })
        .toFile(thumb);
      thumbnail = await describeImage(thumb, "image/jpeg", thumbDest);
      await placeOutput(thumb, thumbDest);
    }
    try {
      await placeOutput(main, dest);
    } catch (error) {
      if (thumbnail) await rm(thumbDest, { force: true });
      throw error;
    }
    return thumbnail ? { ...result, thumbnail } : result;
  }, "nachklang-photo-");
}

async function describeImage(file: string, mime: ProcessedImage["mime"], finalPath: string): Promise<ProcessedImage> {
  const sharp = await loadSharp();
  const meta = await sharp(file).metadata();
  return { file: finalPath, mime, width: meta.width, height: meta.height, bytes: (await stat(file)).size, sha256: await sha256File(file) };
}

/**
 * Whiteboard enhancement: estimate the board's background (lighting, shadows, colour cast) from
 * a small copy through a median and a blur — strokes are thin, so at 1/16 scale the median
 * removes them — then divide the photo by it (flat field: the board turns evenly white), stretch the
 * contrast and sharpen the strokes. Colours of markers survive (the division is per channel).
 */
async function enhanceWhiteboard(image: Sharp): Promise<Sharp> {
  const sharp = await loadSharp();
  const { data, info } = await image.toColourspace("srgb").removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const raw = { width: info.width, height: info.height, channels: info.channels };
  // A strip a few pixels high or wide is no board: its filters' windows (3×3, 7×7) would not fit.
  if (info.width < 16 || info.height < 16) return sharp(data, { raw });
  const smallW = Math.max(8, Math.round(info.width / 16));
  const smallH = Math.max(8, Math.round(info.height / 16));
  // Background estimate, inverted: colour-dodge computes base / (1 - top) = base / background.
  // (Two pipelines: sharp applies only one resize per pipeline.)
  const small = await sharp(data, { raw }).resize(smallW, smallH, { fit: "fill" }).median(7).blur(2).raw().toBuffer({ resolveWithObject: true });
  const background = await sharp(small.data, { raw: { width: small.info.width, height: small.info.height, channels: small.info.channels } })
    .resize(info.width, info.height, { fit: "fill", kernel: "linear" })
    .negate()
    .raw()
    .toBuffer();
  const flat = await sharp(data, { raw })
    .composite([{ input: background, raw, blend: "colour-dodge" }])
    .removeAlpha() // composite adds an alpha channel
    .raw()
    .toBuffer();
  // Clean up: a small median removes sensor grain, `linear` maps everything above ~88 % grey
  // to white (the board) and darkens ink, `sharpen` restores edges softened by the phone.
  return sharp(flat, { raw }).median(3).linear(1.3, -44).sharpen({ sigma: 1 });
}
