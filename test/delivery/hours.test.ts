import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { closingToday, contactHours, formatLocal, formatWindows, goesOutAt, isOpen, mayGoOut, nextOpening, parseDaysOff, parseLocalTime, parseWindows } from "../../src/delivery/hours.js";
import { UserError } from "../../src/errors.js";

const berlin = contactHours({ spec: "mo-fr 09:00-18:00", tz: "Europe/Berlin", off: [] });

describe("contact hours", () => {
  it("parses day ranges, lists, German day names and several windows", () => {
    expect(parseWindows("mo-fr 09:00-18:00")).toEqual([{ days: [1, 2, 3, 4, 5], from: 540, to: 1080 }]);
    expect(parseWindows("di,do 08:30-12:00 14:00-16:00; sa 10:00-12:00")).toEqual([
      { days: [2, 4], from: 510, to: 720 },
      { days: [2, 4], from: 840, to: 960 },
      { days: [6], from: 600, to: 720 },
    ]);
    expect(parseWindows("sa-mo 10:00-24:00")[0]?.days).toEqual([1, 6, 7]);
    expect(formatWindows(parseWindows("Mo-Fr 9:00-18:00"))).toBe("mo-fr 09:00-18:00");
  });

  it("reads the forms people write: hours alone, Uhr, h, en dashes, dots, spaces around dashes", () => {
    const table: [string, string][] = [
      ["mo-fr 9-18 Uhr", "mo-fr 09:00-18:00"],
      ["mo–do 9–18 Uhr", "mo-th 09:00-18:00"],
      ["Mo - Do 9 - 18 Uhr", "mo-th 09:00-18:00"],
      ["mo-fr 09:00-18:00", "mo-fr 09:00-18:00"],
      ["9-18 Uhr", "mo-fr 09:00-18:00"],
      ["9–18", "mo-fr 09:00-18:00"],
      ["di 8.30-12 Uhr 14-16h; sa 10-12", "tu 08:30-12:00; tu 14:00-16:00; sa 10:00-12:00"],
      ["mo-fr 9:30-17:45 uhr", "mo-fr 09:30-17:45"],
    ];
    for (const [input, stored] of table) expect(formatWindows(parseWindows(input)), input).toBe(stored);
  });

  it("echoes day names in the user's language and reads both back (property)", () => {
    expect(formatWindows(parseWindows("mo-do 09:00-18:00"), "de")).toBe("mo-do 09:00-18:00");
    expect(formatWindows(parseWindows("mo-do 09:00-18:00"), "en")).toBe("mo-th 09:00-18:00");
    expect(formatWindows(parseWindows("di,mi,so 10-12"), "de")).toBe("di,mi,so 10:00-12:00");
    const window = fc
      .record({
        days: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }).map((d) => d.sort((a, b) => a - b)),
        from: fc.integer({ min: 0, max: 23 * 60 + 58 }),
        length: fc.integer({ min: 1, max: 24 * 60 }),
      })
      .map(({ days, from, length }) => ({ days, from, to: Math.min(from + length, 24 * 60) }));
    fc.assert(
      fc.property(fc.array(window, { minLength: 1, maxLength: 4 }), fc.constantFrom("de" as const, "en" as const), (windows, lang) => {
        expect(parseWindows(formatWindows(windows, lang))).toEqual(windows);
      }),
    );
  });

  it("rejects what it cannot read, naming the part", () => {
    for (const bad of ["", "mo-fr", "xx 09:00-10:00", "mo 09:60-10:00", "mo 24:00-24:00", "mo 9-25", "9-18 Uhrzeit", "mo 9:5-10", "mo-fr Uhr"]) {
      expect(() => parseWindows(bad), bad).toThrow(expect.objectContaining({ key: "hours.badSpec" }));
    }
    // Readable, but ending before (or when) it starts: said so, naming the range.
    for (const [spec, part] of [["mo 10:00-09:00", "10:00-09:00"], ["mo 18-9 Uhr", "18-9"], ["mo-fr 9-9", "9-9"], ["sa 10-12; so 12:30-12.30", "12:30-12.30"]]) {
      expect(() => parseWindows(spec ?? ""), spec).toThrow(expect.objectContaining({ key: "hours.endNotAfterStart", params: { spec, part } }));
    }
    expect(() => contactHours({ spec: "mo 09:00-10:00", tz: "Mars/Olympus", off: [] })).toThrow(UserError);
  });

  it("knows when it is open, in local time", () => {
    // Monday 2026-11-23 08:30 UTC = 09:30 CET.
    expect(isOpen(berlin, new Date("2026-11-23T08:30:00Z"))).toBe(true);
    expect(isOpen(berlin, new Date("2026-11-23T07:59:00Z"))).toBe(false);
    expect(isOpen(berlin, new Date("2026-11-23T17:00:00Z"))).toBe(false); // 18:00 local: end excluded
    expect(isOpen(berlin, new Date("2026-11-28T10:00:00Z"))).toBe(false); // Saturday
    expect(isOpen(undefined, new Date("2026-11-28T03:00:00Z"))).toBe(true);
  });

  it("lets a due follow-up go out only inside contact hours, unless it was planned outside them", () => {
    const mondayNine = { due: new Date("2026-11-23T08:00:00Z"), anyTime: false }; // 09:00 CET, as nextOpening gives it
    expect(mayGoOut(berlin, mondayNine, new Date("2026-11-23T07:59:00Z"))).toBe(false); // not yet
    expect(mayGoOut(berlin, mondayNine, new Date("2026-11-23T08:00:00Z"))).toBe(true);
    // A flush at 20:00 (late, or a retry after a failure): it waits for Tuesday 09:00.
    expect(mayGoOut(berlin, mondayNine, new Date("2026-11-23T19:00:00Z"))).toBe(false);
    expect(mayGoOut(berlin, mondayNine, new Date("2026-11-24T08:00:00Z"))).toBe(true);
    // Planned on a Saturday on purpose (`send --series --now`): it goes when it is due.
    const saturday = { due: new Date("2026-11-28T10:00:00Z"), anyTime: true };
    expect(mayGoOut(berlin, saturday, new Date("2026-11-28T10:10:00Z"))).toBe(true);
    expect(mayGoOut(undefined, mondayNine, new Date("2026-11-23T23:00:00Z"))).toBe(true);
  });

  it("lets a follow-up queued for contact hours wait when the hours change before it goes (a day off, a narrower window)", () => {
    // Queued on Friday evening for Monday 09:00; then Monday became a day off, or the hours moved to Tuesday–Friday.
    const mondayNine = { due: new Date("2026-11-23T08:00:00Z"), anyTime: false };
    const dayOff = contactHours({ spec: "mo-fr 09:00-18:00", tz: "Europe/Berlin", off: [{ from: "2026-11-23", to: "2026-11-23" }] });
    const tuesdayOn = contactHours({ spec: "di-fr 09:00-18:00", tz: "Europe/Berlin", off: [] });
    for (const hours of [dayOff, tuesdayOn]) {
      // Monday 09:10 and 23:30: not open under the hours as they are now.
      expect(mayGoOut(hours, mondayNine, new Date("2026-11-23T08:10:00Z"))).toBe(false);
      expect(mayGoOut(hours, mondayNine, new Date("2026-11-23T22:30:00Z"))).toBe(false);
      expect(mayGoOut(hours, mondayNine, new Date("2026-11-24T08:00:00Z"))).toBe(true);
      // And outbox list says Tuesday 09:00, not the Monday it was queued for.
      expect(goesOutAt(hours, mondayNine, new Date("2026-11-20T19:00:00Z")).toISOString()).toBe("2026-11-24T08:00:00.000Z");
      expect(goesOutAt(hours, mondayNine, new Date("2026-11-23T22:30:00Z")).toISOString()).toBe("2026-11-24T08:00:00.000Z");
    }
  });

  it("waits over the weekend to Monday 09:00 local", () => {
    const next = nextOpening(berlin, new Date("2026-11-27T19:00:00Z")); // Friday 20:00 CET
    expect(next?.toISOString()).toBe("2026-11-30T08:00:00.000Z");
  });

  it("follows the daylight-saving change (Berlin: 2026-10-25 back to CET, 2026-03-29 to CEST)", () => {
    // Saturday 24 Oct 2026, CEST (UTC+2); Monday 26 Oct is CET (UTC+1): 09:00 local = 08:00Z.
    expect(nextOpening(berlin, new Date("2026-10-24T10:00:00Z"))?.toISOString()).toBe("2026-10-26T08:00:00.000Z");
    // Saturday 28 Mar 2026 CET; Monday 30 Mar is CEST: 09:00 local = 07:00Z.
    expect(nextOpening(berlin, new Date("2026-03-28T10:00:00Z"))?.toISOString()).toBe("2026-03-30T07:00:00.000Z");
  });

  it("starts a window that begins in the skipped hour at the first valid instant", () => {
    const night = contactHours({ spec: "so 02:30-04:00", tz: "Europe/Berlin", off: [] });
    // 29 Mar 2026 02:00 CET jumps to 03:00 CEST (01:00Z); 02:30 local does not exist.
    const next = nextOpening(night, new Date("2026-03-28T12:00:00Z"));
    expect(next?.toISOString()).toBe("2026-03-29T01:00:00.000Z");
    expect(isOpen(night, next!)).toBe(true);
    expect(isOpen(night, new Date(next!.getTime() - 1))).toBe(false);
  });

  it("starts a window that begins in the repeated hour at its first occurrence", () => {
    // 31 Oct 2027 03:00 CEST goes back to 02:00 CET (01:00Z): 02:00 local is both 00:00Z and 01:00Z.
    const night = contactHours({ spec: "mo-su 02:00-03:30", tz: "Europe/Berlin", off: [] });
    expect(nextOpening(night, new Date("2027-10-30T01:30:00Z"))?.toISOString()).toBe("2027-10-31T00:00:00.000Z");
    // New York, 7 Nov 2027 02:00 EDT goes back to 01:00 EST (06:00Z): 01:30 EDT (05:30Z) comes first.
    const ny = contactHours({ spec: "mo-su 01:00-01:10 01:30-01:40", tz: "America/New_York", off: [] });
    expect(nextOpening(ny, new Date("2027-11-07T05:15:00Z"))?.toISOString()).toBe("2027-11-07T05:30:00.000Z");
    // After the first occurrence has passed, the repeat is the next opening.
    expect(nextOpening(ny, new Date("2027-11-07T05:45:00Z"))?.toISOString()).toBe("2027-11-07T06:00:00.000Z");
  });

  it("a window to 24:00 closes at the first midnight where the clocks go back from 01:00 to 00:00", () => {
    // Havana, Sunday 7 November 2027: at 01:00 CDT the clocks go back to 00:00 CST, so Sunday's
    // midnight shows twice (04:00Z and 05:00Z); Saturday has ended at the first.
    const saturday = contactHours({ spec: "sa 00:00-24:00", tz: "America/Havana", off: [] });
    const close = closingToday(saturday, new Date("2027-11-06T16:00:00Z"));
    expect(close?.toISOString()).toBe("2027-11-07T04:00:00.000Z");
    expect(isOpen(saturday, new Date(close!.getTime() - 1000))).toBe(true);
    expect(isOpen(saturday, close!)).toBe(false);
  });

  it("skips days off (holidays), both ends included", () => {
    const hours = contactHours({ spec: "mo-fr 09:00-18:00", tz: "Europe/Berlin", off: [parseDaysOff("2026-12-23..2027-01-06")] });
    expect(isOpen(hours, new Date("2026-12-23T10:00:00Z"))).toBe(false);
    expect(nextOpening(hours, new Date("2026-12-22T18:00:00Z"))?.toISOString()).toBe("2027-01-07T08:00:00.000Z");
    expect(parseDaysOff("2026-12-24")).toEqual({ from: "2026-12-24", to: "2026-12-24" });
    expect(() => parseDaysOff("2026-12-24..2026-12-01")).toThrow(UserError);
    expect(() => parseDaysOff("2026-02-30")).toThrow(UserError);
  });

  it("returns null when nothing ever opens", () => {
    const hours = contactHours({ spec: "mo 09:00-10:00", tz: "UTC", off: [{ from: "2026-01-01", to: "2030-01-01" }] });
    expect(nextOpening(hours, new Date("2026-06-01T00:00:00Z"))).toBeNull();
  });

  it("reads typed times in the practice's zone", () => {
    expect(parseLocalTime("2026-12-03 16:00", "Europe/Berlin").toISOString()).toBe("2026-12-03T15:00:00.000Z");
    expect(parseLocalTime("2026-07-03T16:00", "Europe/Berlin").toISOString()).toBe("2026-07-03T14:00:00.000Z");
    expect(parseLocalTime("2026-07-03T16:00:00Z", "Europe/Berlin").toISOString()).toBe("2026-07-03T16:00:00.000Z");
    expect(() => parseLocalTime("tomorrow", "UTC")).toThrow(UserError);
  });

  it("a typed time in the hour that repeats as the clocks go back is its first occurrence, as the windows take it", () => {
    // 2026-10-25 in Berlin: 02:00–03:00 runs twice, first at +02:00, then at +01:00.
    const at = parseLocalTime("2026-10-25 02:30", "Europe/Berlin");
    expect(at.toISOString()).toBe("2026-10-25T00:30:00.000Z");
    const hours = contactHours({ spec: "so 02:30-04:00", tz: "Europe/Berlin", off: [] });
    expect(nextOpening(hours, new Date("2026-10-24T12:00:00Z"))?.toISOString()).toBe(at.toISOString());
    expect(isOpen(hours, at)).toBe(true);
    expect(parseLocalTime("2026-10-25T02:00", "Europe/Berlin").toISOString()).toBe("2026-10-25T00:00:00.000Z");
    expect(parseLocalTime("2026-10-25 03:00", "Europe/Berlin").toISOString()).toBe("2026-10-25T02:00:00.000Z");
  });

  it("a typed time the clocks skip as they go forward is refused in one line naming the time they jump to", () => {
    let error: unknown;
    try {
      parseLocalTime("2026-03-29 02:30", "Europe/Berlin");
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 2, key: "time.skipped", params: { value: "2026-03-29 02:30", tz: "Europe/Berlin", jump: "2026-03-29 03:00" } });
    expect(parseLocalTime("2026-03-29 03:00", "Europe/Berlin").toISOString()).toBe("2026-03-29T01:00:00.000Z");
    expect(parseLocalTime("2026-03-29 01:59", "Europe/Berlin").toISOString()).toBe("2026-03-29T00:59:00.000Z");
  });

  it("property: a typed local time is the earliest instant whose clocks show it, or refused as skipped", () => {
    const zones = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "America/Havana", "Australia/Lord_Howe", "UTC"];
    const instant = fc.date({ min: new Date("2026-01-01T00:00:00Z"), max: new Date("2027-12-31T00:00:00Z"), noInvalidDate: true });
    fc.assert(
      fc.property(fc.constantFrom(...zones), instant, (tz, near) => {
        const typed = DateTime.fromJSDate(near, { zone: tz }).toFormat("yyyy-MM-dd HH:mm");
        // Every instant within two hours either side whose clocks show the typed minute.
        const showing: number[] = [];
        const base = Math.floor(near.getTime() / 60_000) * 60_000;
        for (let m = -180; m <= 180; m++) {
          const at = base + m * 60_000;
          if (DateTime.fromMillis(at, { zone: tz }).toFormat("yyyy-MM-dd HH:mm") === typed) showing.push(at);
        }
        expect(parseLocalTime(typed, tz).getTime()).toBe(Math.min(...showing));
      }),
    );
    // And each minute of the skipped hours of those zones is refused, never moved silently.
    for (const [typed, tz] of [["2026-03-08 02:15", "America/New_York"], ["2026-10-04 02:10", "Australia/Sydney"], ["2026-10-04 02:10", "Australia/Lord_Howe"]] as const) {
      expect(() => parseLocalTime(typed, tz), `${typed} ${tz}`).toThrow(UserError);
    }
  });

  it("property: the next opening is open, not before the instant, and nothing between is open", () => {
    const zones = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC"];
    // The night windows cross daylight-saving changes (skipped and repeated hours) in every zone listed.
    const specs = [
      "mo-fr 09:00-18:00",
      "mo,mi,fr 08:00-12:00 13:00-17:30",
      "sa-so 10:00-11:00",
      "di 23:00-24:00",
      "mo-su 02:00-03:30",
      "mo-su 02:30-04:00",
      "mo-su 01:00-01:10 01:30-01:40",
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.constantFrom(...specs),
        fc.integer({ min: Date.parse("2026-01-01T00:00:00Z"), max: Date.parse("2028-12-31T00:00:00Z") }),
        (tz, spec, t) => {
          const hours = contactHours({ spec, tz, off: [] });
          const instant = new Date(t);
          const next = nextOpening(hours, instant);
          expect(next).not.toBeNull();
          expect(next!.getTime()).toBeGreaterThanOrEqual(t);
          expect(isOpen(hours, next!)).toBe(true);
          // Sample the gap: no earlier open minute (coarse: every 15 minutes).
          for (let m = t; m < next!.getTime() - 60_000; m += 15 * 60_000) expect(isOpen(hours, new Date(m))).toBe(false);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("formatLocal", () => {
  it("tells the two instants of the hour that repeats apart by their offset, and only those", () => {
    expect(formatLocal(new Date("2026-10-25T00:30:00Z"), "Europe/Berlin", "en")).toBe("Sun 2026-10-25 02:30 (Europe/Berlin, UTC+02:00)");
    expect(formatLocal(new Date("2026-10-25T01:30:00Z"), "Europe/Berlin", "en")).toBe("Sun 2026-10-25 02:30 (Europe/Berlin, UTC+01:00)");
    expect(formatLocal(new Date("2026-10-25T02:30:00Z"), "Europe/Berlin", "de")).toBe("So 2026-10-25 03:30 (Europe/Berlin)");
    expect(formatLocal(new Date("2026-12-03T15:00:00Z"), "Europe/Berlin", "en")).toBe("Thu 2026-12-03 16:00 (Europe/Berlin)");
  });
});
