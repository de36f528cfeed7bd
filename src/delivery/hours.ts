/**
 * Contact hours: when follow-ups may go out. Weekly windows in the practice's time zone
 * (`mo-fr 09:00-18:00; sa 10:00-12:00`), plus days off (holidays, ranges of local dates).
 * Local-time arithmetic goes through luxon (IANA zones via Intl), so daylight-saving changes
 * move the UTC instant of "09:00" as they should.
 */
import type { Planned } from "./ledger.js";
import { DateTime, IANAZone } from "luxon";
import { ExitCode, UserError } from "../errors.js";

/** A weekly window: ISO weekdays (1 = Monday … 7 = Sunday), minutes after local midnight [from, to). */
export interface Window {
  readonly days: readonly number[];
  readonly from: number;
  readonly to: number;
}

/** Days off as local dates, both ends included (`YYYY-MM-DD`). */
export interface DaysOff {
  readonly from: string;
  readonly to: string;
}

export interface ContactHours {
  /** The text as the practitioner wrote it, normalised. */
  readonly spec: string;
  readonly tz: string;
  readonly windows: readonly Window[];
  readonly off: readonly DaysOff[];
}

/** How contact hours are kept in the config (no secrets, no client data). */
export interface StoredHours {
  readonly spec: string;
  readonly tz: string;
  readonly off: readonly DaysOff[];
}

const DAY_NAMES: Readonly<Record<string, number>> = {
  mo: 1, tu: 2, di: 2, we: 3, mi: 3, th: 4, do: 4, fr: 5, sa: 6, su: 7, so: 7,
};
const DAY_LABEL = {
  en: ["", "mo", "tu", "we", "th", "fr", "sa", "su"],
  de: ["", "mo", "di", "mi", "do", "fr", "sa", "so"],
} as const;
/** Days assumed when a window names none ("9-18 Uhr"): the working week, echoed back so it shows. */
const WORKING_WEEK = [1, 2, 3, 4, 5];

function bad(spec: string, part: string): UserError {
  return new UserError(ExitCode.usage, "hours.badSpec", { spec, part });
}

function parseDays(spec: string, text: string): number[] {
  const days = new Set<number>();
  for (const piece of text.split(",")) {
    const range = piece.trim().toLowerCase().split("-");
    const start = DAY_NAMES[range[0] ?? ""];
    const end = DAY_NAMES[range[range.length - 1] ?? ""];
    if (start === undefined || end === undefined || range.length > 2) throw bad(spec, piece);
    // A range may wrap around the week end (sa-mo).
    for (let d = start, n = 0; n < 7; d = (d % 7) + 1, n++) {
      days.add(d);
      if (d === end) break;
    }
  }
  return [...days].sort((a, b) => a - b);
}

/** `9`, `09`, `9:30`, `9.30` → minutes after midnight. */
function parseClock(spec: string, text: string, allow24: boolean): number {
  const m = /^(\d{1,2})(?:[:.](\d{2}))?$/.exec(text);
  if (!m) throw bad(spec, text);
  const h = Number(m[1]);
  const min = Number(m[2] ?? "0");
  if (min > 59 || h > 24 || (h === 24 && (min !== 0 || !allow24))) throw bad(spec, text);
  return h * 60 + min;
}

