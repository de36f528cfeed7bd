/**
 * Photos and audio as Threema file messages: each file (and a photo's thumbnail) is encrypted
 * with a fresh random key and the protocol's fixed nonces, uploaded as a blob, and described
 * by the file message JSON.
 */
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import type { FollowUpItem } from "../../bundle/open.js";
import { FILE_NONCE, randomKey, secretbox, THUMBNAIL_NONCE, toHex } from "./crypto.js";
import type { FileMessageFields } from "./message.js";

/** Longest edge of the thumbnail shown in the chat before the photo is downloaded. */
export const THUMBNAIL_EDGE = 512;

/**
 * Longest caption (UTF-8 bytes) carried inside a file message. The whole message must fit the
 * Gateway's 4000-byte box; a longer caption is sent as text right after the file instead.
 */
export const CAPTION_LIMIT_BYTES = 1000;

/** The caption for the file message's `d` field, or undefined when it goes as separate text. */
export function inlineCaption(caption: string | undefined): string | undefined {
  if (caption === undefined || caption.trim().length === 0) return undefined;
  return Buffer.byteLength(caption.trim(), "utf8") <= CAPTION_LIMIT_BYTES ? caption.trim() : undefined;
}

export interface BlobStore {
  uploadBlob(data: Uint8Array): Promise<string>;
}

/** A JPEG thumbnail of an already processed photo, at most 512 px on its longest edge. */
export async function makeThumbnail(photo: Uint8Array): Promise<Uint8Array> {
  const { default: sharp } = await import("sharp");
  const out = await sharp(photo)
    .resize(THUMBNAIL_EDGE, THUMBNAIL_EDGE, { fit: "inside", withoutEnlargement: true })
    // Transparent PNGs (screenshots) get a white background instead of JPEG's default black.
    .flatten({ background: "#ffffff" })
    .jpeg({ quality: 70 })
    .toBuffer();
  return new Uint8Array(out);
}

async function imageSize(photo: Uint8Array): Promise<{ w?: number; h?: number }> {
  const { default: sharp } = await import("sharp");
  const meta = await sharp(photo).metadata();
  return { w: meta.width, h: meta.height };
}

/**
 * The duration of an audio file when the manifest does not carry it (a bundle sealed from files
 * as they are): asked of ffprobe through the media module's wrapper, rounded to 0.1 s; undefined
 * when ffprobe is missing or fails, and the message goes without duration (the app measures it
 * when playing).
 */
export async function probeDuration(file: string): Promise<number | undefined> {
  try {
    const { probe } = await import("../../media/ffmpeg.js");
    const info = await probe(file);
    const seconds = Number(info.format.duration ?? info.streams.find((s) => s.codec_type === "audio")?.duration);
    return Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds * 10) / 10 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The bare media type of a MIME type (`text/plain` of `text/plain; charset=utf-8`): what a file
 * message's `m` carries, as the apps match it. Homework and appointments are UTF-8 anyway.
 */
export function mediaType(mime: string): string {
  return (mime.split(";")[0] ?? mime).trim().toLowerCase();
}

/**
 * Encrypt and upload one follow-up item and return the file message fields. Photos and audio
 * are rendered as media (j=1, and i=1 for older apps); anything else as a plain file.
 */
export async function prepareFileMessage(entry: FollowUpItem, blobs: BlobStore): Promise<FileMessageFields> {
  const { item } = entry;
  const data = new Uint8Array(await readFile(entry.file));
  const key = randomKey();
  const blobId = await blobs.uploadBlob(secretbox(data, FILE_NONCE, key));
  const media = item.kind === "photo" || item.kind === "audio";
  const inline = inlineCaption(item.caption);
  const caption = inline === undefined ? {} : { d: inline };
  const base = { b: blobId, k: toHex(key), m: mediaType(item.mime), n: basename(item.path), s: data.length, ...caption };
  if (item.kind === "photo") {
    const thumbnail = await makeThumbnail(data);
    const t = await blobs.uploadBlob(secretbox(thumbnail, THUMBNAIL_NONCE, key));
    const size = item.width !== undefined && item.height !== undefined ? { w: item.width, h: item.height } : await imageSize(data);
    return { ...base, t, p: "image/jpeg", j: 1, i: 1, x: size };
  }
  if (item.kind === "audio") {
    const duration = item.durationSeconds ?? (await probeDuration(entry.file));
    const x = duration !== undefined ? { x: { d: duration } } : {};
    return { ...base, j: 1, i: 1, ...x };
  }
  return { ...base, j: media ? 1 : 0, i: 0 };
}
