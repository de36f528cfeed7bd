/**
 * The away notice: a client who writes outside contact hours (or on a day off) is told, once per
 * off-period, when the practice reads again, that this channel is not for emergencies, and
 * where to turn instead (the `away-notice` template, editable like every template).
 *
 * An off-period is named by the instant contact hours next open ("never" when they never do
 * within the horizon of `nextOpening`). A message's off-period is fixed when it arrives; the
 * notice for it is due while the clock is still in that same off-period — once contact hours
 * have opened, the practice is reading and a notice would be wrong. It can only be sent by a
 * command that holds the practice keys (the sender is inside the sealed envelope), so it waits
 * for the next such command and is dropped if the off-period ended before.
 *
 * Never twice: `sending` is written to the ledger before the notice goes out; a period with a
 * notice sending, sent or skipped is done. Only a failure where nothing can have reached the
 * client (retryable) lets a later command try again.
 */
import { isOpen, nextOpening, type ContactHours } from "../delivery/hours.js";
import type { LedgerEvent } from "../delivery/ledger.js";
import { inboxEvents } from "./state.js";

/**
 * The off-period `instant` falls in: when contact hours next open (ISO), or "never"; undefined
 * inside contact hours or when none are set (then the practice is always "open").
 */
export function offPeriod(hours: ContactHours | undefined, instant: Date): string | undefined {
  if (hours === undefined || isOpen(hours, instant)) return undefined;
  const next = nextOpening(hours, instant);
  return next === null ? "never" : next.toISOString();
}

export interface NoticeDue {
  readonly client: string;
  /** The channel the client's latest message in the period came through. */
  readonly channel: string;
  readonly period: string;
}

/** Away notices due at `now`, from the ledger: at most one per client and off-period. */
export function dueNotices(events: readonly LedgerEvent[], hours: ContactHours | undefined, now: Date): NoticeDue[] {
  const current = offPeriod(hours, now);
  if (current === undefined) return [];
  const wanted = new Map<string, NoticeDue>();
  const done = new Set<string>();
  for (const e of inboxEvents(events)) {
    if (e.ev === "received" && e.away === current) {
      wanted.set(`${e.client}\0${e.away}`, { client: e.client, channel: e.channel, period: e.away });
    } else if (e.ev === "away") {
      const key = `${e.client}\0${e.period}`;
      if (e.state === "failed" && e.retryable === true) done.delete(key);
      else done.add(key);
    }
  }
  return [...wanted.entries()].filter(([key]) => !done.has(key)).map(([, due]) => due);
}
