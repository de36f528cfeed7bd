import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { greetingFor, startsWithGreeting } from "../../src/followup/greeting.js";
import { composeMessage } from "../../src/followup/compose.js";

describe("greetings per salutation", () => {
  it("greets formally by title and family name, in the client's language", () => {
    expect(greetingFor({ lang: "de", name: "Anna Keller", salutation: "formal", title: "Frau" })).toBe("Guten Tag Frau Keller,");
    expect(greetingFor({ lang: "en", name: "Anna Keller", salutation: "formal", title: "Frau" })).toBe("Dear Ms Keller,");
    expect(greetingFor({ lang: "de", name: "Jonas Berg", salutation: "formal", title: "Mr" })).toBe("Guten Tag Herr Berg,");
    expect(greetingFor({ lang: "de", name: "Eva Maria Roth", salutation: "formal", title: "Dr.", familyName: "Roth-Weiß" })).toBe("Guten Tag Dr. Roth-Weiß,");
    // No title: the whole name rather than a guess.
    expect(greetingFor({ lang: "de", name: "Kim Wolf", salutation: "formal" })).toBe("Guten Tag Kim Wolf,");
    expect(greetingFor({ lang: "en", salutation: "formal" })).toBe("Dear Sir or Madam,");
  });

  it("greets informally by given name, with the German form the title implies", () => {
    expect(greetingFor({ lang: "de", name: "Anna Keller", salutation: "informal", title: "Frau" })).toBe("Liebe Anna,");
    expect(greetingFor({ lang: "de", name: "Jonas Berg", salutation: "informal", title: "Herr" })).toBe("Lieber Jonas,");
    expect(greetingFor({ lang: "de", name: "Kim Wolf", salutation: "informal" })).toBe("Hallo Kim,");
    expect(greetingFor({ lang: "de", name: "Kim Wolf", salutation: "informal", givenName: "Kimi" })).toBe("Hallo Kimi,");
    expect(greetingFor({ lang: "en", name: "Anna Keller", salutation: "informal", title: "Frau" })).toBe("Dear Anna,");
    expect(greetingFor({ lang: "de", salutation: "informal" })).toBe("Hallo,");
  });

  it("greets not at all with none, and as before without a choice", () => {
    expect(greetingFor({ lang: "de", name: "Anna Keller", salutation: "none" })).toBeNull();
    expect(greetingFor({ lang: "de", name: "Jürgen Größe-Özdemir" })).toBe("Hallo Jürgen Größe-Özdemir,");
    expect(greetingFor({ lang: "en" })).toBe("Hello,");
  });

  it("knows a note that greets by itself, in German and English, and nothing else", () => {
    for (const note of ["Lieber Herr Keller, danke.", "Liebe Anna,", "Guten Tag Frau Keller,", "Sehr geehrte Frau Roth", "hallo!", "Hi Sam", "Dear Ms Keller,", "**Hallo** Anna", "Good morning"]) {
      expect(startsWithGreeting(note), note).toBe(true);
    }
    for (const note of ["Schön, dass Sie da waren.", "Hallowach bleiben", "Dearborn ist weit", "Ich sage hallo", "", undefined]) {
      expect(startsWithGreeting(note), String(note)).toBe(false);
    }
  });

  it("never greets twice: a note that greets is the first paragraph, whatever the salutation", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("formal", "informal", undefined),
        fc.constantFrom("de", "en"),
        fc.constantFrom("Liebe Anna,", "Guten Tag Frau Keller,", "Dear Anna,", "Hallo zusammen,"),
        fc.string({ maxLength: 40 }),
        (salutation, lang, greeting, rest) => {
          const note = `${greeting} ${rest}`;
          const message = composeMessage({ lang, name: "Anna Keller", title: "Frau", ...(salutation ? { salutation } : {}), note, photos: 0, audio: 0, impulses: [] });
          expect(message.startsWith(note.trim())).toBe(true);
        },
      ),
    );
  });
});
