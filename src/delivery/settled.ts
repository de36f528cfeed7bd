/**
 * Whether a follow-up is settled: sent or cancelled, so nothing will deliver, queue or withdraw
 * it any more. A module of its own (types only from the ledger), so the commands that ask do not
 * load the ledger's schema at start-up.
 */
import type { FollowUpState } from "./ledger.js";

export type SettledState = FollowUpState & { state: "sent" | "cancelled" };

export function isSettled(state: FollowUpState): state is SettledState {
  return state.state === "sent" || state.state === "cancelled";
}
