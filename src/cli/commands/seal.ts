/**
 * `nachklang seal FILE… --to ALIAS`: seal files for a client into one bundle. Photos and audio
 * go through the same preparation as `send` (upright, resized, no metadata; loudness-normalised
 * audio) unless `--raw`; a video is refused without `--raw` (nothing prepares it, and it would
 * keep where and with what it was filmed); other files are sealed as they are. The bundle is the user's file:
 * `--out FILE`, else `<bundle-id>.age` in the current folder, never the outbox (which holds
 * only what it delivers).
 */
import { lstat, stat } from "node:fs/promises";
import { extname, relative, resolve } from "node:path";
import { describeFile, sealBundle, type SealItem } from "../../bundle/seal.js";
import { MAX_ITEMS, type ItemKind } from "../../bundle/manifest.js";
import { oversizedNote } from "../../followup/draft.js";
import { containerHolds } from "../../media/ffmpeg.js";
import { sniffFile } from "../../media/sniff.js";
import { exists } from "../../files.js";
import { neutralMediaNames } from "../../followup/item-names.js";
import { ExitCode, UserError } from "../../errors.js";
import { PHOTOS_AT_ONCE } from "../../media/types.js";
import { mapPool } from "../../pool.js";
import { makePrivateTemp, removeTemp } from "../../temp.js";
import type { CliContext } from "../context.js";
import { practicePublic, unlockPractice } from "../practice.js";

interface SealOptions {
  to: string;
  note?: string;
  out?: string;
  raw?: boolean;
}

/**
 * Containers of films as phones and cameras write them (location, device and time in their
 * tags), which may also hold sound alone (a voice recorder's `.3gp`, a `.wma`).
 */
const VIDEO = new Set([".mp4", ".mov", ".qt", ".m4v", ".3gp", ".3g2", ".mkv", ".mka", ".webm", ".avi", ".wmv", ".wma", ".asf", ".mts", ".m2ts", ".mpg", ".mpeg", ".vob", ".flv"]);

/**
 * What each file is sealed as: its extension's kind, and for a file whose extension says nothing
 * (or nothing known) what its first bytes say, so that a `.jfif` or a renamed photo or recording
 * is prepared too. A video, by extension or content, is refused unless `--raw`.
 */
async function kindsOf(files: readonly string[], raw: boolean): Promise<ItemKind[]> {
  const kinds: ItemKind[] = [];
  for (const file of files) {
    if (!(await exists(file))) throw new UserError(ExitCode.usage, "file.missing", { file });
    if ((await stat(file)).isDirectory()) throw new UserError(ExitCode.usage, "file.isFolder", { file });
    if (raw) {
      kinds.push(describeFile(file).kind);
      continue;
    }
    const { kind } = describeFile(file);
    const named = VIDEO.has(extname(file).toLowerCase());
    const sniffed = named ? "container" : kind === "file" ? await sniffFile(file).catch(() => undefined) : undefined;
    // A film or a recording: the sound alone is prepared like any recording; a film is refused,
    // and so is a file named as one that ffprobe cannot read (it may carry anything in its tags).
    // One only whose first bytes look like a container, unreadable, is some other file.
    const held = sniffed === "container" ? ((await containerHolds(file)) ?? (named ? "video" : undefined)) : sniffed;
    if (held === "video") throw new UserError(ExitCode.usage, "seal.video", { file });
    kinds.push(held ?? kind);
  }
  return kinds;
}

export async function run(ctx: CliContext, files: string[], opts: SealOptions): Promise<void> {
  // The limits send has for a note, and a bundle's for its items, before anything is read.
  const tooLarge = oversizedNote("--note", opts.note);
  if (tooLarge !== undefined) throw new UserError(ExitCode.usage, "note.tooLarge", tooLarge);
  if (files.length > MAX_ITEMS) throw new UserError(ExitCode.usage, "seal.tooManyItems", { count: files.length, max: MAX_ITEMS });
  const kinds = await kindsOf(files, opts.raw === true);
  // lstat: a symlink there, even one pointing nowhere, is something that exists.
  if (opts.out !== undefined && (await lstat(opts.out).then(() => true, () => false))) throw new UserError(ExitCode.usage, "file.exists", { file: opts.out });
  const practice = await unlockPractice(ctx);
  const client = practice.clients.require(opts.to);
  const { keys } = practice;
  const name = practicePublic(ctx).name;
  const work = opts.raw === true ? undefined : await makePrivateTemp("nachklang-seal-");
  try {
    // Prepared photos and recordings are sealed under neutral names (item-names.ts); --raw keeps every name.
    const items = work === undefined ? files.map(asIs) : neutralMediaNames(await prepared(ctx, files, kinds, work), client.lang);
    const sealed = await sealBundle({
      items,
      message: opts.note ?? "",
      client: client.alias,
      lang: client.lang,
      practice: { ...(name !== undefined ? { name } : {}), ageRecipient: keys.ageRecipient, keyId: keys.keyId, signing: keys.signer },
      recipients: client.ageRecipient !== undefined ? [client.ageRecipient] : [],
      // The file is the user's, written like `age -o` writes (not flushed like a queued delivery).
      ...(opts.out !== undefined ? { outFile: resolve(opts.out) } : { outDir: process.cwd() }),
      durable: false,
    });
    ctx.out.say("seal.written", { file: relative(process.cwd(), sealed.path) || sealed.path, items: sealed.manifest.items.length, bytes: sealed.bytes });
    ctx.out.result({ id: sealed.id, path: sealed.path, bytes: sealed.bytes, items: sealed.manifest.items });
  } finally {
    if (work !== undefined) await removeTemp(work);
  }
}

function asIs(file: string): SealItem {
  return { file: resolve(file), ...describeFile(file) };
}

/** Photos and audio as `send` prepares them (the same pipeline); other files as they are. */
async function prepared(ctx: CliContext, files: readonly string[], kinds: readonly ItemKind[], work: string): Promise<SealItem[]> {
  const { mediaPipeline } = await import("../../followup/media.js");
  const media = mediaPipeline({ onWarning: (w) => ctx.out.warn(w.key, w.params) });
  // Two at a time, as send prepares photos; the items keep the order given.
  return mapPool(files, PHOTOS_AT_ONCE, async (file, i): Promise<SealItem> => {
    const kind = kinds[i];
    const input = { path: resolve(file) };
    if (kind === "photo") return media.photo(input, work, "folder");
    if (kind === "audio") return media.audio(input, work, "folder");
    return asIs(file);
  });
}
