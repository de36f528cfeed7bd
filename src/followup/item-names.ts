/**
 * What prepared photos and recordings are called inside a bundle, and so on the client's phone
 * (a Threema or Signal file message carries the name): never the file's own name. Phones put
 * the time a photo was taken into it (`IMG_20261120_160500.jpg`), recorders the date, and
 * practitioners often a client's name (`Genogramm_Familie_Mueller.jpg`) — all of which the
 * preparation removes from inside the file.
 */
import { extname } from "node:path";
import type { ItemKind } from "../bundle/manifest.js";
import type { Lang } from "../messages/index.js";

const WORDS: Readonly<Record<Lang, { photo: string; audio: string }>> = {
  de: { photo: "foto", audio: "aufnahme" },
  en: { photo: "photo", audio: "recording" },
};

/**
 * `items` with every photo and recording named `foto-1.jpg`, `aufnahme-1.m4a` (English:
 * `photo-1.jpg`, `recording-1.m4a`), numbered per kind in their order, keeping the prepared
 * file's extension. Other items (homework, appointments) and items that already have a name
 * are left as they are.
 */
export function neutralMediaNames<T extends { readonly file: string; readonly kind: ItemKind; readonly name?: string }>(items: readonly T[], lang: Lang): T[] {
  const counts = { photo: 0, audio: 0 };
  return items.map((item) => {
    if ((item.kind !== "photo" && item.kind !== "audio") || item.name !== undefined) return item;
    counts[item.kind] += 1;
    return { ...item, name: `${WORDS[lang][item.kind]}-${counts[item.kind]}${extname(item.file).toLowerCase()}` };
  });
}
