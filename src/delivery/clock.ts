/**
 * The clock. `NACHKLANG_NOW` (an ISO 8601 time with offset, e.g. `2026-11-28T10:00:00+01:00`)
 * replaces the system clock; it is meant for tests and rehearsals ("what would happen on
 * Saturday?"), never for daily use.
 */
import { ExitCode, UserError } from "../errors.js";

export type Clock = () => Date;

export function clockFromEnv(env: NodeJS.ProcessEnv = process.env): Clock {
  const raw = env.NACHKLANG_NOW;
  if (raw === undefined || raw === "") return () => new Date();
  const fixed = Date.parse(raw);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(raw) || Number.isNaN(fixed)) {
    throw new UserError(ExitCode.usage, "clock.badNow", { value: raw });
  }
  return () => new Date(fixed);
}

/**
 * `clock` moving on with real time from its first reading: for a process that lives on (the
 * agent), whose lifetime and idle time must end even when `NACHKLANG_NOW` set its start. The
 * system clock stays the system clock.
 */
export function advancing(clock: Clock): Clock {
  const start = clock().getTime();
  // The wall clock, not a monotonic one: a laptop asleep overnight must find its agent's
  // lifetime over when it wakes (performance.now() does not run during suspend).
  const started = Date.now();
  return () => new Date(start + (Date.now() - started));
}
