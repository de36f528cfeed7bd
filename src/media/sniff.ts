/**
 * What a file is by its first bytes, for files whose name does not say (`scan.jfif` saved by a
 * browser, a photo without an extension, a recording renamed `.dat`): a photo or a recording
 * carries where and when it was taken in its tags whatever its name, so `seal` prepares it by
 * what it is. Only the signatures of the formats the media pipeline reads, and of the containers
 * films and recordings come in (MP4/QuickTime, Matroska, ASF, AVI, MPEG-TS/PS, FLV), which may
 * hold either: `seal` asks ffprobe what such a file holds. Anything else is undefined; text with
 * a byte-order mark is text, though UTF-16's looks like an MPEG frame.
 */
import { open } from "node:fs/promises";
import { NAMED_READ_FLAGS } from "../files.js";

/** "container": a film or a recording, as ffprobe will tell (ffmpeg.ts `containerHolds`). */
export type SniffedKind = "photo" | "audio" | "container";

/** How many leading bytes the signatures need (an MPEG transport stream's third packet). */
export const SNIFF_BYTES = 400;

const ascii = (bytes: Uint8Array, at: number, text: string) => Buffer.from(bytes.subarray(at, at + text.length)).toString("latin1") === text;

/** ISO base media (`ftyp` box): the brands of still images, of audio-only files, the rest films or recordings. */
const STILL_BRANDS = new Set(["heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1", "avif", "avis"]);
const AUDIO_BRANDS = new Set(["M4A ", "M4B ", "M4P ", "F4A ", "F4B "]);
/** QuickTime files that do not begin with `ftyp` begin with one of these atoms. */
const QUICKTIME_ATOMS = ["moov", "mdat", "wide", "free", "skip", "pnot", "junk"];
const ASF = Uint8Array.of(0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11, 0xa6, 0xd9, 0x00, 0xaa, 0x00, 0x62, 0xce, 0x6c);
const BOMS = [Uint8Array.of(0xef, 0xbb, 0xbf), Uint8Array.of(0xff, 0xfe), Uint8Array.of(0xfe, 0xff)];

const startsWith = (b: Uint8Array, at: number, bytes: Uint8Array) => b.length >= at + bytes.length && bytes.every((x, i) => b[at + i] === x);
/** MPEG transport stream packets (188 bytes, sync 0x47: three of them), also with the 4-byte prefix of `.m2ts`/`.mts` (192-byte packets). */
const transportStream = (b: Uint8Array) => (b[0] === 0x47 && b[188] === 0x47 && b[376] === 0x47) || (b[4] === 0x47 && b[196] === 0x47 && b[388] === 0x47);
/**
 * A QuickTime atom at the start: its type at byte 4, and a size (bytes 0–3) that an atom can have
 * — 0 (to the end), 1 (a 64-bit size follows) or at least its 8-byte header — and that text
 * cannot: below 0x20000000, its first byte a control character ("Get free …" would be 1.2 GB).
 */
const quickTimeAtom = (b: Uint8Array) => {
  if (b.length < 8 || !QUICKTIME_ATOMS.some((atom) => ascii(b, 4, atom))) return false;
  const size = Buffer.from(b.buffer, b.byteOffset, 4).readUInt32BE(0);
  return size < 0x20000000 && (size <= 1 || size >= 8);
};

/** The kind the leading bytes (at least SNIFF_BYTES when the file has them) say, if any. */
export function sniffKind(head: Uint8Array): SniffedKind | undefined {
  const b = head;
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "photo"; // JPEG, JFIF, EXIF
  if (ascii(b, 0, "\x89PNG\r\n\x1a\n")) return "photo";
  if (ascii(b, 0, "GIF87a") || ascii(b, 0, "GIF89a")) return "photo";
  if (ascii(b, 0, "II*\0") || ascii(b, 0, "MM\0*")) return "photo"; // TIFF
  if (ascii(b, 0, "RIFF") && ascii(b, 8, "WEBP")) return "photo";
  if (ascii(b, 0, "RIFF") && ascii(b, 8, "WAVE")) return "audio";
  if (ascii(b, 0, "RIFF") && ascii(b, 8, "AVI ")) return "container";
  if (ascii(b, 4, "ftyp")) {
    const brand = Buffer.from(b.subarray(8, 12)).toString("latin1");
    if (STILL_BRANDS.has(brand)) return "photo";
    if (AUDIO_BRANDS.has(brand)) return "audio";
    return "container";
  }
  if (quickTimeAtom(b)) return "container";
  if (startsWith(b, 0, ASF) || ascii(b, 0, "FLV\x01") || startsWith(b, 0, Uint8Array.of(0, 0, 1, 0xba)) || transportStream(b)) return "container";
  if (BOMS.some((bom) => startsWith(b, 0, bom))) return undefined;
  if (ascii(b, 0, "fLaC") || ascii(b, 0, "OggS") || ascii(b, 0, "ID3") || ascii(b, 0, "#!AMR")) return "audio";
  if (ascii(b, 0, "FORM") && (ascii(b, 8, "AIFF") || ascii(b, 8, "AIFC"))) return "audio";
  if (ascii(b, 0, "caff")) return "audio";
  // MPEG audio or ADTS AAC without tags: a frame sync, 11 bits set (a JPEG's FF D8 is not one).
  if (b[0] === 0xff && b[1] !== undefined && (b[1] & 0xe0) === 0xe0) return "audio";
  if (b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return "container"; // Matroska, WebM
  return undefined;
}

/** The kind of a file by its first bytes (sniffKind); undefined for anything else or a file too short. */
export async function sniffFile(file: string): Promise<SniffedKind | undefined> {
  const handle = await open(file, NAMED_READ_FLAGS);
  try {
    const head = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(head, 0, SNIFF_BYTES, 0);
    return sniffKind(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}
