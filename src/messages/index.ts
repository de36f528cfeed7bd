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
import { trust } from "./trust.js";
import { setup } from "./setup.js";
import { agent } from "./agent.js";
import { inbox } from "./inbox.js";
import { records } from "./records.js";
import { dailyContent } from "./daily-content.js";
import { dailyClients } from "./daily-clients.js";
import { dailyDelivery } from "./daily-delivery.js";
import { dailyMedia } from "./daily-media.js";

export { LANGS, isLang, langFromLocale, systemLang, type Lang } from "../lang.js";
import type { Lang } from "../lang.js";

import type { Catalogue, Entry } from "./entry.js";
export type { Catalogue, Entry } from "./entry.js";

export const messages = {
  ...core,
  ...channels,
  ...threema,
  ...viewer,
  ...workflow,
  ...templates,
  ...media,
  ...trust,
  ...setup,
  ...agent,
  ...inbox,
  ...records,
  ...dailyContent,
  ...dailyClients,
  ...dailyDelivery,
  ...dailyMedia,
} satisfies Catalogue;

export type MessageKey = keyof typeof messages;
export type MessageParams = Record<string, string | number>;

const PLURAL = /\{(\w+):([^{}|]*)\|([^{}|]*)\}/g;
const pluralRules = new Map<Lang, Intl.PluralRules>();

/** The plural category ("one" or "other": all German and English have) of `value` in `lang`. */
export function pluralOf(lang: Lang, value: number): "one" | "other" {
  let rules = pluralRules.get(lang);
  if (rules === undefined) pluralRules.set(lang, (rules = new Intl.PluralRules(lang)));
  return rules.select(value) === "one" ? "one" : "other";
}

export function t(lang: Lang, key: MessageKey, params: MessageParams = {}): string {
  const entry: Entry = messages[key];
  return entry[lang]
    .replace(PLURAL, (whole, name: string, one: string, other: string) => {
      const value = params[name];
      if (value === undefined) return whole;
      const n = typeof value === "number" ? value : Number(value);
      return Number.isFinite(n) && pluralOf(lang, n) === "one" ? one : other;
    })
    // `{@name}`: the param names another line of the catalogue, said in this language (with the
    // same params); a value that is no key is shown as it is.
    .replace(/\{@(\w+)\}/g, (whole, name: string) => {
      const value = params[name];
      if (value === undefined) return whole;
      return typeof value === "string" && Object.hasOwn(messages, value) ? t(lang, value as MessageKey, params) : String(value);
    })
    .replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = params[name];
      return value === undefined ? whole : String(value);
    });
}
