/**
 * Variable values: coercing the text a user or the workflow gives into the declared type, and
 * formatting dates, times and numbers in the template's language (Intl, never the host locale).
 */
import type { Lang, MessageKey } from "../messages/index.js";
import { quoted } from "../printable.js";
import type { VariableSpec } from "./schema.js";

/** `text` as an http(s) address (the URL parser insists on a host for them), or undefined: `javascript:`, `file:`, free text. */
export function webAddress(text: string): URL | undefined {
  try {
    const url = new URL(text);
    return url.protocol === "https:" || url.protocol === "http:" ? url : undefined;
  } catch {
    return undefined;
  }
}

/** A value as its type takes it, or what was expected: a catalogue line (`templates.expected.*`; an enum's `values` with it). */
export type Coerced = { ok: true; value: string | number } | { ok: false; expected: MessageKey; values?: string };

const LOCALE: Record<Lang, string> = { de: "de-DE", en: "en-GB" };

/** Parse `YYYY-MM-DD` (or `D.M.YYYY`) into a checked calendar date. */
export function parseDate(text: string): { y: number; m: number; d: number } | undefined {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  const german = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(text.trim());
  const [y, m, d] = iso ? [iso[1], iso[2], iso[3]] : german ? [german[3], german[2], german[1]] : [];
  if (y === undefined || m === undefined || d === undefined) return undefined;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  if (date.getUTCFullYear() !== Number(y) || date.getUTCMonth() !== Number(m) - 1 || date.getUTCDate() !== Number(d)) return undefined;
  return { y: Number(y), m: Number(m), d: Number(d) };
}

/** Parse `H:MM` / `HH:MM` (24-hour clock). */
export function parseTime(text: string): { h: number; min: number } | undefined {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!match) return undefined;
  const h = Number(match[1]);
  const min = Number(match[2]);
  return h < 24 && min < 60 ? { h, min } : undefined;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** Turn a text value into the declared type; dates and times come out in canonical ISO form. */
export function coerceValue(spec: VariableSpec, raw: string): Coerced {
  switch (spec.type) {
    case "string":
      return { ok: true, value: raw };
    case "integer":
      return /^[+-]?\d{1,15}$/.test(raw.trim()) ? { ok: true, value: Number(raw.trim()) } : { ok: false, expected: "templates.expected.integer" };
    case "date": {
      const d = parseDate(raw);
      return d ? { ok: true, value: `${d.y}-${pad(d.m)}-${pad(d.d)}` } : { ok: false, expected: "templates.expected.date" };
    }
    case "time": {
      const t = parseTime(raw);
      return t ? { ok: true, value: `${pad(t.h)}:${pad(t.min)}` } : { ok: false, expected: "templates.expected.time" };
    }
    case "url": {
      const url = webAddress(raw.trim());
      return url !== undefined ? { ok: true, value: url.href } : { ok: false, expected: "templates.expected.url" };
    }
    case "enum":
      return spec.values?.includes(raw) ? { ok: true, value: raw } : { ok: false, expected: "templates.expected.enum", values: (spec.values ?? []).join(", ") };
  }
}

function asDate(value: unknown): Date {
  const d = typeof value === "string" ? parseDate(value.slice(0, 10)) : undefined;
  if (!d) throw new Error(`not a date: ${quoted(String(value))}`);
  return new Date(Date.UTC(d.y, d.m - 1, d.d));
}

function asTime(value: unknown): { h: number; min: number } {
  const t = typeof value === "string" ? parseTime(value) : undefined;
  if (!t) throw new Error(`not a time: ${quoted(String(value))}`);
  return t;
}

// Newer ICU puts a narrow no-break space before "pm"; messengers show a plain space best.
const plain = (s: string) => s.replace(/[\u202f\u00a0]/g, " ");

/** "3. Dezember 2026" / "3 December 2026" */
export function formatDate(lang: Lang, value: unknown): string {
  return plain(new Intl.DateTimeFormat(LOCALE[lang], { dateStyle: "long", timeZone: "UTC" }).format(asDate(value)));
}

/** "Donnerstag, 3. Dezember 2026" / "Thursday, 3 December 2026" */
export function formatWeekdayDate(lang: Lang, value: unknown): string {
  const options = { weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: "UTC" } as const;
  return plain(new Intl.DateTimeFormat(LOCALE[lang], options).format(asDate(value)));
}

/** "16:00 Uhr" / "4:00 pm" */
export function formatTime(lang: Lang, value: unknown): string {
  const { h, min } = asTime(value);
  const at = new Date(Date.UTC(2000, 0, 1, h, min));
  if (lang === "de") return `${new Intl.DateTimeFormat("de-DE", { hour: "2-digit", minute: "2-digit", timeZone: "UTC" }).format(at)} Uhr`;
  return plain(new Intl.DateTimeFormat("en-GB", { hour: "numeric", minute: "2-digit", hourCycle: "h12", timeZone: "UTC" }).format(at));
}

/** "3. Dezember 2026, 16:00 Uhr" / "3 December 2026, 4:00 pm" */
export function formatDateTime(lang: Lang, date: unknown, time: unknown): string {
  return `${formatDate(lang, date)}, ${formatTime(lang, time)}`;
}

/** "1.234,5" / "1,234.5" */
export function formatNumber(lang: Lang, value: unknown): string {
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isFinite(n)) throw new Error(`not a number: ${quoted(String(value))}`);
  return new Intl.NumberFormat(LOCALE[lang]).format(n);
}
