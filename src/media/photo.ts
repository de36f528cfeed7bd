import type { PhotoProfile, ProcessedPhoto } from "./types.js";

/**
 * Prepare one photo for sending: upright (EXIF orientation), fitted inside `profile.maxEdge`
 * (never enlarged), sRGB, JPEG or WebP, with no metadata at all. Writes
 * `<outDir>/<input base name>.<jpg|webp>` (and `<base>.thumb.jpg` when `profile.thumbnail`).
 *
 * Throws `UserError` naming `input` for: a missing or empty file, a file that is not an image,
 * a truncated/damaged image, HEIC the installed sharp cannot decode (with how to export JPEG),
 * and (exit 4) more pixels than `profile.maxPixels` — refused before decoding. Throws
 * `UserError(file.exists)` rather than overwrite an existing output. On any failure no output
 * file is left behind. Other exceptions are bugs.
 */
export async function processPhoto(input: string, outDir: string, profile: PhotoProfile = {}): Promise<ProcessedPhoto> {
  await Promise.resolve();
  throw new Error(`not implemented yet: ${input} ${outDir} ${JSON.stringify(profile)}`);
}
