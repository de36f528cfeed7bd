/** Output names for several inputs written into one folder (`media photo a/scan.png b/scan.jpg`). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { baseName, distinctOutputNames } from "../../src/media/files.js";

describe("distinctOutputNames", () => {
  it("keeps each input's base name unless an earlier input has it, then numbers it", () => {
    expect(distinctOutputNames(["a/scan.png", "b/scan.jpg", "c/Scan.heic", "tafel.jpg"])).toEqual(["scan", "scan-2", "Scan-3", "tafel"]);
    // A number another input is named already is skipped, and that input keeps its own name.
    expect(distinctOutputNames(["a/scan.png", "b/scan.jpg", "scan-2.png"])).toEqual(["scan", "scan-3", "scan-2"]);
  });

  it("gives every input a name of its own, its base name or that with a number", () => {
    const name = fc.constantFrom("scan", "Scan", "scan-2", "tafel", "tafel-3", "x");
    const input = fc.tuple(fc.constantFrom("", "a/", "b/c/"), name, fc.constantFrom(".png", ".jpg", ".heic")).map((parts) => parts.join(""));
    fc.assert(
      fc.property(fc.array(input, { maxLength: 12 }), (inputs) => {
        const names = distinctOutputNames(inputs);
        expect(names).toHaveLength(inputs.length);
        expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(names.length);
        names.forEach((n, i) => expect(n === baseName(inputs[i]!) || new RegExp(`^${baseName(inputs[i]!)}-\\d+$`).test(n)).toBe(true));
      }),
    );
  });
});
