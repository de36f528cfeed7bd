/** `nachklang outbox list|flush|cancel|retry`: follow-ups waiting for contact hours. */
import { ExitCode, UserError } from "../../errors.js";
import type { FollowUpState } from "../../delivery/ledger.js";
import { deliverFollowUp } from "../../followup/deliver.js";
import type { Workflow } from "../../followup/workflow.js";
import type { CliContext } from "../context.js";
import { cancelWaiting, describeState, openCliWorkflow, openInbox, processInbox, refusedByPolicy, stateText, waitingFollowUps, whenText } from "../workflow.js";

/** Find a follow-up by bundle id or key (a unique prefix of at least 6 characters will do). */
async function find(wf: Workflow, id: string): Promise<FollowUpState> {
  const matches = [...(await wf.ledger.states()).values()].filter(
    (s) => s.bundle === id || s.key === id || (id.length >= 6 && (s.bundle?.startsWith(id) === true || s.key.startsWith(id))),
  );
  const only = matches[0];
  if (matches.length !== 1 || only === undefined) throw new UserError(ExitCode.usage, "outbox.unknownId", { id });
  return only;
}

export async function list(ctx: CliContext): Promise<void> {
  const { wf } = await openCliWorkflow(ctx);
  const items = await waitingFollowUps(wf);
  if (items.length === 0) ctx.out.say("outbox.empty");
  for (const s of items) {
    ctx.out.say("outbox.line", {
      id: s.bundle ?? s.key,
      alias: wf.aliasOf(s.client) ?? ctx.out.text("status.unknownClient"),
      channel: s.channel ?? "-",
      state: stateText(ctx, s.state),
      when: s.due === undefined ? "-" : whenText(ctx, wf, new Date(s.due)),
    });
  }
  ctx.out.result(items.map((s) => describeState(wf, s)));
}

export async function flush(ctx: CliContext): Promise<void> {
  const cw = await openCliWorkflow(ctx);
  const { wf } = cw;
  // Bad configuration fails when it is loaded, before anything is delivered: e.g. an older
  // config whose channel sends over plain http to another host (exit 2).
  const { loadChannelSettings } = await import("../../channels/factory.js");
  for (const [name, channel] of Object.entries(ctx.settings.channels ?? {})) loadChannelSettings(name, channel);
  // A command that holds the keys: what arrived while the practice was locked is decoded, and
  // away notices that waited for the keys go out.
  await processInbox(ctx, await openInbox(ctx, cw));
  const now = wf.now();
  const all = await waitingFollowUps(wf);
  // Uncertain follow-ups wait for the practitioner; failures that must not be repeated too.
  const due = all.filter(
    (s) => s.state !== "uncertain" && !(s.state === "failed" && s.retryable === false) && (s.due === undefined || Date.parse(s.due) <= now.getTime()),
  );
  // Leftovers of killed processes (bundles the ledger never recorded) older than an hour.
  const known = new Set([...(await wf.ledger.states()).values()].flatMap((s) => (s.bundle === undefined ? [] : [s.bundle])));
  await wf.outbox.sweep(known, 60 * 60 * 1000);
  if (due.length === 0) {
    ctx.out.say("outbox.flushNothing", { waiting: all.length });
    ctx.out.result({ delivered: [], failed: [], waiting: all.length });
    return;
  }
  const results: Record<string, unknown>[] = [];
  let failed = 0;
  let refused = 0;
  let sent = 0;
  for (const s of due) {
    const alias = wf.aliasOf(s.client) ?? "?";
    const id = s.bundle ?? s.key;
    const outcome = await deliverFollowUp(s.key, wf.delivery).catch((error: unknown) => {
      if (error instanceof UserError) return { status: "failed" as const, reason: error.key, params: error.params, retryable: true };
      throw error;
    });
    if (outcome.status === "sent") {
      sent++;
      ctx.out.say("batch.lineSent", { alias, channel: s.channel ?? "-", id });
    } else if (outcome.status === "failed") {
      failed++;
      if (refusedByPolicy(outcome)) refused++;
      ctx.out.warn("batch.lineFailed", { alias, problem: ctx.out.text(outcome.reason, outcome.params) });
    } else if (outcome.status === "uncertain") {
      failed++;
      ctx.out.warn("batch.lineUncertain", { alias, id });
    } else ctx.out.say("batch.lineAlready", { alias, id, state: stateText(ctx, outcome.state) });
    results.push({ id, client: alias, status: outcome.status });
  }
  ctx.out.result({ results, waiting: all.length - due.length });
  // As documented (docs/workflow.md): 3 when some went out and others did not; when none went
  // out, 4 if every failure was a refusal by policy (consent withdrawn meanwhile), else 1.
  if (failed === 0) return;
  if (sent > 0) process.exitCode = ExitCode.partial;
  else process.exitCode = refused === failed ? ExitCode.refused : ExitCode.failure;
}

export async function cancel(ctx: CliContext, id: string): Promise<void> {
  const { wf } = await openCliWorkflow(ctx);
  const target = await find(wf, id);
  await cancelWaiting(ctx, wf, target, id);
  ctx.out.say("outbox.cancelled", { id: target.bundle ?? target.key });
  ctx.out.result({ id: target.bundle ?? null, key: target.key, state: "cancelled" });
}

/** Release an uncertain (or failed) follow-up so that the next flush delivers it again. */
export async function retry(ctx: CliContext, id: string): Promise<void> {
  const { wf } = await openCliWorkflow(ctx);
  const target = await find(wf, id);
  if (target.state !== "uncertain" && target.state !== "failed") {
    throw new UserError(ExitCode.usage, "outbox.notUncertain", { id, state: stateText(ctx, target.state) });
  }
  await wf.ledger.append({ fu: target.key, ev: "released" }, wf.now());
  ctx.out.say("outbox.released", { id: target.bundle ?? target.key });
  ctx.out.result({ id: target.bundle ?? null, key: target.key, state: "queued" });
}