function clockText(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

export function checkZone(tz: string): string {
  if (!IANAZone.isValidZone(tz)) throw new UserError(ExitCode.usage, "hours.badZone", { tz });
  return tz;
}

/**
 * The forms people write, made plain: dashes (– —) and spaces around them become "-", and "Uhr"
 * or "h" after a number goes ("mo–do 9 – 18 Uhr" → "mo-do 9-18").
 */
function plainGroup(group: string): string {
  return group
    .replace(/[\u2010-\u2015\u2212]/g, "-")
    .replace(/\s*-\s*/g, "-")
    .replace(/(\d)\s*(?:uhr|h)(?![\p{L}])\.?/giu, "$1")
    .trim();
}

/**
 * Parse `mo-fr 09:00-18:00; sa 10:00-12:00` (German day names too: di, mi, do, so). Times may be
 * written `9-18`, `9:30-12`, `9.30-12`, with "Uhr" or "h", with en dashes; a group without day
 * names (`9-18 Uhr`) means Monday to Friday.
 */
export function parseWindows(spec: string): Window[] {
  const windows: Window[] = [];
  const groups = spec.split(";").map(plainGroup).filter((g) => g.length > 0);
  if (groups.length === 0) throw bad(spec, spec);
  for (const group of groups) {
    const words = group.split(/\s+/);
    const timeFirst = /^\d/.test(words[0] ?? "");
    const dayText = timeFirst ? undefined : words[0];
    const times = timeFirst ? words : words.slice(1);
    if (times.length === 0) throw bad(spec, group);
    const days = dayText === undefined ? WORKING_WEEK : parseDays(spec, dayText);
    for (const time of times.flatMap((t) => t.split(",")).filter((t) => t.length > 0)) {
      const [a, b, extra] = time.split("-");
      if (a === undefined || b === undefined || extra !== undefined) throw bad(spec, time);
      const from = parseClock(spec, a, false);
      const to = parseClock(spec, b, true);
      // Read, but backwards or empty: said as such, not as unreadable.
      if (to <= from) throw new UserError(ExitCode.usage, "hours.endNotAfterStart", { spec, part: time });
      windows.push({ days, from, to });
    }
  }
  return windows;
}

/** The windows as text with the day names of `lang` (`mo-do 09:00-18:00`); parseWindows reads both. */
export function formatWindows(windows: readonly Window[], lang: "de" | "en" = "en"): string {
  const label = DAY_LABEL[lang];
  return windows
    .map((w) => {
      const days = w.days;
      const contiguous = days.length > 1 && days.every((d, i) => i === 0 || d === (days[i - 1] ?? 0) + 1);
      const dayText = contiguous ? `${label[days[0] ?? 1]}-${label[days[days.length - 1] ?? 1]}` : days.map((d) => label[d]).join(",");
      return `${dayText} ${clockText(w.from)}-${clockText(w.to)}`;
    })
    .join("; ");
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function checkDate(text: string, original: string): string {
  if (!DATE.test(text) || !DateTime.fromISO(text).isValid) throw new UserError(ExitCode.usage, "hours.badOff", { value: original });
  return text;
}

/** `2026-12-23..2027-01-06` or one day `2026-12-24`. */
export function parseDaysOff(text: string): DaysOff {
  const [a, b, extra] = text.trim().split("..");
  if (a === undefined || extra !== undefined) throw new UserError(ExitCode.usage, "hours.badOff", { value: text });
  const from = checkDate(a, text);
  const to = checkDate(b ?? a, text);
  if (to < from) throw new UserError(ExitCode.usage, "hours.badOff", { value: text });
  return { from, to };
}

export function contactHours(stored: StoredHours): ContactHours {
  return { spec: stored.spec, tz: checkZone(stored.tz), windows: parseWindows(stored.spec), off: stored.off };
}

function isDayOff(hours: ContactHours, local: DateTime): boolean {
  const day = local.toISODate() ?? "";
  return hours.off.some((o) => o.from <= day && day <= o.to);
}

/** Is `instant` inside contact hours? No contact hours configured means always. */
export function isOpen(hours: ContactHours | undefined, instant: Date): boolean {
  if (hours === undefined) return true;
  const local = DateTime.fromJSDate(instant, { zone: hours.tz });
  if (isDayOff(hours, local)) return false;
  const minute = local.hour * 60 + local.minute + local.second / 60;
  return hours.windows.some((w) => w.days.includes(local.weekday) && w.from <= minute && minute < w.to);
}

/**
 * May a waiting follow-up go out at `now`? Its time must have come, and contact hours must be
 * open now: a flush that runs late (the computer was asleep, a failure is retried) or after the
 * hours changed (a day off added, a window narrowed) waits for the next opening rather than
 * reach a client at night. One planned outside contact hours on purpose (`--now`: `anyTime`) goes
 * out whenever it is due. Without a due time (a run killed between sealing and queueing) it goes
 * inside contact hours. The one decision for everything that delivers a waiting follow-up
 * (`outbox flush`, before each follow-up; `outbox reroute`).
 */
export function mayGoOut(hours: ContactHours | undefined, planned: Planned, now: Date): boolean {
  const { due, anyTime } = planned;
  if (due === undefined) return isOpen(hours, now);
  return due.getTime() <= now.getTime() && (anyTime || isOpen(hours, now));
}

/** When a follow-up planned so goes out, seen at `now`: its due time, or the next opening when that has passed outside contact hours. */
export function goesOutAt(hours: ContactHours | undefined, planned: Planned, now: Date): Date {
  const { due } = planned;
  if (due !== undefined && (due.getTime() > now.getTime() || mayGoOut(hours, planned, now))) {
    // Not yet due, but due outside today's hours (they changed since): it waits for the opening after.
    if (planned.anyTime || due.getTime() <= now.getTime() || isOpen(hours, due)) return due;
    return nextOpening(hours, due) ?? due;
  }
  return nextOpening(hours, now) ?? due ?? now;
}

/**
 * The instants at which the zone's clocks show `minutes` after midnight on `day`, earliest
 * first: one on most days; two where that time repeats as the clocks go back (luxon alone
 * would give only the later); where it is skipped as they go forward, the instant they jump
 * past it.
 */
function instantsShowing(day: DateTime, minutes: number, tz: string): number[] {
  return instantsShowingClock({ year: day.year, month: day.month, day: day.day, hour: Math.floor(minutes / 60), minute: minutes % 60 }, tz);
}

/** A wall-clock reading: a day and a time of it. */
interface WallClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second?: number;
  readonly millisecond?: number;
}

/** `instantsShowing` for any wall-clock reading (a time typed with `--at` may have seconds). */
function instantsShowingClock(fields: WallClock, tz: string): number[] {
  // The wall-clock time as if it were UTC, and what the zone's clocks show at an instant, likewise.
  const wall = DateTime.fromObject(fields, { zone: "utc" }).toMillis();
  const shown = (at: number) => at + DateTime.fromMillis(at, { zone: tz }).offset * 60_000;
  const approx = DateTime.fromObject(fields, { zone: tz }).toMillis();
  // A time repeats or is skipped only where the offset changes: the offsets a day either side.
  const offsets = [-1, 0, 1].map((d) => DateTime.fromMillis(approx + d * 86_400_000, { zone: tz }).offset);
  const exact = [...new Set(offsets.map((o) => wall - o * 60_000))].filter((at) => shown(at) === wall).sort((a, b) => a - b);
  if (exact.length > 0) return exact;
  // Skipped: the first instant whose clocks show a later time lies between the two offsets' readings.
  let before = wall - Math.max(...offsets) * 60_000;
  let after = approx;
  while (after - before > 1) {
    const mid = before + Math.floor((after - before) / 2);
    if (shown(mid) >= wall) after = mid;
    else before = mid;
  }
  return [after];
}

/**
 * When today's contact hours end: the end of the last of today's windows (in the practice's
 * zone) that ends after `instant`. Null without contact hours, on a day off, on a day without a
 * window, and once today's last window has ended.
 */
export function closingToday(hours: ContactHours | undefined, instant: Date): Date | null {
  if (hours === undefined) return null;
  const local = DateTime.fromJSDate(instant, { zone: hours.tz });
  if (isDayOff(hours, local)) return null;
  const day = local.startOf("day");
  // A window to 24:00 ends the first time the clocks show the next day's midnight: where they go
  // back from 01:00 to 00:00 (America/Havana), the repeated hour already belongs to the next day.
  const ends = hours.windows
    .filter((w) => w.days.includes(local.weekday))
    .flatMap((w) => (w.to === 24 * 60 ? instantsShowing(day.plus({ days: 1 }), 0, hours.tz).slice(0, 1) : instantsShowing(day, w.to, hours.tz)))
    .filter((at) => at > instant.getTime());
  return ends.length > 0 ? new Date(Math.max(...ends)) : null;
}

/**
 * The first instant at or after `instant` inside contact hours: `instant` itself when open,
 * else the start of the next window. A window starting at a local time skipped by a
 * daylight-saving change starts when the clocks jump past it; one starting at a local time that
 * repeats as they go back starts at its first occurrence. Null when no window opens within the
 * next 400 days (everything is a day off).
 */
export function nextOpening(hours: ContactHours | undefined, instant: Date): Date | null {
  if (hours === undefined || isOpen(hours, instant)) return instant;
  const start = DateTime.fromJSDate(instant, { zone: hours.tz }).startOf("day");
  for (let d = 0; d <= 400; d++) {
    const day = start.plus({ days: d });
    if (isDayOff(hours, day)) continue;
    const opens = hours.windows
      .filter((w) => w.days.includes(day.weekday))
      .flatMap((w) => instantsShowing(day, w.from, hours.tz))
      .filter((at) => at >= instant.getTime())
      .sort((a, b) => a - b);
    if (opens.length > 0) return new Date(opens[0]!);
  }
  return null;
}

/** A local time for people: `Mo 2026-11-30 09:00 (Europe/Berlin)`. */
export function formatLocal(instant: Date, tz: string, lang: "de" | "en"): string {
  const local = DateTime.fromJSDate(instant, { zone: tz }).setLocale(lang === "de" ? "de-DE" : "en-GB");
  const shown = local.toFormat("ccc yyyy-MM-dd HH:mm");
  // The hour that repeats as the clocks go back: its two instants would read alike; the offset tells them apart.
  const wall = (ms: number) => DateTime.fromMillis(ms, { zone: tz }).toFormat("yyyy-MM-dd HH:mm");
  const hour = 60 * 60 * 1000;
  const repeats = [-hour, hour].some((d) => wall(instant.getTime() + d) === wall(instant.getTime()));
  return repeats ? `${shown} (${tz}, UTC${local.toFormat("ZZ")})` : `${shown} (${tz})`;
}

/**
 * Parse a time the practitioner types (`2026-12-03 16:00`, `2026-12-03T16:00`, or ISO with an
 * offset) in the practice's time zone. A local time that repeats as the clocks go back
 * (02:30 on 2026-10-25 in Europe/Berlin) is its first occurrence, as contact-hour windows take
 * it (`nextOpening`); luxon alone gives the second. One that is skipped as they go forward
 * (02:30 on 2026-03-29) is refused with one line naming the time the clocks jump to (exit 2).
 */
export function parseLocalTime(text: string, tz: string): Date {
  const trimmed = text.trim();
  const withOffset = /(Z|[+-]\d{2}:?\d{2})$/.test(trimmed);
  const iso = trimmed.replace(" ", "T");
  // Without an offset: the wall-clock reading as typed (luxon in the zone would already move it).
  const dt = withOffset ? DateTime.fromISO(iso, { setZone: true }) : DateTime.fromISO(iso, { zone: "utc" });
  if (!dt.isValid || !/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}/.test(trimmed)) throw new UserError(ExitCode.usage, "time.bad", { value: text });
  if (withOffset) return dt.toJSDate();
  const [first] = instantsShowingClock(dt.toObject(), tz);
  const shown = DateTime.fromMillis(first!, { zone: tz });
  if (shown.toFormat("yyyy-MM-dd HH:mm:ss.SSS") !== dt.toFormat("yyyy-MM-dd HH:mm:ss.SSS")) {
    throw new UserError(ExitCode.usage, "time.skipped", { value: trimmed, tz, jump: shown.toFormat("yyyy-MM-dd HH:mm") });
  }
  return new Date(first!);
}

export function systemZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}
