/**
 * The one message catalogue. Each area of the program keeps its lines in its own file
 * (German and English side by side, so a missing translation is a type error); this file
 * merges them and formats a line in the user's language.
 */
import { core } from "./core.js";
import { channels } from "./channels.js";
import { threema } from "./threema.js";
import { viewer } from "./viewer.js";
import { workflow } from "./workflow.js";
import { templates } from "./templates.js";
import { media } from "./media.js";

export type Lang = "de" | "en";
export const LANGS: readonly Lang[] = ["de", "en"];

/** A catalogue entry: the same line in both languages, with `{name}` placeholders. */
export type Entry = { readonly de: string; readonly en: string };
export type Catalogue = Record<string, Entry>;

export const messages = {
  ...core,
  ...channels,
  ...threema,
  ...viewer,
  ...workflow,
  ...templates,
  ...media,
} satisfies Catalogue;

export type MessageKey = keyof typeof messages;
export type MessageParams = Record<string, string | number>;

export function isLang(value: unknown): value is Lang {
  return value === "de" || value === "en";
}

/** `de*` → German, anything else → English. */
export function langFromLocale(locale: string | undefined): Lang {
  return locale !== undefined && /^de([_.-]|$)/i.test(locale) ? "de" : "en";
}

/** The system locale as the environment states it (LC_ALL, LC_MESSAGES, LANG), else Intl's. */
export function systemLang(env: NodeJS.ProcessEnv = process.env): Lang {
  const fromEnv = env.LC_ALL || env.LC_MESSAGES || env.LANG;
  if (fromEnv && fromEnv !== "C" && fromEnv !== "POSIX") return langFromLocale(fromEnv);
  return langFromLocale(Intl.DateTimeFormat().resolvedOptions().locale);
}

export function t(lang: Lang, key: MessageKey, params: MessageParams = {}): string {
  const entry: Entry = messages[key];
  return entry[lang].replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}
