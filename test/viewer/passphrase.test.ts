import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  PASSPHRASE_ALPHABET,
  canonicalPassphrase,
  generateViewerPassphrase,
  passphraseEntropyBits,
} from "../../src/viewer/passphrase.js";

describe("viewer passphrases", () => {
  it("have at least 80 bits: 5 groups of 4 from 25 characters is 20·log2(25) ≈ 92.9 bits", () => {
    expect(new Set(PASSPHRASE_ALPHABET).size).toBe(PASSPHRASE_ALPHABET.length);
    expect(PASSPHRASE_ALPHABET.length).toBe(25);
    expect(passphraseEntropyBits()).toBeCloseTo(20 * Math.log2(25), 10);
    expect(passphraseEntropyBits()).toBeGreaterThanOrEqual(80);
    expect(passphraseEntropyBits()).toBeCloseTo(92.88, 2);
  });

  it("use no look-alike characters and come in five groups of four", () => {
    // No two characters of the alphabet form a confusable pair.
    const pairs = ["0o", "1l", "1i", "li", "5s", "8b", "9g", "9q", "2z", "6b", "gq"];
    for (const pair of pairs) expect(PASSPHRASE_ALPHABET.includes(pair[0]!) && PASSPHRASE_ALPHABET.includes(pair[1]!), pair).toBe(false);
    for (const c of ["0", "1", "l", "i", "o", "2", "5", "8", "9", "b", "q"]) expect(PASSPHRASE_ALPHABET).not.toContain(c);
    for (let i = 0; i < 200; i++) {
      const p = generateViewerPassphrase();
      expect(p).toMatch(/^[acdefghjkmnprstuvwxyz3467]{4}(?:-[acdefghjkmnprstuvwxyz3467]{4}){4}$/);
      for (const c of p.replace(/-/g, "")) expect(PASSPHRASE_ALPHABET).toContain(c);
    }
  });

  it("draw characters uniformly (rejection sampling; chi-square over 50 000 characters)", () => {
    const counts = new Map<string, number>();
    let total = 0;
    for (let i = 0; i < 2500; i++) {
      for (const c of generateViewerPassphrase().replace(/-/g, "")) {
        counts.set(c, (counts.get(c) ?? 0) + 1);
        total++;
      }
    }
    const expected = total / 25;
    let chi = 0;
    for (const c of PASSPHRASE_ALPHABET) chi += ((counts.get(c) ?? 0) - expected) ** 2 / expected;
    // 24 degrees of freedom: p = 0.0001 at about 59.
    expect(chi).toBeLessThan(59);
  });

  it("map every random byte stream onto the alphabet, rejecting the biased tail", () => {
    // Bytes 250..255 would favour the first 6 characters; they must be skipped.
    let calls = 0;
    const biased = (b: Uint8Array) => {
      calls++;
      b.fill(calls === 1 ? 252 : 0);
      return b;
    };
    expect(generateViewerPassphrase(biased)).toBe("aaaa-aaaa-aaaa-aaaa-aaaa");
    expect(calls).toBe(2);
  });

  it("are canonicalised the same way when built and when typed", () => {
    const p = "k7dm-x3pa-ruvw-c6ne-ty4h";
    expect(canonicalPassphrase(p)).toBe(p);
    expect(canonicalPassphrase("K7dm x3pa ruvw c6ne ty4h ")).toBe(p);
    expect(canonicalPassphrase("k7dmx3paruvwc6nety4h")).toBe(p);
    expect(canonicalPassphrase("K7DM–X3PA–RUVW–C6NE–TY4H")).toBe(p);
    // Agreed passphrases keep their case; only NFC and the outer blanks change.
    expect(canonicalPassphrase("  Sommer am See 2024 ")).toBe("Sommer am See 2024");
    expect(canonicalPassphrase("Gru\u0308n")).toBe("Grün");
  });

  it("canonical form is idempotent and keeps generated passphrases apart (property)", () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(canonicalPassphrase(canonicalPassphrase(s))).toBe(canonicalPassphrase(s));
      }),
    );
    fc.assert(
      fc.property(fc.constant(null), () => {
        const a = generateViewerPassphrase();
        const b = generateViewerPassphrase();
        expect(canonicalPassphrase(a)).toBe(a);
        if (a !== b) expect(canonicalPassphrase(a.toUpperCase())).not.toBe(canonicalPassphrase(b));
      }),
      { numRuns: 200 },
    );
  });
});
