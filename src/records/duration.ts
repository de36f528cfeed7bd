/**
 * Spans people type: contact time (`15m`, `1h30m`, `90`), retention (`10y`), ages of files
 * (`30d`). Parsed into whole units so that nothing downstream rounds a float.
 */
import { ExitCode, UserError } from "../errors.js";

/** The most contact time one client can have in one day, in one entry or all of that day's together. */
export const MAX_CONTACT_MINUTES = 24 * 60;

const CONTACT = /^(?:(\d{1,3})h)?(?:(\d{1,4})m(?:in)?)?$/;

/**
 * Contact time in whole minutes: `15m`, `1h`, `1h30m` (minutes below 60 after hours), or a bare
 * number of minutes (`45`, `90m`).
 * Zero and more than 24 hours are refused (exit 2): nobody logs a day-long contact by mistake.
 */
export function parseContactMinutes(text: string): number {
  const value = text.trim().toLowerCase().replace(/\s+/g, "");
  let minutes: number | undefined;
  if (/^\d{1,4}$/.test(value)) minutes = Number(value);
  else {
    const m = CONTACT.exec(value);
    // With hours, the minutes are a clock's (0–59): `1h61m` is a typo, not 2h01m on a bill.
    const clockMinutes = m?.[1] === undefined || Number(m[2] ?? 0) < 60;
    if (m !== null && (m[1] !== undefined || m[2] !== undefined) && clockMinutes) minutes = Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0);
  }
  if (minutes === undefined || minutes <= 0 || minutes > MAX_CONTACT_MINUTES) throw new UserError(ExitCode.usage, "time.badDuration", { value: text });
  return minutes;
}

/** `90` → `1h30m`, `15` → `15m`, `60` → `1h`. */
export function formatMinutes(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m}m`;
  return m === 0 ? `${h}h` : `${h}h${m}m`;
}

export interface Span {
  readonly amount: number;
  readonly unit: "y" | "m" | "d";
}

/** `10y`, `18m` (months), `30d`: a whole number and a unit. */
export function parseSpan(text: string, units: readonly Span["unit"][] = ["y", "m", "d"]): Span {
  const m = /^(\d{1,4})([ymd])$/.exec(text.trim().toLowerCase());
  const unit = m?.[2] as Span["unit"] | undefined;
  if (m === null || unit === undefined || !units.includes(unit) || Number(m[1]) === 0) {
    throw new UserError(ExitCode.usage, "records.badSpan", { value: text, example: units[0] === "d" ? "30d" : "10y" });
  }
  return { amount: Number(m[1]), unit };
}

export function formatSpan(span: Span): string {
  return `${span.amount}${span.unit}`;
}

/**
 * `day` (YYYY-MM-DD) plus a span, as a day: calendar arithmetic in UTC on the date alone, so
 * no time zone or leap second moves it. 29 February plus one year is 1 March (the retention
 * ends no earlier than the law asks).
 */
export function addSpan(day: string, span: Span): string {
  const [y, mo, d] = day.split("-").map(Number) as [number, number, number];
  let date: Date;
  if (span.unit === "d") date = new Date(Date.UTC(y, mo - 1, d + span.amount));
  else if (span.unit === "m") date = new Date(Date.UTC(y, mo - 1 + span.amount, d));
  else date = new Date(Date.UTC(y + span.amount, mo - 1, d));
  return date.toISOString().slice(0, 10);
}

/** Milliseconds of a span in days (for file ages: `--older-than 30d`). */
export function spanDays(span: Span): number {
  return span.unit === "d" ? span.amount : span.unit === "m" ? span.amount * 30 : span.amount * 365;
}
