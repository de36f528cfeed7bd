/**
 * Prepaid credits for one run of `send`, `send --group`, `batch` or a series (today only Threema
 * Gateway channels keep a balance). Each channel's balance is asked once per run; the credits of
 * the follow-ups planned so far in the run are added up, and a follow-up whose credits no longer
 * fit gets a refusing plan, so it never enters the outbox (src/followup/pipeline.ts). A run is
 * one process: the workflow makes one budget, for what it seals and for what it delivers from the
 * outbox (src/followup/deliver.ts), so that a follow-up sealed earlier — waiting for contact
 * hours, rerouted — is checked before it goes, and one sealed and sent in the same run is counted
 * once (by its bundle id).
 */
import { isUserError } from "../errors.js";
import type { DeliveryPlan } from "../channels/contract.js";
import type { MessageKey, MessageParams } from "../messages/index.js";
import type { ResolvedChannel } from "./ports.js";

/** Told once per channel whose balance could not be asked; the run goes on without the check. */
export type BalanceUnknown = (channel: string, reason: MessageKey, params: MessageParams) => void;

export interface CreditBudget {
  /**
   * `plan` with the channel's `balance`, refused when this run's credits on that channel so far
   * plus the plan's would exceed it; otherwise the plan's credits are counted as spent. A plan
   * without credits, or already refused, comes back as it is; so does the plan of a bundle this
   * run has already counted (`bundleId`: sealed earlier in the run, now delivered).
   */
  check(channel: ResolvedChannel, alias: string, plan: DeliveryPlan, bundleId: string): Promise<DeliveryPlan>;
  /** A counted bundle's delivery failed before its first part went out: its credits were not spent. */
  release(bundleId: string): void;
}

export function creditBudget(onUnknown: BalanceUnknown): CreditBudget {
  const balances = new Map<string, Promise<number | undefined>>();
  const spent = new Map<string, number>();
  /** Bundles counted in this run: on which channel, how many credits. */
  const counted = new Map<string, { channel: string; credits: number }>();

  async function ask(channel: ResolvedChannel): Promise<number | undefined> {
    try {
      const made = await channel.create();
      if (made.balance === undefined) return undefined;
      const balance = await made.balance();
      if (balance.status === "known") return balance.credits;
      onUnknown(channel.name, balance.reason, balance.params ?? {});
    } catch (error) {
      // A channel that cannot be built here fails its delivery with the same line later.
      if (!isUserError(error)) throw error;
      onUnknown(channel.name, error.key, error.params);
    }
    return undefined;
  }

  return {
    async check(channel, alias, plan, bundleId) {
      if (plan.credits === undefined || plan.refuse !== undefined || counted.has(bundleId)) return plan;
      let asked = balances.get(channel.name);
      if (asked === undefined) balances.set(channel.name, (asked = ask(channel)));
      const balance = await asked;
      if (balance === undefined) return plan;
      const planned = spent.get(channel.name) ?? 0;
      if (planned + plan.credits > balance) {
        const params = { alias, channel: channel.name, needed: plan.credits, planned, available: balance };
        return { ...plan, balance, refuse: { key: planned === 0 ? "threema.tooFewCredits" : "threema.tooFewCreditsRun", params } };
      }
      spent.set(channel.name, planned + plan.credits);
      counted.set(bundleId, { channel: channel.name, credits: plan.credits });
      return { ...plan, balance };
    },
    release(bundleId) {
      const was = counted.get(bundleId);
      if (was === undefined) return;
      counted.delete(bundleId);
      spent.set(was.channel, (spent.get(was.channel) ?? 0) - was.credits);
    },
  };
}
