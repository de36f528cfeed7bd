/**
 * The purge's rule for one day of contact, and the earliest day `time log --on` accepts by it:
 * every day from that one to today is kept, the day before it would already be purged — also
 * where month ends roll over (1 February plus a month ends before 31 January plus one).
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { addSpan, parseSpan, type Span } from "../../src/records/duration.js";
import { earliestKeptDay, retentionEnded, retentionOf } from "../../src/records/retention.js";

const dayBefore = (day: string) => addSpan(day, { amount: -1, unit: "d" });

describe("the earliest day of contact still kept", () => {
  it("is the first day the purge keeps", () => {
    expect(earliestKeptDay("2026-12-02", parseSpan("10y"))).toBe("2016-12-02");
    expect(retentionEnded("2016-12-01", parseSpan("10y"), "2026-12-02")).toBe(true);
    // 29 February 2016 plus ten years is 1 March 2026: still kept on that day.
    expect(earliestKeptDay("2026-03-01", parseSpan("10y"))).toBe("2016-02-29");
    // 1 February 2027 plus a month is 1 March, 31 January plus a month 3 March.
    expect(earliestKeptDay("2027-03-02", parseSpan("1m"))).toBe("2027-02-02");
  });

  it("keeps every day from it to today and not the day before, for any today and span", () => {
    const today = fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2100-12-31T00:00:00Z"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    const span = fc.oneof(
      fc.integer({ min: 1, max: 30 }).map((amount): Span => ({ amount, unit: "y" })),
      fc.integer({ min: 1, max: 400 }).map((amount): Span => ({ amount, unit: "m" })),
    );
    fc.assert(
      fc.property(today, span, (t, s) => {
        const earliest = earliestKeptDay(t, s);
        expect(earliest <= t).toBe(true);
        expect(retentionEnded(dayBefore(earliest), s, t)).toBe(true);
        for (let day = earliest, i = 0; day <= t && i < 40; day = addSpan(day, { amount: 1, unit: "d" }), i++) expect(retentionEnded(day, s, t), day).toBe(false);
      }),
    );
  });
});

describe("traces that are no contact (contact time removed with `time remove`)", () => {
  const client = (alias: string, created: string) => ({ alias, lang: "de" as const, created, pinnedKeys: {}, consents: [] });
  const tagOf = (alias: string) => alias.padEnd(32, "0");

  it("do not move a client's last contact, and date a tag that has nothing else", () => {
    const state = retentionOf({
      clients: [client("aa", "2016-03-01T10:00:00Z")],
      tags: new Map([["aa", tagOf("aa")]]),
      events: [],
      time: [],
      // aa: an entry logged and removed in 2027 by mistake; bb (removed from the registry): only such lines.
      traces: new Map([
        [tagOf("aa"), ["2027-05-01"]],
        [tagOf("bb"), ["2020-02-02"]],
      ]),
      retention: parseSpan("10y"),
      tz: "UTC",
      today: "2026-03-02",
    });
    expect(state.map((c) => [c.tag, c.lastContact, c.expired])).toEqual([
      [tagOf("aa"), "2016-03-01", true],
      [tagOf("bb"), "2020-02-02", false],
    ]);
  });
});

describe("a forgotten client", () => {
  const tagOf = (alias: string) => alias.padEnd(32, "0");

  it("has no contact after the day they were forgotten: reading their message later does not restart the retention", () => {
    const forgottenClient = { alias: "k42", lang: "de" as const, created: "2016-12-01T10:00:00Z", pinnedKeys: {}, consents: [], forgotten: "2016-12-07" };
    const events = [
      { ev: "received", id: "m1", client: tagOf("k42"), channel: "signal", arrived: "2016-12-05T10:00:00Z", files: 0, at: "2016-12-05T10:00:00Z" },
      // Read two weeks after the erasure, with its read receipt (which forget's day leaves out).
      { ev: "read", id: "m1", client: tagOf("k42"), at: "2016-12-20T10:00:00Z" },
    ] as unknown as Parameters<typeof retentionOf>[0]["events"];
    const input = {
      clients: [forgottenClient],
      tags: new Map([["k42", tagOf("k42")]]),
      events,
      // An entry moved past the erasure (time edit --on) counts no more than the reading.
      time: [{ client: tagOf("k42"), day: "2016-12-21" }] as unknown as Parameters<typeof retentionOf>[0]["time"],
      retention: parseSpan("10y"),
      tz: "UTC",
      today: "2026-12-08",
    };
    const [state] = retentionOf(input);
    expect([state?.lastContact, state?.expired]).toEqual(["2016-12-05", true]);
    // A message decoded on the day of the erasure (forget decodes what waits) counts on the day it arrived.
    const decodedLate = [{ ev: "received", id: "m2", client: tagOf("k42"), channel: "signal", arrived: "2016-12-03T10:00:00Z", files: 0, at: "2016-12-07T09:00:00Z" }] as unknown as Parameters<typeof retentionOf>[0]["events"];
    expect(retentionOf({ ...input, events: decodedLate, time: [] })[0]?.lastContact).toBe("2016-12-03");
    // The same events for a client not forgotten: the reading is contact.
    const [active] = retentionOf({ ...input, clients: [{ ...forgottenClient, forgotten: undefined }] });
    expect([active?.lastContact, active?.expired]).toEqual(["2016-12-21", false]);
  });
});
