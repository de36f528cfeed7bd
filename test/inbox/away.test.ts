/** The away notice's rules as properties: off-periods, at most one notice each, never inside hours. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { contactHours, isOpen, nextOpening } from "../../src/delivery/hours.js";
import type { LedgerEvent } from "../../src/delivery/ledger.js";
import { dueNotices, offPeriod } from "../../src/inbox/away.js";

const START = Date.parse("2026-10-19T00:00:00Z"); // a Monday; the weeks after include the DST change
const WEEKS = 3 * 7 * 86_400_000;
const instant = fc.integer({ min: 0, max: WEEKS }).map((ms) => new Date(START + ms));
const hoursWith = (off: { from: string; to: string }[]) => contactHours({ spec: "mo-fr 09:00-17:00; sa 10:00-12:00", tz: "Europe/Berlin", off });
const daysOff = fc.array(fc.integer({ min: 0, max: 20 }).map((d) => new Date(START + d * 86_400_000).toISOString().slice(0, 10)), { maxLength: 3 }).map((days) => days.map((d) => ({ from: d, to: d })));
const tag = (n: number) => n.toString(16).padStart(32, "0");
const msg = (n: number) => `f${n.toString(16).padStart(31, "0")}`;

function received(n: number, client: number, arrived: Date, hours: ReturnType<typeof hoursWith>): LedgerEvent {
  const away = offPeriod(hours, arrived);
  return { v: 1, at: arrived.toISOString(), ev: "received", msg: msg(n), client: tag(client), channel: "signal", channelType: "signal", arrived: arrived.toISOString(), files: 0, ...(away === undefined ? {} : { away }) };
}

function away(due: { client: string; period: string }, state: "sending" | "sent" | "failed" | "skipped", retryable?: boolean): LedgerEvent {
  return { v: 1, at: new Date().toISOString(), ev: "away", client: due.client, channel: "signal", period: due.period, state, ...(retryable === undefined ? {} : { retryable }) };
}

describe("off-periods", () => {
  it("exist exactly outside contact hours, and last until contact hours next open", () => {
    fc.assert(
      fc.property(daysOff, instant, fc.double({ min: 0, max: 1, noNaN: true }), (off, at, fraction) => {
        const hours = hoursWith(off);
        const period = offPeriod(hours, at);
        expect(period === undefined).toBe(isOpen(hours, at));
        if (period === undefined) return;
        const opens = nextOpening(hours, at);
        expect(period).toBe(opens === null ? "never" : opens.toISOString());
        if (opens === null) return;
        // Any moment until then is the same off-period; the opening itself is not off.
        const later = new Date(at.getTime() + Math.floor((opens.getTime() - at.getTime()) * fraction * 0.999));
        expect(offPeriod(hours, later)).toBe(period);
        expect(offPeriod(hours, opens)).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it("are none without contact hours", () => {
    fc.assert(
      fc.property(instant, (at) => {
        expect(offPeriod(undefined, at)).toBeUndefined();
      }),
    );
  });
});

describe("due away notices", () => {
  const scenario = fc.record({
    off: daysOff,
    messages: fc.array(fc.record({ client: fc.integer({ min: 1, max: 3 }), at: instant }), { minLength: 1, maxLength: 25 }),
    now: instant,
  });

  it("are never due inside contact hours, only for the current off-period, one per client", () => {
    fc.assert(
      fc.property(scenario, ({ off, messages, now }) => {
        const hours = hoursWith(off);
        const events = messages.filter((m) => m.at <= now).map((m, i) => received(i, m.client, m.at, hours));
        const due = dueNotices(events, hours, now);
        if (isOpen(hours, now)) expect(due).toEqual([]);
        for (const d of due) expect(d.period).toBe(offPeriod(hours, now));
        expect(new Set(due.map((d) => d.client)).size).toBe(due.length);
        // A client is due only with a message that arrived in this off-period.
        for (const d of due) expect(events.some((e) => e.ev === "received" && e.client === d.client && e.away === d.period)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("are done once sending, sent or skipped; only a retryable failure makes them due again", () => {
    fc.assert(
      fc.property(scenario, fc.constantFrom("sending", "sent", "skipped", "failed-final", "failed-retryable"), ({ off, messages, now }, outcome) => {
        const hours = hoursWith(off);
        const events = messages.map((m, i) => received(i, m.client, m.at, hours));
        const due = dueNotices(events, hours, now);
        const after = [
          ...events,
          ...due.map((d) =>
            outcome === "failed-final" ? away(d, "failed", false) : outcome === "failed-retryable" ? away(d, "failed", true) : away(d, outcome),
          ),
        ];
        expect(dueNotices(after, hours, now)).toEqual(outcome === "failed-retryable" ? due : []);
        // More messages in the same off-period change nothing once it is done.
        const more = [...after, ...messages.map((m, i) => received(100 + i, m.client, now, hours))];
        if (outcome !== "failed-retryable") expect(dueNotices(more, hours, now).filter((d) => due.some((e) => e.client === d.client))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it("are not due for a message from an off-period that has ended", () => {
    const hours = hoursWith([]);
    const friday = new Date("2026-10-23T18:00:00+02:00");
    const events = [received(1, 1, friday, hours)];
    expect(dueNotices(events, hours, new Date("2026-10-24T09:00:00+02:00"))).toHaveLength(1);
    // Saturday 10:00-12:00 are contact hours: the Friday evening off-period ended then.
    expect(dueNotices(events, hours, new Date("2026-10-24T11:00:00+02:00"))).toEqual([]);
    expect(dueNotices(events, hours, new Date("2026-10-24T13:00:00+02:00"))).toEqual([]);
  });
});
