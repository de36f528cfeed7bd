import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mapPool } from "../src/pool.js";

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("mapPool", () => {
  it("keeps the items' order and never runs more than `size` at once (property)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(4), { maxLength: 12 }), fc.integer({ min: 1, max: 4 }), async (delays, size) => {
        let running = 0;
        let most = 0;
        const out = await mapPool(delays, size, async (d, i) => {
          most = Math.max(most, ++running);
          await tick(d);
          running--;
          return `${i}:${d}`;
        });
        expect(out).toEqual(delays.map((d, i) => `${i}:${d}`));
        expect(most).toBeLessThanOrEqual(size);
        if (delays.length >= size) expect(most).toBe(size);
      }),
      { numRuns: 60 },
    );
  });

  it("after a failure starts nothing new, waits for what runs, and throws the earliest item's failure", async () => {
    const started: number[] = [];
    const finished: number[] = [];
    const run = mapPool([0, 1, 2, 3, 4, 5], 2, async (_, i) => {
      started.push(i);
      // Item 1 fails first; item 0, slower, fails too and is the one reported.
      await tick(i === 0 ? 30 : 5);
      finished.push(i);
      if (i <= 1) throw new Error(`item ${i}`);
      return i;
    });
    await expect(run).rejects.toThrow("item 0");
    expect(started).toEqual([0, 1]);
    expect(finished.sort()).toEqual([0, 1]);
  });
});
