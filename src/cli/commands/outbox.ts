/** `nachklang outbox list|flush|cancel|retry|reroute`: follow-ups waiting for contact hours. */
import { ExitCode, PolicyError, UserError } from "../../errors.js";
import { goesOutAt, mayGoOut } from "../../delivery/hours.js";
import { plannedOf, type FollowUpState, type Planned } from "../../delivery/ledger.js";
import { deliverClaimed, stopped } from "../../followup/deliver.js";
import type { Workflow } from "../../followup/workflow.js";
import type { CliContext } from "../context.js";
import {
  cancelWaiting,
  claimFollowUp,
  describeState,
  failedDeliveryExit,
  failureText,
  openCliWorkflow,
  openInbox,
  processInbox,
  refusedByPolicy,
  reportProblems,
  sendHeldReceiptsNow,
  stateText,
  waitingFollowUps,
  whenText,
} from "../workflow.js";

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
  const now = wf.now();
  if (items.length === 0) ctx.out.say("outbox.empty");
  for (const s of items) {
    ctx.out.say("outbox.line", {
      id: s.bundle ?? s.key,
      alias: wf.aliasOf(s.client) ?? ctx.out.text("status.unknownClient"),
      channel: s.channel ?? "-",
      state: stateText(ctx, s.state),
      when: s.due === undefined ? "-" : whenText(ctx, wf, goesOutAt(wf.hours, plannedOf(s), now)),
    });
    if (s.series !== undefined) ctx.out.say("outbox.seriesTag", { series: s.series.id, n: s.series.step, of: s.series.of });
    const reason = s.state === "failed" ? failureText(ctx, wf, s) : undefined;
    if (reason !== undefined) ctx.out.say("outbox.failedReason", { reason });
    if (stopped(s)) ctx.out.say("outbox.failedForGood", { id: s.bundle ?? s.key });
  }
  ctx.out.result(items.map((s) => describeState(wf, s)));
}

export async function flush(ctx: CliContext, o: { ifUnlocked?: boolean } = {}): Promise<void> {
  // Bad configuration fails when it is loaded, before anything is delivered and also while the
  // practice is locked: e.g. an older config whose channel sends over plain http to another host
  // (exit 2).
  const { loadChannelSettings } = await import("../../channels/factory.js");
  for (const [name, channel] of Object.entries(ctx.settings.channels ?? {})) loadChannelSettings(name, channel);
  let cw;
  try {
    cw = await openCliWorkflow(ctx);
  } catch (error) {
    // Locked (no agent, no passphrase given) is where the keys are first needed, before anything
    // is read or sent: for a timer that runs after hours too, that is no failure.
    if (o.ifUnlocked !== true || !(error instanceof UserError) || error.key !== "agent.locked") throw error;
    ctx.out.say("outbox.flushLocked");
    ctx.out.result({ locked: true, delivered: [], failed: [] });
    return;
  }
  const { wf } = cw;
  // A command that holds the keys: what arrived while the practice was locked is decoded, and
  // away notices that waited for the keys go out.
  const inbox = await openInbox(ctx, cw);
  await processInbox(ctx, inbox);
  // Read receipts held while the practice read outside contact hours go out once they open.
  await sendHeldReceiptsNow(ctx, wf, inbox);
  const now = wf.now();
  const all = await waitingFollowUps(wf);
  // Uncertain follow-ups wait for the practitioner; failures that must not be repeated too.
  const due = all.filter((s) => s.state !== "uncertain" && !stopped(s) && mayGoOut(wf.hours, plannedOf(s), now));
  // Failed for good: not tried again (no exit 1 at every flush), but said once per flush.
  const waitingForYou = all.filter((s) => stopped(s)).length;
  if (waitingForYou > 0) ctx.out.warn("outbox.stoppedWaiting", { count: waitingForYou });
  // Leftovers of killed processes older than an hour: bundles the ledger never recorded, and
  // bundles it records as cancelled (a cancel or `client forget` killed before it deleted them).
  const known = new Set([...(await wf.ledger.states()).values()].flatMap((s) => (s.bundle === undefined || s.state === "cancelled" ? [] : [s.bundle])));
  await wf.outbox.sweep(known, 60 * 60 * 1000);
  if (due.length === 0) {
    ctx.out.say("outbox.flushNothing", { waiting: all.length });
    ctx.out.result({ delivered: [], failed: [], waiting: all.length, stopped: waitingForYou });
    return;
  }
  const { deliverDue } = await import("../../followup/flush.js");
  const results: Record<string, unknown>[] = [];
  let failed = 0;
  let refused = 0;
  let damaged = 0;
  let sent = 0;
  const closed = await deliverDue(due, wf.delivery, wf.hours, (s, outcome) => {
    const alias = wf.aliasOf(s.client) ?? "?";
    const id = s.bundle ?? s.key;
    if (outcome.status === "busy") {
      ctx.out.warn("batch.lineBusy", { alias, id });
    } else if (outcome.status === "sent") {
      sent++;
      ctx.out.say("batch.lineSent", { alias, channel: s.channel ?? "-", id });
    } else if (outcome.status === "failed") {
      failed++;
      if (refusedByPolicy(outcome)) refused++;
      if (outcome.integrity === true) damaged++;
      ctx.out.warn("batch.lineFailed", { alias, problem: ctx.out.text(outcome.reason, outcome.params) });
    } else if (outcome.status === "uncertain") {
      failed++;
      ctx.out.warn("batch.lineUncertain", { alias, id });
    } else ctx.out.say("batch.lineAlready", { alias, id, state: stateText(ctx, outcome.state) });
    results.push({ id, client: alias, status: outcome.status });
  });
  // Contact hours closed while this flush delivered: the rest waits, and says until when.
  if (closed.length > 0) ctx.out.say("outbox.flushClosed", { count: closed.length, when: whenText(ctx, wf, goesOutAt(wf.hours, { due: undefined, anyTime: false }, wf.now())) });
  for (const s of closed) results.push({ id: s.bundle ?? s.key, client: wf.aliasOf(s.client) ?? "?", status: "waiting" });
  ctx.out.result({ results, waiting: all.length - due.length + closed.length, stopped: waitingForYou });
  // As documented (docs/workflow.md): 3 when some went out and others did not; when none went
  // out, 4 if every failure was a refusal by policy (consent withdrawn meanwhile), 5 if every
  // failure was a damaged or altered bundle, else 1.
  if (failed === 0) return;
  if (sent > 0) process.exitCode = ExitCode.partial;
  else if (refused === failed) process.exitCode = ExitCode.refused;
  else process.exitCode = damaged === failed ? ExitCode.integrity : ExitCode.failure;
}

