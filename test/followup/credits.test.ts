/** The run's credit budget: one balance request per channel, a running total, each bundle counted once. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Channel } from "../../src/channels/contract.js";
import { creditBudget } from "../../src/followup/credits.js";
import type { ResolvedChannel } from "../../src/followup/ports.js";

function threema(credits: number): { channel: ResolvedChannel; asked: () => number } {
  let asked = 0;
  const instance = {
    name: "threema",
    type: "threema",
    balance: () => {
      asked++;
      return Promise.resolve({ status: "known" as const, credits });
    },
  } as unknown as Channel;
  const channel: ResolvedChannel = { name: "threema", type: "threema", address: "threema", repeatHarmless: false, handsOverBundle: false, create: () => Promise.resolve(instance) };
  return { channel, asked: () => asked };
}

describe("creditBudget", () => {
  it("counts a bundle once: sealed and then delivered in the same run is not charged twice", async () => {
    const { channel, asked } = threema(5);
    const budget = creditBudget(() => undefined);
    expect((await budget.check(channel, "k1", { credits: 3 }, "a")).refuse).toBeUndefined();
    expect((await budget.check(channel, "k1", { credits: 3 }, "a")).refuse).toBeUndefined();
    expect((await budget.check(channel, "k2", { credits: 3 }, "b")).refuse?.key).toBe("threema.tooFewCreditsRun");
    expect((await budget.check(channel, "k2", { credits: 2 }, "c")).refuse).toBeUndefined();
    expect(asked()).toBe(1);
  });

  it("gives back what a bundle counted when its delivery failed before anything went out", async () => {
    const { channel } = threema(5);
    const budget = creditBudget(() => undefined);
    expect((await budget.check(channel, "k1", { credits: 4 }, "a")).refuse).toBeUndefined();
    expect((await budget.check(channel, "k2", { credits: 4 }, "b")).refuse?.key).toBe("threema.tooFewCreditsRun");
    budget.release("a");
    budget.release("a");
    budget.release("never-counted");
    expect((await budget.check(channel, "k2", { credits: 4 }, "b")).refuse).toBeUndefined();
    expect((await budget.check(channel, "k3", { credits: 2 }, "c")).refuse?.key).toBe("threema.tooFewCreditsRun");
  });

  it("lets through exactly the bundles whose running total fits the balance (property)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(40), fc.array(fc.tuple(fc.integer({ min: 1, max: 12 }), fc.nat(5)), { maxLength: 12 }), async (balance, plans) => {
        const { channel } = threema(balance);
        const budget = creditBudget(() => undefined);
        let spent = 0;
        const counted = new Map<string, number>();
        for (const [credits, id] of plans) {
          const plan = await budget.check(channel, "k", { credits }, `b${id}`);
          const again = counted.has(`b${id}`);
          const fits = again || spent + credits <= balance;
          expect(plan.refuse === undefined).toBe(fits);
          if (fits && !again) {
            spent += credits;
            counted.set(`b${id}`, credits);
          }
        }
        expect(spent).toBeLessThanOrEqual(balance);
      }),
    );
  });
});
