/**
 * How long an agent holds the keys: until the end of today's contact hours by default (the
 * working day), else 8 hours; `unlock --for 30m` etc. for another span, at most a day. It locks
 * earlier after an idle time (default 60 minutes; `unlock --idle`, config `agentIdleMinutes`).
 */
import { ExitCode, UserError } from "../errors.js";
import { closingToday, type ContactHours } from "../delivery/hours.js";

export const DEFAULT_HOURS = 8;
export const MAX_HOURS = 24;
export const DEFAULT_IDLE_MINUTES = 60;

/** The longest duration text read (`  24 h 1440 min 86400 s  ` is shorter). */
const MAX_DURATION_TEXT = 40;

/** `30m`, `8h`, `1h30m`, `90s`, `45min` as milliseconds; UserError (exit 2) for anything else. */
export function parseDuration(text: string): number {
  // Bounded first: the pattern's optional parts backtrack polynomially over long runs of spaces.
  const m = text.length > MAX_DURATION_TEXT ? null : /^\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*(?:(\d+)\s*s)?\s*$/i.exec(text);
  const [h, min, s] = [m?.[1], m?.[2], m?.[3]];
  if (m === null || (h === undefined && min === undefined && s === undefined)) throw new UserError(ExitCode.usage, "agent.badDuration", { value: text });
  const ms = (Number(h ?? 0) * 3600 + Number(min ?? 0) * 60 + Number(s ?? 0)) * 1000;
  if (ms <= 0) throw new UserError(ExitCode.usage, "agent.badDuration", { value: text });
  return ms;
}

/** When an agent started at `now` locks at the latest: `--for`, else the end of today's contact hours, else 8 hours. */
export function lifetimeEnd(now: Date, hours: ContactHours | undefined, forText?: string): Date {
  if (forText !== undefined) {
    const ms = parseDuration(forText);
    if (ms > MAX_HOURS * 3600_000) throw new UserError(ExitCode.usage, "agent.tooLong", { value: forText, max: MAX_HOURS });
    return new Date(now.getTime() + ms);
  }
  return closingToday(hours, now) ?? new Date(now.getTime() + DEFAULT_HOURS * 3600_000);
}

/** A span as `parseDuration` reads it, shortest form: `1h30m`, `45m`, `1m30s`, `20s`. */
export function formatDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const [h, m, s] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  return `${h > 0 ? `${h}h` : ""}${m > 0 ? `${m}m` : ""}${s > 0 || total === 0 ? `${s}s` : ""}`;
}

/** The config's `agentIdleMinutes` when it is a number of minutes from 1 to a day (as `--idle`); undefined otherwise (absent or not usable). */
export function configuredIdleMinutes(value: unknown): number | undefined {
  return typeof value === "number" && value >= 1 && value <= MAX_HOURS * 60 ? value : undefined;
}

/** The idle time: `--idle` (at most a day, as `--for`), else the config's `agentIdleMinutes`, else 60 minutes. */
export function idleTime(idleText: string | undefined, configuredMinutes: unknown): number {
  if (idleText !== undefined) {
    const ms = parseDuration(idleText);
    if (ms > MAX_HOURS * 3600_000) throw new UserError(ExitCode.usage, "agent.tooLong", { value: idleText, max: MAX_HOURS });
    return ms;
  }
  return (configuredIdleMinutes(configuredMinutes) ?? DEFAULT_IDLE_MINUTES) * 60_000;
}
