/**
 * The message catalogue: every line exists in German and English with the same placeholders,
 * no key is defined in two area files (a later spread would silently win), and every area file
 * is part of the merged catalogue.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { messages, type Catalogue } from "../src/messages/index.js";
import { ROOT } from "./helpers/cli.js";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("message catalogue", () => {
  it("has both languages with the same placeholders for every line", () => {
    for (const [key, entry] of Object.entries(messages as Catalogue)) {
      expect(entry.de.trim(), key).not.toBe("");
      expect(entry.en.trim(), key).not.toBe("");
      expect(placeholders(entry.de), key).toEqual(placeholders(entry.en));
    }
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
