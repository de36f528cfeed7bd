/**
 * What a file is by its first bytes, for files whose name does not say (`scan.jfif` saved by a
 * browser, a photo without an extension, a recording renamed `.dat`): a photo or a recording
 * carries where and when it was taken in its tags whatever its name, so `seal` prepares it by
 * what it is. Only the signatures of the formats the media pipeline reads, and of video
 * containers (refused, as `.mp4` is); anything else is undefined.
 */
import { open } from "node:fs/promises";
import { NAMED_READ_FLAGS } from "../files.js";

export type SniffedKind = "photo" | "audio" | "video";

/** How many leading bytes the signatures need. */
export const SNIFF_BYTES = 16;

const ascii = (bytes: Uint8Array, at: number, text: string) => Buffer.from(bytes.subarray(at, at + text.length)).toString("latin1") === text;

/** ISO base media (`ftyp` box): the brands of still images, of audio-only files, the rest video. */
const STILL_BRANDS = new Set(["heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1", "avif", "avis"]);
const AUDIO_BRANDS = new Set(["M4A ", "M4B ", "M4P ", "F4A ", "F4B "]);

/** The kind the leading bytes (at least SNIFF_BYTES when the file has them) say, if any. */
export function sniffKind(head: Uint8Array): SniffedKind | undefined {
  const b = head;
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "photo"; // JPEG, JFIF, EXIF
  if (ascii(b, 0, "\x89PNG\r\n\x1a\n")) return "photo";
  if (ascii(b, 0, "GIF87a") || ascii(b, 0, "GIF89a")) return "photo";
  if (ascii(b, 0, "II*\0") || ascii(b, 0, "MM\0*")) return "photo"; // TIFF
  if (ascii(b, 0, "RIFF") && ascii(b, 8, "WEBP")) return "photo";
  if (ascii(b, 0, "RIFF") && ascii(b, 8, "WAVE")) return "audio";
  if (ascii(b, 0, "RIFF") && ascii(b, 8, "AVI ")) return "video";
  if (ascii(b, 4, "ftyp")) {
    const brand = Buffer.from(b.subarray(8, 12)).toString("latin1");
    if (STILL_BRANDS.has(brand)) return "photo";
    if (AUDIO_BRANDS.has(brand)) return "audio";
    return "video";
  }
  if (ascii(b, 0, "fLaC") || ascii(b, 0, "OggS") || ascii(b, 0, "ID3") || ascii(b, 0, "#!AMR")) return "audio";
  if (ascii(b, 0, "FORM") && (ascii(b, 8, "AIFF") || ascii(b, 8, "AIFC"))) return "audio";
  if (ascii(b, 0, "caff")) return "audio";
  // MPEG audio or ADTS AAC without tags: a frame sync, 11 bits set (a JPEG's FF D8 is not one).
  if (b[0] === 0xff && b[1] !== undefined && (b[1] & 0xe0) === 0xe0) return "audio";
  if (b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return "video"; // Matroska, WebM
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
