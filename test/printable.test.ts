/**
 * One definition of what a terminal must not get (src/printable.ts), used by `printable` (one
 * line: each becomes '?') and `printableText` (several lines: line feeds and tabs stay, the rest
 * go): both leave out exactly the same characters, and keep everything else as it was.
 */
import fc from "fast-check";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { firstCodePoints, isTerminalUnsafe, jsonForTerminal, printable, printableText, quoted } from "../src/printable.js";

/** Code points of every plane, with the dangerous ones drawn often. */
const DANGEROUS = [
  ...Array.from({ length: 0x20 }, (_, i) => i), 0x7f, ...Array.from({ length: 0x20 }, (_, i) => 0x80 + i),
  0x00ad, 0x061c, 0x180e, 0x200b, 0x200c, 0x200d, 0x200e, 0x200f, 0x2028, 0x2029,
  0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2060, 0x2061, 0x2066, 0x2067, 0x2068, 0x2069, 0xfeff, 0xfff9, 0xe0001, 0xe0041,
];
const codePoint = fc.oneof(fc.constantFrom(...DANGEROUS), fc.integer({ min: 0, max: 0x10ffff }).filter((c) => c < 0xd800 || c > 0xdfff));
const text = fc.array(codePoint, { maxLength: 40 }).map((cs) => String.fromCodePoint(...cs));

describe("printable and printableText", () => {
  it("treat the listed controls, bidi overrides and isolates, marks and zero-widths alike: unsafe for both", () => {
    for (const c of DANGEROUS) {
      const char = String.fromCodePoint(c);
      expect(isTerminalUnsafe(char), c.toString(16)).toBe(true);
      expect(printable(char), c.toString(16)).toBe("?");
      const kept = char === "\n" || char === "\t" ? char : c === 0x2028 || c === 0x2029 ? "\n" : "";
      expect(printableText(char), c.toString(16)).toBe(kept);
    }
  });

  it("printable: every unsafe character becomes '?', every other one stays where it was", () => {
    fc.assert(
      fc.property(text, (s) => {
        const out = [...printable(s)];
        const chars = [...s];
        expect(out).toHaveLength(chars.length);
        chars.forEach((c, i) => expect(out[i]).toBe(isTerminalUnsafe(c) ? "?" : c));
      }),
    );
  });

  it("printableText: the same characters go (line feed and tab stay, separators become line feeds), the rest stays in order", () => {
    fc.assert(
      fc.property(text, (s) => {
        const expected = [...s].map((c) => (c === "\n" || c === "\t" ? c : c === "\u2028" || c === "\u2029" ? "\n" : isTerminalUnsafe(c) ? "" : c)).join("");
        const out = printableText(s);
        expect(out).toBe(expected);
        for (const c of out) expect(c === "\n" || c === "\t" || !isTerminalUnsafe(c)).toBe(true);
        // Both agree on what is unsafe: printable turns into '?' exactly what printableText changes.
        const changedByText = [...s].filter((c) => c !== "\n" && c !== "\t" && isTerminalUnsafe(c)).length;
        expect([...printable(s)].filter((c, i) => c === "?" && [...s][i] !== "?").length).toBe(changedByText + [...s].filter((c) => c === "\n" || c === "\t").length);
      }),
    );
  });

  it("leaves ordinary text of any script and emoji without joiners untouched", () => {
    const sample = "Grüße, Jürgen – שלום, مرحبا, 你好 😀 👍🏽 ❤️";
    expect(printable(sample)).toBe(sample);
    expect(printableText(`${sample}\n\tZeile 2`)).toBe(`${sample}\n\tZeile 2`);
  });
});

describe("jsonForTerminal", () => {
  it("prints no unsafe character (a line feed only as indentation), and parses back to the same value", () => {
    const value = fc.dictionary(text, fc.oneof(text, fc.array(text, { maxLength: 3 }), fc.integer(), fc.constant(null)), { maxKeys: 4 });
    fc.assert(
      fc.property(value, (v) => {
        const out = jsonForTerminal(v);
        for (const c of out) expect(c === "\n" || !isTerminalUnsafe(c), c.codePointAt(0)?.toString(16)).toBe(true);
        expect(JSON.parse(out)).toEqual(v);
        // On one line (a --json error): not even a line feed.
        const line = jsonForTerminal(v, 0);
        for (const c of line) expect(isTerminalUnsafe(c), c.codePointAt(0)?.toString(16)).toBe(false);
        expect(JSON.parse(line)).toEqual(v);
      }),
    );
    expect(jsonForTerminal({ text: "a\u202eb\u009b\u{e0041}" })).toBe('{\n  "text": "a\\u202eb\\u009b\\udb40\\udc41"\n}');
    expect(jsonForTerminal({ text: "a\u202eb\n" }, 0)).toBe('{"text":"a\\u202eb\\n"}');
  });
});

/** A lone surrogate: with the u flag, a surrogate class matches only one that is not half of a pair. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

describe("firstCodePoints", () => {
  const fullUnicode = fc.string({ unit: "grapheme", maxLength: 60 });
  const anyUnits = fc.string({ unit: "binary", maxLength: 60 });
  const limit = fc.integer({ min: 0, max: 70 });

  it("of any text: a prefix of at most max code points, as long as it can be, that splits no pair", () => {
    fc.assert(
      fc.property(fc.oneof(fullUnicode, anyUnits, text), limit, (s, max) => {
        const out = firstCodePoints(s, max);
        expect(s.startsWith(out)).toBe(true);
        expect([...out].length).toBeLessThanOrEqual(max);
        expect([...out].length).toBe(Math.min(max, [...s].length));
        // Not cut between the halves of a pair: what follows the cut is no low surrogate after a high one.
        if (out.length < s.length && /[\uD800-\uDBFF]$/.test(out)) expect(s.charCodeAt(out.length)).not.toSatisfy((c: number) => c >= 0xdc00 && c <= 0xdfff);
      }),
    );
  });

  it("of well-formed text: no lone surrogate, whatever the limit", () => {
    fc.assert(
      fc.property(fullUnicode, limit, (s, max) => {
        expect(firstCodePoints(s, max)).not.toMatch(LONE_SURROGATE);
        expect(quoted(s, max)).not.toMatch(LONE_SURROGATE);
      }),
    );
  });

  it("an emoji across the 200th unit is kept whole or left out, never halved", () => {
    const s = `${"x".repeat(199)}😀 and more`;
    expect(s.slice(0, 200)).toMatch(LONE_SURROGATE);
    expect(firstCodePoints(s, 200)).toBe(`${"x".repeat(199)}😀`);
  });
});

describe("the one definition", () => {
  it("is the only place under src/ that spells out the unsafe characters", async () => {
    const src = join(import.meta.dirname, "..", "src");
    const copies: string[] = [];
    for (const file of await readdir(src, { recursive: true })) {
      if (!file.endsWith(".ts") || file === "printable.ts") continue;
      // A character class of its own with controls or format characters is a second definition,
      // which would drift from this one unnoticed.
      if (/\\p\{C[cf]\}/.test(await readFile(join(src, file), "utf8"))) copies.push(file);
    }
    expect(copies).toEqual([]);
  });
});