export async function cancel(ctx: CliContext, id: string | undefined, o: { series?: string } = {}): Promise<void> {
  if (id !== undefined && o.series !== undefined) throw new UserError(ExitCode.usage, "series.cancelTwice");
  if (id === undefined && o.series === undefined) throw new UserError(ExitCode.usage, "outbox.cancelNeedsId");
  if (o.series !== undefined) {
    const [{ wf }, { cancelSeries }] = await Promise.all([openCliWorkflow(ctx), import("../series.js")]);
    await cancelSeries(ctx, wf, o.series);
    return;
  }
  if (id === undefined) return;
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
  // Under the follow-up's lock: a flush may be delivering it right now (a failure that may heal).
  const release = await claimFollowUp(ctx, wf, target);
  try {
    const state = (await wf.ledger.state(target.key))?.state ?? "cancelled";
    if (state !== "uncertain" && state !== "failed") {
      throw new UserError(ExitCode.usage, "outbox.notUncertain", { id, state: stateText(ctx, state) });
    }
    // Only a bundle in the outbox is delivered by a flush: a release of one `client forget` kept
    // in the archive (or one gone) would say "queued" of what nothing will ever deliver.
    if (target.bundle === undefined || !(await wf.outbox.has(target.bundle))) {
      const archived = target.bundle !== undefined && (await wf.outbox.locate(target.bundle)) !== undefined;
      const params = { alias: wf.aliasOf(target.client) ?? ctx.out.text("status.unknownClient"), id: target.bundle ?? target.key };
      throw new UserError(ExitCode.usage, archived ? "outbox.retryArchived" : "outbox.retryMissing", params);
    }
    await wf.ledger.append({ fu: target.key, ev: "released" }, wf.now());
  } finally {
    await release();
  }
  ctx.out.say("outbox.released", { id: target.bundle ?? target.key });
  ctx.out.result({ id: target.bundle ?? null, key: target.key, state: "queued" });
}

const REROUTABLE: ReadonlySet<FollowUpState["state"]> = new Set(["sealed", "queued", "failed"]);

