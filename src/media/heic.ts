/**
 * HEIC/HEIF (iPhone photos) through heic-decode: libheif compiled to WebAssembly, so no native
 * install is needed. The one door for heic-decode; src/media/photo.ts is its only caller.
 *
 * Orientation: HEIF's normative transforms (`irot`, `imir`) are applied by libheif while
 * decoding. iPhones also copy the rotation into the EXIF Orientation tag; applying it as well
 * would turn the photo twice, so EXIF Orientation is honoured only when the file carries no
 * transform box (encoders that converted a JPEG and kept its orientation in EXIF alone).
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { deflateSync } from "node:zlib";

/** Decoded pixels, upright as far as the container says, plus the EXIF orientation still to apply (1 = none). */
export interface HeicPixels {
  readonly width: number;
  readonly height: number;
  /** RGBA, 8 bits per channel. */
  readonly data: Buffer;
  /** EXIF orientation 1–8 that the caller must still apply (1 when the container's transform was applied). */
  readonly orientation: number;
}

/** HEVC-coded HEIF brands: what heic-decode (libheif with an HEVC decoder only) reads. */
const HEVC_BRANDS = ["heic", "heix", "hevc", "hevx", "heim", "heis"];
/** The general HEIF brands, also the major brand of some AVIF files (AV1-coded, which sharp reads). */
const GENERAL_BRANDS = ["mif1", "msf1"];
const AV1_BRANDS = ["avif", "avis"];

/** How many leading bytes `isHeicHeader` looks at (an `ftyp` box with its compatible brands). */
export const HEIC_HEAD_BYTES = 64;

/**
 * Does the buffer start like an HEVC-coded HEIF image: an `ftyp` box whose major brand is an HEVC
 * brand, or a general one (`mif1`, `msf1`) with an HEVC brand and no AV1 brand among the
 * compatible ones? An AVIF whose major brand is `mif1` is no HEIC: sharp decodes it.
 */
export function isHeicHeader(head: Uint8Array): boolean {
  const bytes = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (bytes.length < 12 || bytes.toString("latin1", 4, 8) !== "ftyp") return false;
  const major = bytes.toString("latin1", 8, 12);
  if (HEVC_BRANDS.includes(major)) return true;
  if (!GENERAL_BRANDS.includes(major)) return false;
  const end = Math.min(bytes.readUInt32BE(0), bytes.length);
  const compatible: string[] = [];
  for (let at = 16; at + 4 <= end; at += 4) compatible.push(bytes.toString("latin1", at, at + 4));
  return compatible.some((b) => HEVC_BRANDS.includes(b)) && !compatible.some((b) => AV1_BRANDS.includes(b));
}

/**
 * Decode `file` (a HEIC/HEIF the caller recognised) to RGBA. `exif` is the file's EXIF block as
 * sharp's header read returns it (with or without the `Exif\0\0` prefix). Throws the decoder's
 * Error for damaged or truncated files; the caller turns it into a user line.
 */
export async function decodeHeic(file: string, exif: Buffer | undefined): Promise<HeicPixels> {
  const buffer = await readFile(file);
  const { default: decode } = await import("heic-decode");
  const image = await quietly(() => decode({ buffer }));
  const orientation = hasTransformBox(buffer) ? 1 : exifOrientation(exif);
  return { width: image.width, height: image.height, data: Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), orientation };
}

/** Decodes under way; console.log is libheif's while any is. */
let decoding = 0;
let consoleLog: typeof console.log | undefined;

/**
 * Run `work` with console.log silenced: libheif's WebAssembly build logs a failed decode there
 * ("Decoding image failed" and the handle's object dump), onto stdout, where it broke `--json`.
 * The failure itself reaches the caller as an Error. nachklang writes nothing through console.log.
 */
/* eslint-disable no-console -- silencing a library's console.log is the point here */
async function quietly<T>(work: () => Promise<T>): Promise<T> {
  if (decoding++ === 0) {
    consoleLog = console.log;
    console.log = () => undefined;
  }
  try {
    return await work();
  } finally {
    if (--decoding === 0 && consoleLog !== undefined) console.log = consoleLog;
  }
}
/* eslint-enable no-console */

