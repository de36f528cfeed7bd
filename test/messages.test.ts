/**
 * The message catalogue: every line exists in German and English with the same placeholders,
 * no key is defined in two area files (a later spread would silently win), and every area file
 * is part of the merged catalogue.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { messages, t, type Catalogue, type MessageKey } from "../src/messages/index.js";
import { ROOT } from "./helpers/cli.js";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
/** The numbers a line chooses plural forms by (`{name:one|other}`). */
const plurals = (text: string) => [...new Set([...text.matchAll(/\{(\w+):[^{}]*\}/g)].map((m) => m[1]))].sort();

describe("message catalogue", () => {
  it("has both languages with the same placeholders for every line", () => {
    for (const [key, entry] of Object.entries(messages as Catalogue)) {
      expect(entry.de.trim(), key).not.toBe("");
      expect(entry.en.trim(), key).not.toBe("");
      expect(placeholders(entry.de), key).toEqual(placeholders(entry.en));
      expect(plurals(entry.de), key).toEqual(plurals(entry.en));
      // A plural choice has exactly two forms, and its number is also printed or named.
      for (const text of [entry.de, entry.en]) {
        for (const m of text.matchAll(/\{(\w+):([^{}]*)\}/g)) expect(m[2]!.split("|"), `${key}: ${m[0]}`).toHaveLength(2);
      }
    }
  });

  it("chooses singular and plural forms by Intl.PluralRules", () => {
    const cases: [MessageKey, Record<string, number | string>, "de" | "en", RegExp][] = [
      ["workflow.problems", { count: 1 }, "de", /^1 Problem, nichts/],
      ["workflow.problems", { count: 2 }, "de", /^2 Probleme, nichts/],
      ["workflow.problems", { count: 0 }, "en", /^0 problems, nothing/],
      ["workflow.problems", { count: 1 }, "en", /^1 problem, nothing/],
      ["templates.checkFailed", { count: 1, problems: 1 }, "de", /^1 Vorlage geprüft, 1 Problem\.$/],
      ["templates.checkFailed", { count: 3, problems: 1 }, "en", /^3 templates checked, 1 problem\.$/],
      ["templates.checkFailed", { count: 1, problems: 0 }, "en", /^1 template checked, 0 problems\.$/],
      ["client.imported", { count: 1, file: "k.csv" }, "en", /^1 client added from k\.csv\.$/],
      ["client.imported", { count: 1, file: "k.csv" }, "de", /^1 Klient:in aus k\.csv angelegt\.$/],
      ["client.imported", { count: 2, file: "k.csv" }, "de", /^2 Klient:innen aus k\.csv angelegt\.$/],
      ["group.header", { name: "g", count: 1 }, "en", /^Group g: 1 follow-up, each/],
      ["group.header", { name: "g", count: 3 }, "de", /^Gruppe g: 3 Nachklänge, jeder/],
      ["doctor.homeLoose", { home: "h", count: 1, example: "e" }, "en", /^Practice folder h: 1 entry is readable by others/],
      ["doctor.homeLoose", { home: "h", count: 2, example: "e" }, "de", /^Praxisordner h: 2 Einträge sind für andere lesbar/],
      ["time.damagedLines", { file: "f", count: 1 }, "en", /^f: 1 damaged line skipped;/],
      ["time.damagedLines", { file: "f", count: 1 }, "de", /^f: 1 beschädigte Zeile übersprungen;/],
      ["export.missing", { count: 1 }, "en", /^1 follow-up is no longer stored/],
      ["export.missing", { count: 2 }, "de", /^2 Nachklänge sind nicht mehr gespeichert/],
      ["inbox.fetch.entriesNotUnderstood", { url: "u", count: 1 }, "en", /\(1 entry unreadable, not stored\)/],
      ["templates.brokenSkipped", { count: 1 }, "en", /^1 template file is broken and missing/],
      ["templates.brokenSkipped", { count: 1 }, "de", /^1 Vorlagen-Datei ist fehlerhaft und fehlt in/],
      ["templates.brokenSkipped", { count: 2 }, "de", /^2 Vorlagen-Dateien sind fehlerhaft und fehlen in/],
      ["media.partial", { ok: 1, total: 1 }, "en", /^1 of 1 file converted/],
      ["media.partial", { ok: 0, total: 2 }, "de", /^0 von 2 Dateien umgewandelt/],
      ["cache.cleared", { count: "1" }, "en", /\(1 entry removed\)/],
      ["cache.cleared", { count: 1.5 }, "en", /\(1.5 entries removed\)/],
    ];
    for (const [key, params, lang, expected] of cases) expect(t(lang, key, params), `${key} ${JSON.stringify(params)} ${lang}`).toMatch(expected);
    // Without the number the choice is left as written (a missing parameter shows, as {name} does).
    expect(t("en", "cache.cleared")).toContain("{count:entry|entries}");
  });

  it("defines every key in exactly one area file, and merges every area file", async () => {
    const dir = join(ROOT, "src", "messages");
    const files = (await readdir(dir)).filter((f) => f.endsWith(".ts") && f !== "index.ts");
    const owner = new Map<string, string>();
    let total = 0;
    for (const file of files) {
      const mod = (await import(join(dir, file))) as Record<string, Catalogue>;
      for (const catalogue of Object.values(mod)) {
        for (const key of Object.keys(catalogue)) {
          expect(owner.get(key), `${key} in ${file} and ${owner.get(key)}`).toBeUndefined();
          owner.set(key, file);
          total++;
        }
      }
    }
    expect(Object.keys(messages).length).toBe(total);
  });
});

describe("advice for a client's missing address", () => {
  it("edits the client, who exists ('client add' refused them: already there), with only what the channel takes", () => {
    for (const key of ["signal.noAddress", "threema.noAddress", "email.noAddress"] as const) {
      for (const lang of ["de", "en"] as const) {
        const line = t(lang, key, { alias: "k002" });
        expect(line, `${key} ${lang}`).toMatch(/nachklang client edit k002 --(phone|threema|email) /);
        expect(line).not.toMatch(/client add|u:/);
      }
    }
  });
});
