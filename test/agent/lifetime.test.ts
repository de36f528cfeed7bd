/** How long the agent holds the keys: durations, the end of today's contact hours, the idle time. */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { formatDuration, idleTime, lifetimeEnd, parseDuration } from "../../src/agent/lifetime.js";
import { closingToday, contactHours } from "../../src/delivery/hours.js";

const berlin = contactHours({ spec: "mo-fr 09:00-12:00, 14:00-18:00; sa 10:00-12:00", tz: "Europe/Berlin", off: [{ from: "2026-12-24", to: "2026-12-26" }] });

describe("agent lifetime", () => {
  it("reads durations as people write them, and nothing else", () => {
    expect(parseDuration("30m")).toBe(30 * 60_000);
    expect(parseDuration("8h")).toBe(8 * 3_600_000);
    expect(parseDuration("1h30m")).toBe(90 * 60_000);
    expect(parseDuration("1h 30min")).toBe(90 * 60_000);
    expect(parseDuration("45s")).toBe(45_000);
    expect(parseDuration("  24 h 1440 min 86400 s  ")).toBe(3 * 86_400_000);
    for (const bad of ["", "30", "m", "-5m", "0m", "1d", "1.5h", "h30m", "30m 1h", "eight hours"]) {
      expect(() => parseDuration(bad), bad).toThrow(expect.objectContaining({ key: "agent.badDuration", code: 2 }));
    }
  });

  it("refuses a long run of spaces with a stray character at once (it backtracked for minutes)", () => {
    const started = performance.now();
    for (const n of [200, 800, 5000]) expect(() => parseDuration(`${" ".repeat(n)}x`)).toThrow(expect.objectContaining({ key: "agent.badDuration" }));
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("property: h, m and s parts add up", () => {
    fc.assert(
      fc.property(fc.nat(30), fc.nat(200), fc.nat(200), (h, m, s) => {
        fc.pre(h + m + s > 0);
        expect(parseDuration(`${h}h${m}m${s}s`)).toBe(((h * 60 + m) * 60 + s) * 1000);
      }),
    );
  });

  it("lasts until the end of today's contact hours (the last window), else 8 hours; --for wins, at most a day", () => {
    const at = (iso: string) => new Date(iso);
    // Monday 07:30 in Berlin (winter, UTC+1): until 18:00, past the lunch break.
    expect(lifetimeEnd(at("2026-11-30T06:30:00Z"), berlin).toISOString()).toBe("2026-11-30T17:00:00.000Z");
    // During the lunch break, and in the last window.
    expect(lifetimeEnd(at("2026-11-30T12:30:00Z"), berlin).toISOString()).toBe("2026-11-30T17:00:00.000Z");
    // Saturday: until 12:00.
    expect(lifetimeEnd(at("2026-12-05T08:00:00Z"), berlin).toISOString()).toBe("2026-12-05T11:00:00.000Z");
    // After hours, on Sunday, on a day off, without contact hours: 8 hours.
    for (const [now, hours] of [
      ["2026-11-30T17:30:00Z", berlin],
      ["2026-12-06T09:00:00Z", berlin],
      ["2026-12-24T09:00:00Z", berlin],
      ["2026-11-30T09:00:00Z", undefined],
    ] as const) {
      expect(lifetimeEnd(at(now), hours).getTime() - at(now).getTime(), now).toBe(8 * 3_600_000);
    }
    expect(lifetimeEnd(at("2026-11-30T06:30:00Z"), berlin, "30m").toISOString()).toBe("2026-11-30T07:00:00.000Z");
    expect(() => lifetimeEnd(at("2026-11-30T06:30:00Z"), berlin, "25h")).toThrow(expect.objectContaining({ key: "agent.tooLong" }));
  });

  it("a window to midnight ends at midnight; a daylight-saving day still ends at its local closing time", () => {
    const late = contactHours({ spec: "mo-su 20:00-24:00", tz: "Europe/Berlin", off: [] });
    expect(closingToday(late, new Date("2026-11-30T19:30:00Z"))?.toISOString()).toBe("2026-11-30T23:00:00.000Z");
    // 29 March 2026: clocks go forward at 02:00; 18:00 local is 16:00 UTC.
    const sunday = contactHours({ spec: "so 09:00-18:00", tz: "Europe/Berlin", off: [] });
    expect(closingToday(sunday, new Date("2026-03-29T06:00:00Z"))?.toISOString()).toBe("2026-03-29T16:00:00.000Z");
  });

  it("idles for --idle, else the configured minutes, else 60 minutes", () => {
    expect(idleTime("15m", 30)).toBe(15 * 60_000);
    expect(idleTime(undefined, 30)).toBe(30 * 60_000);
    // Also what would make no idle time (1e308 became Infinity, then null in the agent's input)
    // or no minute at all: the same bounds as --idle.
    for (const odd of [undefined, 0, -5, "30", Number.NaN, 1e308, Number.POSITIVE_INFINITY, 0.00001, 24 * 60 + 1]) expect(idleTime(undefined, odd), String(odd)).toBe(60 * 60_000);
    expect(idleTime(undefined, 24 * 60)).toBe(24 * 3_600_000);
    // At most a day, as --for: an idle time longer than any lifetime is a typo.
    expect(idleTime("24h", undefined)).toBe(24 * 3_600_000);
    expect(() => idleTime("25h", undefined)).toThrow(expect.objectContaining({ key: "agent.tooLong", code: 2 }));
  });

  it("says an idle time as it can be typed again, to the second (a 1s idle said '0 minutes')", () => {
    expect([1000, 45_000, 90_000, 3_600_000, 5_400_000, 3_661_000, 0].map(formatDuration)).toEqual(["1s", "45s", "1m30s", "1h", "1h30m", "1h1m1s", "0s"]);
    fc.assert(fc.property(fc.integer({ min: 1, max: 24 * 3600 }), (seconds) => parseDuration(formatDuration(seconds * 1000)) === seconds * 1000));
  });
});
