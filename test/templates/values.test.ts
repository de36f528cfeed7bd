import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { coerceValue, formatDate, formatDateTime, formatNumber, formatTime, formatWeekdayDate, parseDate } from "../../src/templates/values.js";
import { t } from "../../src/messages/index.js";

describe("date and time formatting", () => {
  it("formats the issue's example in German and English", () => {
    expect(formatDateTime("de", "2026-12-03", "16:00")).toBe("3. Dezember 2026, 16:00 Uhr");
    expect(formatDateTime("en", "2026-12-03", "16:00")).toBe("3 December 2026, 4:00 pm");
  });

  it("names the weekday in the template's language", () => {
    expect(formatWeekdayDate("de", "2026-12-03")).toBe("Donnerstag, 3. Dezember 2026");
    expect(formatWeekdayDate("en", "2026-12-03")).toBe("Thursday, 3 December 2026");
  });

  it("writes morning, noon and midnight correctly on both clocks", () => {
    expect(formatTime("de", "09:05")).toBe("09:05 Uhr");
    expect(formatTime("en", "09:05")).toBe("9:05 am");
    expect(formatTime("en", "12:00")).toBe("12:00 pm");
    expect(formatTime("en", "00:30")).toBe("12:30 am");
    expect(formatTime("de", "00:30")).toBe("00:30 Uhr");
  });

  it("does not shift a date by the host's time zone", () => {
    // 1 January must stay 1 January wherever the machine is.
    expect(formatDate("de", "2027-01-01")).toBe("1. Januar 2027");
    expect(formatDate("en", "2027-01-01")).toBe("1 January 2027");
  });

  it("formats numbers with the language's separators", () => {
    expect(formatNumber("de", 1234.5)).toBe("1.234,5");
    expect(formatNumber("en", 1234.5)).toBe("1,234.5");
  });

  it("rejects what is not a date or time instead of printing nonsense", () => {
    expect(() => formatDate("de", "2026-02-30")).toThrow(/not a date/);
    expect(() => formatTime("en", "24:00")).toThrow(/not a time/);
  });

  it("property: every calendar day round-trips through coercion and shows its day, month name and year", () => {
    fc.assert(
      fc.property(fc.date({ min: new Date(Date.UTC(1900, 0, 1)), max: new Date(Date.UTC(2199, 11, 31)), noInvalidDate: true }), (date) => {
        const iso = date.toISOString().slice(0, 10);
        const coerced = coerceValue({ type: "date", required: true }, iso);
        expect(coerced).toEqual({ ok: true, value: iso });
        const german = `${date.getUTCDate()}.${date.getUTCMonth() + 1}.${date.getUTCFullYear()}`;
        expect(coerceValue({ type: "date", required: true }, german)).toEqual({ ok: true, value: iso });
        const de = formatDate("de", iso);
        const en = formatDate("en", iso);
        const month = { de: new Intl.DateTimeFormat("de-DE", { month: "long", timeZone: "UTC" }).format(date), en: new Intl.DateTimeFormat("en-GB", { month: "long", timeZone: "UTC" }).format(date) };
        expect(de).toBe(`${date.getUTCDate()}. ${month.de} ${date.getUTCFullYear()}`);
        expect(en).toBe(`${date.getUTCDate()} ${month.en} ${date.getUTCFullYear()}`);
      }),
    );
  });

  it("property: impossible days are rejected", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1900, max: 2199 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 29, max: 40 }), (y, m, d) => {
        const real = new Date(Date.UTC(y, m - 1, d)).getUTCMonth() === m - 1;
        const text = `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
        expect(parseDate(text) !== undefined).toBe(real);
      }),
    );
  });
});

describe("variable coercion", () => {
  it("accepts and normalises each type, and says what it expected otherwise", () => {
    expect(coerceValue({ type: "integer", required: false }, " 24 ")).toEqual({ ok: true, value: 24 });
    expect(coerceValue({ type: "integer", required: false }, "2.5")).toMatchObject({ ok: false });
    expect(coerceValue({ type: "time", required: false }, "9:05")).toEqual({ ok: true, value: "09:05" });
    expect(coerceValue({ type: "url", required: false }, "https://example.org")).toEqual({ ok: true, value: "https://example.org/" });
    expect(coerceValue({ type: "url", required: false }, "javascript:alert(1)")).toMatchObject({ ok: false });
    const maybe = coerceValue({ type: "enum", values: ["on", "off"], required: false }, "maybe");
    expect(maybe).toEqual({ ok: false, expected: "templates.expected.enum", values: "on, off" });
    // Said in either language from the catalogue (it was English in German lines too).
    if (!maybe.ok) {
      expect(t("de", "templates.varInvalid", { id: "x", name: "mode", value: "'maybe'", expected: maybe.expected, values: maybe.values ?? "" })).toBe("Vorlage „x“, Variable „mode“: „'maybe'“ ist kein gültiger Wert (einer von on, off).");
    }
  });
});
