/**
 * Money: GOÄ fees from the published point value and factor (REFERENCES.md: no. 1 = 10.72 €,
 * no. 3 = 20.11 € at 2.3), hourly amounts with the practice's rounding, all in integer cents.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  billEntry,
  billedMinutes,
  billingSettings,
  formatCents,
  goaeCents,
  goaeItem,
  hourlyCents,
  parseEuros,
  parseFactor,
  parseHourlyRate,
  parseRounding,
} from "../../src/records/billing.js";
import { addSpan, formatMinutes, parseContactMinutes, parseSpan } from "../../src/records/duration.js";
import { buildReport, reportCsv } from "../../src/records/report.js";
import type { TimeEntry } from "../../src/records/time.js";

describe("GOÄ", () => {
  it("bills no. 1 at 10.72 € and no. 3 at 20.11 € with the standard factor 2.3", () => {
    expect(goaeCents(80, 230)).toBe(1072);
    expect(goaeCents(150, 230)).toBe(2011);
    // Factor 1.0 and the maximum 3.5: 4.66 / 8.74 and 16.32 / 30.60.
    expect(goaeCents(80, 100)).toBe(466);
    expect(goaeCents(150, 100)).toBe(874);
    expect(goaeCents(80, 350)).toBe(1632);
    expect(goaeCents(150, 350)).toBe(3060);
  });

  it("chooses the item by duration: under 10 minutes no. 1, from 10 minutes no. 3, never both", () => {
    expect(goaeItem(1).number).toBe("1");
    expect(goaeItem(9).number).toBe("1");
    expect(goaeItem(10).number).toBe("3");
    expect(goaeItem(240).number).toBe("3");
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1440 }), (minutes) => {
        const bill = billEntry(minutes, "goae", billingSettings({}));
        expect(["GOÄ 1", "GOÄ 3"]).toContain(bill.item);
        expect(bill.cents).toBe(minutes >= 10 ? 2011 : 1072);
      }),
    );
  });

  it("rounds half up exactly, with no float anywhere (checked against rational arithmetic)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 100, max: 350 }), (points, factor) => {
        // exact = points × 582873 × factor / 10^7 cents; half up.
        const numerator = BigInt(points) * 582873n * BigInt(factor);
        const floor = numerator / 10_000_000n;
        const rest = numerator % 10_000_000n;
        const expected = Number(rest * 2n >= 10_000_000n ? floor + 1n : floor);
        expect(goaeCents(points, factor)).toBe(expected);
      }),
    );
  });
});

describe("hourly", () => {
  it("counts each started step and rounds the amount half up to the cent", () => {
    expect(billedMinutes(61, 15)).toBe(75);
    expect(billedMinutes(60, 15)).toBe(60);
    expect(billedMinutes(1, 10)).toBe(10);
    expect(billedMinutes(7, 1)).toBe(7);
    expect(hourlyCents(61, 9000, 15)).toEqual({ billed: 75, cents: 11250 });
    // 95 €/h for 7 minutes = 11.0833… € → 11.08; 1 minute at 92.50 €/h = 1.541666… → 1.54.
    expect(hourlyCents(7, 9500, 1)).toEqual({ billed: 7, cents: 1108 });
    expect(hourlyCents(1, 9250, 1)).toEqual({ billed: 1, cents: 154 });
    // 1 minute at 0.30 €/h = 0.5 cent → half up: 1 cent.
    expect(hourlyCents(1, 30, 1)).toEqual({ billed: 1, cents: 1 });
  });

  it("never bills less than the time spent, and at most one step more", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1440 }), fc.constantFrom<1 | 5 | 10 | 15>(1, 5, 10, 15), (minutes, step) => {
        const billed = billedMinutes(minutes, step);
        expect(billed).toBeGreaterThanOrEqual(minutes);
        expect(billed - minutes).toBeLessThan(step);
        expect(billed % step).toBe(0);
      }),
    );
  });

  it("refuses to bill hourly without a rate (exit 2, naming the command)", () => {
    expect(() => billEntry(30, "hourly", billingSettings({}))).toThrow(expect.objectContaining({ key: "billing.noRate", code: 2 }));
  });
});

describe("parsing what people type", () => {
  it("reads amounts, factors and rounding steps", () => {
    expect(parseEuros("90")).toBe(9000);
    expect(parseEuros("92,5")).toBe(9250);
    expect(parseEuros("92.50")).toBe(9250);
    expect(() => parseEuros("92.505")).toThrow();
    expect(() => parseEuros("-5")).toThrow();
    expect(() => parseEuros("0")).toThrow();
    // An hourly rate: up to 2000 EUR; above, a separator left out.
    expect(parseHourlyRate("2000")).toBe(200_000);
    expect(parseHourlyRate("92,50")).toBe(9250);
    for (const typo of ["9250", "2000.01", "999999.99"]) expect(() => parseHourlyRate(typo), typo).toThrow(/billing.rateTooHigh/);
    expect(parseFactor("2.3")).toBe(230);
    expect(parseFactor("2,3")).toBe(230);
    expect(parseFactor("3.5")).toBe(350);
    expect(() => parseFactor("3.6")).toThrow();
    expect(() => parseFactor("0.9")).toThrow();
    expect(parseRounding("15m")).toBe(15);
    expect(parseRounding("5")).toBe(5);
    expect(() => parseRounding("7m")).toThrow();
    expect(formatCents(1072)).toBe("10.72");
    expect(formatCents(5)).toBe("0.05");
  });

  it("reads durations and spans", () => {
    expect(parseContactMinutes("15m")).toBe(15);
    expect(parseContactMinutes("1h30m")).toBe(90);
    expect(parseContactMinutes("1h")).toBe(60);
    expect(parseContactMinutes("45")).toBe(45);
    expect(parseContactMinutes("2h 5min")).toBe(125);
    expect(parseContactMinutes("90m")).toBe(90);
    expect(parseContactMinutes("1h59m")).toBe(119);
    for (const bad of ["", "0m", "h", "1.5h", "25h", "-5m", "1h30", "1h61m", "0h60m"]) expect(() => parseContactMinutes(bad), bad).toThrow();
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1440 }), (m) => {
        expect(parseContactMinutes(formatMinutes(m))).toBe(m);
      }),
    );
    expect(addSpan("2016-02-29", parseSpan("10y"))).toBe("2026-03-01");
    expect(addSpan("2016-05-31", parseSpan("1m"))).toBe("2016-07-01");
    expect(addSpan("2026-11-30", parseSpan("30d"))).toBe("2026-12-30");
  });
});

describe("the report", () => {
  const entry = (id: string, client: string, day: string, minutes: number): TimeEntry => ({
    id, client, day, minutes, kind: "phone", source: "manual", created: "2026-11-01T00:00:00Z", updated: "2026-11-01T00:00:00Z",
  });
  const A = "a".repeat(32);
  const B = "b".repeat(32);

  it("sums cents per client, and leaves out other months", () => {
    const clients = new Map([
      [A, { alias: "k1", name: "=HYPERLINK(\"x\")", billing: "goae" as const }],
      [B, { alias: "k2" }],
    ]);
    const settings = billingSettings({ profile: "hourly", hourlyCents: 9000, roundMinutes: 15 });
    const r = buildReport(
      [entry("e1", A, "2026-11-02", 5), entry("e2", A, "2026-11-03", 12), entry("e3", B, "2026-11-04", 61), entry("e4", B, "2026-10-31", 30)],
      clients,
      settings,
      { from: "2026-11-01", to: "2026-11-30" },
      false,
    );
    expect(r.lines.map((l) => [l.entry, l.item, l.cents])).toEqual([
      ["e1", "GOÄ 1", 1072],
      ["e2", "GOÄ 3", 2011],
      ["e3", "hourly", 11250],
    ]);
    expect(r.sums.map((s) => [s.alias, s.cents])).toEqual([
      ["k1", 3083],
      ["k2", 11250],
    ]);
    expect(r.totalCents).toBe(14333);
    const csv = reportCsv(r);
    // A name that looks like a formula is defused for spreadsheets.
    expect(csv).toContain(`"'=HYPERLINK(""x"")"`);
    expect(csv.split("\r\n").at(-2)).toBe("total,,,,,78,,,3,143.33,");
    expect(r.unregistered).toBe(0);
  });

  it("lists entries of clients no longer in the registry with a sum each, unbilled, and counts them", () => {
    const C = "c".repeat(32);
    const D = "d".repeat(32);
    const settings = billingSettings({ profile: "hourly", hourlyCents: 9000, roundMinutes: 15 });
    const r = buildReport(
      [entry("e1", A, "2026-11-02", 60), entry("e2", C, "2026-11-03", 30), entry("e3", D, "2026-11-04", 45), entry("e4", D, "2026-11-05", 15), entry("e5", C, "2026-10-31", 30)],
      new Map([[A, { alias: "k1" }]]),
      settings,
      { from: "2026-11-01", to: "2026-11-30" },
      false,
    );
    expect(r.sums.map((s) => [s.alias, s.entries, s.minutes, s.cents])).toEqual([
      ["? (cccccccc)", 1, 30, 0],
      ["? (dddddddd)", 2, 60, 0],
      ["k1", 1, 60, 9000],
    ]);
    expect(r.unregistered).toBe(3);
  });
});
