import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { appointmentIcs, escapeText, foldLine } from "../../src/followup/ics.js";
import { composeMessage, formatAppointment, parseAppointment } from "../../src/followup/compose.js";
import { splitImpulseArg, splitMediaArg, splitVarArg } from "../../src/followup/draft.js";

/** RFC 5545 §3.1: unfolding removes every CRLF followed by one space or tab. */
const unfold = (text: string) => text.replace(/\r\n[ \t]/g, "");

describe("appointment (.ics)", () => {
  it("writes one VEVENT in UTC with CRLF line ends", () => {
    const ics = appointmentIcs(
      { start: new Date("2026-12-03T15:00:00Z"), minutes: 50, summary: "Termin: Praxis Beispiel, Raum 2; EG", uid: "u1@nachklang" },
      new Date("2026-11-22T07:00:00Z"),
    );
    const lines = unfold(ics).split("\r\n");
    expect(lines[0]).toBe("BEGIN:VCALENDAR");
    expect(lines).toContain("VERSION:2.0");
    expect(lines).toContain("DTSTART:20261203T150000Z");
    expect(lines).toContain("DTEND:20261203T155000Z");
    expect(lines).toContain("DTSTAMP:20261122T070000Z");
    expect(lines).toContain("SUMMARY:Termin: Praxis Beispiel\\, Raum 2\\; EG");
    expect(ics.endsWith("END:VCALENDAR\r\n")).toBe(true);
    expect(ics.replace(/\r\n/g, "")).not.toContain("\n");
  });

  it("property: folded lines are at most 75 octets, never split a character, and unfold to the original", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 300 }), (text) => {
        const line = `SUMMARY:${escapeText(text)}`;
        const folded = foldLine(line);
        for (const part of folded.split("\r\n")) expect(Buffer.byteLength(part, "utf8")).toBeLessThanOrEqual(75);
        expect(unfold(folded)).toBe(line);
      }),
    );
  });
});

describe("composing the message", () => {
  it("puts greeting, note, attachments, homework, impulses, appointment and closing in the client's language", () => {
    const de = composeMessage({
      lang: "de",
      note: "Schön, dass Sie da waren.",
      photos: 2,
      audio: 1,
      homework: "Ressourcen-Tagebuch",
      impulses: [{ kind: "quote", text: "Der Weg entsteht im Gehen." }],
      appointment: "Unser nächster Termin: Donnerstag, 3. Dezember 2026, 16:00 Uhr (Kalendereintrag im Anhang).",
      practice: "Praxis Beispiel",
    });
    expect(de).toBe(
      [
        "Hallo,",
        "Schön, dass Sie da waren.",
        "Anbei: 2 Fotos aus unserer Sitzung und eine Audio-Übung.",
        "Eine Anregung für die Zeit bis zum nächsten Mal (freiwillig): Ressourcen-Tagebuch",
        "Impulse:\n– Zitat: Der Weg entsteht im Gehen.",
        "Unser nächster Termin: Donnerstag, 3. Dezember 2026, 16:00 Uhr (Kalendereintrag im Anhang).",
        "Herzliche Grüße\nPraxis Beispiel",
      ].join("\n\n"),
    );
    expect(composeMessage({ lang: "en", name: "Alex", photos: 1, audio: 0, impulses: [] })).toBe("Hello Alex,\n\nAttached: a photo from our session.\n\nKind regards");
  });

  it("reads appointments in the practice's zone and formats them per language", () => {
    const { start } = parseAppointment("2026-12-03 16:00", "Europe/Berlin");
    expect(start?.toISOString()).toBe("2026-12-03T15:00:00.000Z");
    expect(formatAppointment(start!, "Europe/Berlin", "de")).toBe("Donnerstag, 3. Dezember 2026, 16:00 Uhr");
    expect(formatAppointment(start!, "Europe/Berlin", "en")).toBe("Thursday 3 December 2026, 16:00");
    for (const text of ["3.12.2026 16 Uhr", "2026-12-03 16:00+01:00", "2026-12-03 16:00:30", "2026-02-30 16:00", "2026-12-03 25:00"]) {
      expect(parseAppointment(text, "Europe/Berlin"), text).toEqual({ problem: { key: "workflow.badAppointment", params: { value: text } } });
    }
  });

  it("reads appointments on the nights the clocks change as --at does", () => {
    // The repeated hour: its first occurrence (+02:00), as contact-hour windows take it.
    expect(parseAppointment("2026-10-25 02:30", "Europe/Berlin").start?.toISOString()).toBe("2026-10-25T00:30:00.000Z");
    // The skipped hour: refused, naming the time the clocks jump to.
    expect(parseAppointment("2026-03-29 02:30", "Europe/Berlin")).toEqual({
      problem: { key: "time.skipped", params: { value: "2026-03-29 02:30", tz: "Europe/Berlin", jump: "2026-03-29 03:00" } },
    });
  });

  it("splits command-line arguments", () => {
    expect(splitMediaArg("board.jpg:Ressourcen: Baum", () => false)).toEqual({ path: "board.jpg", caption: "Ressourcen: Baum" });
    expect(splitMediaArg("odd:name.jpg", (p) => p === "odd:name.jpg")).toEqual({ path: "odd:name.jpg" });
    expect(splitImpulseArg("Book:Momo, Michael Ende")).toEqual({ kind: "book", text: "Momo, Michael Ende" });
    expect(splitImpulseArg("poem:x")).toBeNull();
    expect(splitVarArg("days=7=x")).toEqual(["days", "7=x"]);
    expect(splitVarArg("=7")).toBeNull();
  });
});