/**
 * `outbox reroute ID --channel NAME`: the same sealed bundle (same id) goes out through another
 * channel the client consented to. Delivered at once when `outbox flush` would deliver it now
 * (due, inside contact hours; a failed one is always due), else it waits for its time or the
 * next opening. Unknown channel: exit 2; no consent for it: exit 4.
 */
export async function reroute(ctx: CliContext, id: string, o: { channel: string }): Promise<void> {
  const { practice, wf } = await openCliWorkflow(ctx);
  const target = await find(wf, id);
  const shown = target.bundle ?? target.key;
  if (!REROUTABLE.has(target.state) || target.bundle === undefined) {
    throw new UserError(ExitCode.usage, "outbox.notReroutable", { id: shown, state: stateText(ctx, target.state) });
  }
  const meta = await wf.outbox.meta(target.bundle);
  if (meta === undefined || !(await wf.outbox.has(target.bundle))) throw new UserError(ExitCode.usage, "outbox.rerouteNoRecord", { id: shown });
  // Unknown channel or WhatsApp: the resolver's own line (exit 2, or 4 for WhatsApp).
  const channel = await wf.channels.resolve(o.channel);
  const client = practice.clients.require(meta.alias);
  const { routeProblems } = await import("../../followup/validate.js");
  const route = routeProblems(client, channel, meta.viewer);
  const only = route.problems[0];
  if (route.problems.length === 1 && only !== undefined) {
    throw route.refused ? new PolicyError(only.key, only.params) : new UserError(ExitCode.usage, only.key, only.params);
  }
  if (route.problems.length > 1) {
    reportProblems(ctx, route.problems, route.refused, { key: "workflow.problems", params: { count: route.problems.length } });
    return;
  }
  // The sealed size against the new channel's limits (e-mail's attachment), before anything changes.
  const refusal = channel.plan?.({ message: "", items: [], bundleBytes: target.bytes ?? 0 }, client.alias).refuse;
  if (refusal !== undefined) throw new UserError(ExitCode.usage, refusal.key, refusal.params);

  const release = await claimFollowUp(ctx, wf, target);
  let outcome;
  let planned: Planned = { due: undefined, anyTime: false };
  try {
    const now = await wf.ledger.state(target.key);
    if (now === undefined || !REROUTABLE.has(now.state)) {
      throw new UserError(ExitCode.usage, "outbox.notReroutable", { id: shown, state: stateText(ctx, now?.state ?? "cancelled") });
    }
    await wf.outbox.updateMeta({ ...meta, channel: channel.name });
    await wf.ledger.append({ fu: target.key, ev: "rerouted", channel: channel.name, channelType: channel.type }, wf.now());
    planned = plannedOf(now);
    // The same decision as `outbox flush`: due, and inside contact hours (or planned outside them).
    if (mayGoOut(wf.hours, planned, wf.now())) outcome = await deliverClaimed(target.key, wf.delivery);
  } finally {
    await release();
  }
  const base = { id: shown, alias: client.alias, channel: channel.name };
  if (outcome === undefined) {
    const at = wf.now();
    const when = whenText(ctx, wf, goesOutAt(wf.hours, planned, at));
    // Its time has come but contact hours are closed: it waits for the next opening, and says so.
    const { due } = planned;
    if (due === undefined || due.getTime() <= at.getTime()) ctx.out.say("outbox.reroutedWaits", { ...base, when });
    else ctx.out.say("outbox.reroutedQueued", { ...base, when });
  } else if (outcome.status === "sent") {
    ctx.out.say("outbox.reroutedSent", base);
  } else if (outcome.status === "failed") {
    ctx.out.warn("outbox.reroutedFailed", { ...base, problem: ctx.out.text(outcome.reason, outcome.params) });
    process.exitCode = failedDeliveryExit(outcome);
  } else if (outcome.status === "uncertain") {
    ctx.out.warn("batch.lineUncertain", { alias: client.alias, id: shown });
    process.exitCode = ExitCode.failure;
  }
  ctx.out.result({
    id: target.bundle,
    key: target.key,
    client: client.alias,
    channel: channel.name,
    state: outcome === undefined ? "queued" : outcome.status,
    ...(outcome?.status === "sent" ? { ids: outcome.ids } : {}),
    ...(outcome?.status === "failed" ? { reason: outcome.reason, text: ctx.out.text(outcome.reason, outcome.params) } : {}),
  });
}
