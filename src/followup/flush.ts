/**
 * `outbox flush`'s delivery loop: the due follow-ups one after another, each under its lock.
 * Contact hours are asked again before each one, with the clock as it reads then: a flush begun
 * at 17:59 that is still delivering when the window closes at 18:00 leaves the rest in the
 * outbox for the next opening instead of reaching clients after hours.
 */
import { mayGoOut, type ContactHours } from "../delivery/hours.js";
import { plannedOf, type FollowUpState } from "../delivery/ledger.js";
import { UserError } from "../errors.js";
import { deliverFollowUp, type DeliveryEnv, type DeliveryOutcome } from "./deliver.js";

/** A delivery's outcome, or `busy`: another process is delivering it (its outcome is that run's to report). */
export type FlushOutcome = DeliveryOutcome | { readonly status: "busy" };

/**
 * Deliver `due` in order; `report` hears each outcome as it happens. Returns the follow-ups not
 * begun because contact hours closed meanwhile (they stay queued, nothing is recorded for them).
 */
export async function deliverDue(
  due: readonly FollowUpState[],
  env: DeliveryEnv,
  hours: ContactHours | undefined,
  report: (s: FollowUpState, outcome: FlushOutcome) => void,
): Promise<FollowUpState[]> {
  const left: FollowUpState[] = [];
  for (const s of due) {
    if (!mayGoOut(hours, plannedOf(s), env.now())) {
      left.push(s);
      continue;
    }
    const outcome = await deliverFollowUp(s.key, env).catch((error: unknown): FlushOutcome => {
      if (error instanceof UserError && error.key === "ledger.busy") return { status: "busy" };
      if (error instanceof UserError) return { status: "failed", reason: error.key, params: error.params, retryable: true };
      throw error;
    });
    report(s, outcome);
  }
  return left;
}
