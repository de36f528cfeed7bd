/** Neutral names for prepared photos and recordings (src/followup/item-names.ts). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { neutralMediaNames } from "../../src/followup/item-names.js";

describe("neutralMediaNames", () => {
  it("names photos and recordings by kind and number only, in order; leaves other items and given names alone", () => {
    // The pipeline names every prepared file: never a dot file and never a folder separator, so the
    // file always has an extension (`/tmp/x/.jpg` has none, and is not something it makes).
    const preparedBase = fc.string({ minLength: 1 }).filter((b) => !b.includes("/") && !b.startsWith("."));
    const kind = fc.constantFrom("photo" as const, "audio" as const, "homework" as const, "appointment" as const);
    const item = fc.record({ file: fc.tuple(preparedBase, fc.constantFrom(".jpg", ".webp", ".m4a", ".ogg", ".txt")).map(([b, e]) => `/tmp/x/${b}${e}`), kind, name: fc.option(fc.constant("given.txt"), { nil: undefined }) });
    fc.assert(
      fc.property(fc.array(item, { maxLength: 8 }), fc.constantFrom("de" as const, "en" as const), (items, lang) => {
        const named = neutralMediaNames(items, lang);
        const counts = { photo: 0, audio: 0 };
        for (const [i, n] of named.entries()) {
          const before = items[i]!;
          if ((before.kind !== "photo" && before.kind !== "audio") || before.name !== undefined) {
            expect(n).toBe(before);
            continue;
          }
          counts[before.kind] += 1;
          const word = { de: { photo: "foto", audio: "aufnahme" }, en: { photo: "photo", audio: "recording" } }[lang][before.kind];
          expect(n.name).toBe(`${word}-${counts[before.kind]}${before.file.slice(before.file.lastIndexOf("."))}`);
          expect(n.file).toBe(before.file);
        }
      }),
    );
  });
});