interface Box {
  readonly type: string;
  /** Offset of the payload (after size, type and, for a full box, version and flags). */
  readonly start: number;
  readonly end: number;
}

/** The boxes between `from` and `to`; stops quietly at a malformed size (decoding reports damage). */
function boxes(buffer: Buffer, from: number, to: number): Box[] {
  const found: Box[] = [];
  let at = from;
  while (at + 8 <= to) {
    let size = buffer.readUInt32BE(at);
    const type = buffer.toString("latin1", at + 4, at + 8);
    let header = 8;
    if (size === 1) {
      if (at + 16 > to) break;
      size = Number(buffer.readBigUInt64BE(at + 8));
      header = 16;
    } else if (size === 0) size = to - at;
    if (size < header || at + size > to) break;
    found.push({ type, start: at + header, end: at + size });
    at += size;
  }
  return found;
}

/** Does the file's item property container (meta › iprp › ipco) hold a rotation or mirror? */
export function hasTransformBox(buffer: Buffer): boolean {
  const meta = boxes(buffer, 0, buffer.length).find((b) => b.type === "meta");
  if (!meta) return false;
  const iprp = boxes(buffer, meta.start + 4, meta.end).find((b) => b.type === "iprp"); // meta is a full box
  if (!iprp) return false;
  const ipco = boxes(buffer, iprp.start, iprp.end).find((b) => b.type === "ipco");
  if (!ipco) return false;
  return boxes(buffer, ipco.start, ipco.end).some((b) => b.type === "irot" || b.type === "imir");
}

/** The Orientation tag (0x0112) of IFD0 in a TIFF-structured EXIF block; 1 when absent or unreadable. */
export function exifOrientation(exif: Buffer | undefined): number {
  if (!exif) return 1;
  const tiff = exif.toString("latin1", 0, 6) === "Exif\0\0" ? exif.subarray(6) : exif;
  if (tiff.length < 8) return 1;
  const order = tiff.toString("latin1", 0, 2);
  if (order !== "II" && order !== "MM") return 1;
  const le = order === "II";
  const u16 = (at: number) => (le ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (le ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  const ifd = u32(4);
  if (ifd + 2 > tiff.length) return 1;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > tiff.length) return 1;
    if (u16(entry) === 0x0112) {
      const value = u16(entry + 8);
      return value >= 1 && value <= 8 ? value : 1;
    }
  }
  return 1;
}

/**
 * For `doctor`: the heic-decode version once its WebAssembly decoder has loaded, or the reason
 * it could not (never throws).
 */
export async function heicDecoderStatus(): Promise<{ ok: true; version: string } | { ok: false; reason: string }> {
  try {
    await import("heic-decode");
    const require = createRequire(import.meta.url);
    const pkg = require("heic-decode/package.json") as { version?: string };
    return { ok: true, version: pkg.version ?? "?" };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message.split("\n")[0]! : String(error) };
  }
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * The PNG with `icc` embedded as its colour profile (an `iCCP` chunk right after `IHDR`), so that
 * sharp converts the decoded pixels from the photo's own colour space (an iPhone's Display P3) to
 * sRGB, as it does for a JPEG with a profile. sharp cannot tag raw pixels with a profile itself.
 */
export function pngWithProfile(png: Buffer, icc: Buffer): Buffer {
  const ihdrEnd = 8 + 12 + png.readUInt32BE(8); // signature, then IHDR: length, type, data, CRC
  const data = Buffer.concat([Buffer.from("icc\0\0", "latin1"), deflateSync(icc)]); // name, NUL, method 0
  const typed = Buffer.concat([Buffer.from("iCCP", "latin1"), data]);
  const chunk = Buffer.alloc(typed.length + 8);
  chunk.writeUInt32BE(data.length, 0);
  typed.copy(chunk, 4);
  chunk.writeUInt32BE(crc32(typed), typed.length + 4);
  return Buffer.concat([png.subarray(0, ihdrEnd), chunk, png.subarray(ihdrEnd)]);
}
