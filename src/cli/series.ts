/**
 * Series of follow-ups (`send ALIAS --series FILE`, `outbox cancel --series ID`): shared by the
 * send and outbox commands. Every step is checked before any is sealed; all are sealed and
 * queued with their planned times before any is delivered; when one cannot be prepared, the
 * steps already sealed are withdrawn, so a series is queued whole or not at all.
 */
import { randomBytes } from "node:crypto";
import { ExitCode, UserError, isUserError } from "../errors.js";
import type { FollowUpState } from "../delivery/ledger.js";
import type { DeliveryOutcome } from "../followup/deliver.js";
import type { Timing } from "../followup/pipeline.js";
import type { SeriesFile } from "../followup/series.js";
import type { ValidDraft } from "../followup/validate.js";
import type { Workflow } from "../followup/workflow.js";
import type { CliContext } from "./context.js";
import {
  cancelWaiting,
  confirmSend,
  describePlan,
  formatSize,
  openCliWorkflow,
  printPlan,
  refusedByPolicy,
  reportProblems,
  whenText,
  type LocatedProblemLike,
} from "./workflow.js";

export interface SeriesOptions {
  channel?: string;
  now?: boolean;
  dryRun?: boolean;
  yes?: boolean;
}

/** A series id: 12 characters, typed easily (`outbox cancel --series ID`), naming nobody. */
function seriesId(): string {
  return randomBytes(8).toString("hex").slice(0, 12);
}

export async function sendSeries(ctx: CliContext, alias: string, path: string, o: SeriesOptions): Promise<void> {
  const [{ readSeriesFile, plannedTime }, { BatchInvalid }, { validateDraft }] = await Promise.all([
    import("../followup/series.js"),
    import("../followup/batch.js"),
    import("../followup/validate.js"),
  ]);
  let series: SeriesFile;
  try {
    series = await readSeriesFile(path, alias, (n, client) => ctx.out.text("batch.where.entry", { n, client }));
  } catch (error) {
    if (!(error instanceof BatchInvalid)) throw error;
    reportProblems(ctx, error.problems, false, { key: "batch.invalid", params: { file: path, count: error.problems.length } });
    return;
  }
  const { wf } = await openCliWorkflow(ctx);
  const now = wf.now();

  // 1. Check every step (client, channel, consent, files, templates, times) before any is processed.
  const problems: LocatedProblemLike[] = [];
  let refused = false;
  const steps: { n: number; valid: ValidDraft; timing: Timing }[] = [];
  for (const step of series.steps) {
    const draft = o.channel !== undefined && step.draft.channel === undefined ? { ...step.draft, channel: o.channel } : step.draft;
    const v = await validateDraft(draft, wf.validation);
    refused ||= v.refused;
    problems.push(...v.problems.map((p) => ({ ...p, where: step.where })));
    const time = plannedTime(step.time, series.appointment, now, wf.tz);
    if (time.problem !== undefined) {
      const params = { ...time.problem.params };
      if (params.when !== undefined) params.when = whenText(ctx, wf, new Date(params.when));
      problems.push({ key: time.problem.key, params, where: step.where });
    }
    const timing: Timing = { ...(o.now === true ? { immediate: true } : {}), ...(time.at === undefined ? {} : { at: time.at }) };
    if (v.valid !== undefined) steps.push({ n: step.index, valid: v.valid, timing });
  }
  if (problems.length > 0) {
    reportProblems(ctx, problems, refused, { key: "batch.invalid", params: { file: path, count: problems.length } });
    return;
  }
  const of = steps.length;
  const [{ dueTime, prepareClaimed, previewFollowUp }, { singleFollowUpKey }, { deliverFollowUp }] = await Promise.all([
    import("../followup/pipeline.js"),
    import("../followup/keys.js"),
    import("../followup/deliver.js"),
  ]);

  if (o.dryRun === true) {
    const out: unknown[] = [];
    for (const { n, valid, timing } of steps) {
      const preview = await previewFollowUp(valid, wf.prepare);
      const due = dueTime(now, wf.hours, timing);
      const when = due.getTime() <= now.getTime() ? ctx.out.text("send.whenNow") : whenText(ctx, wf, due);
      ctx.out.say("series.dryLine", { n, of, when, count: preview.items.length, size: formatSize(preview.bundleBytes), channel: valid.channel.name });
      printPlan(ctx, valid.channel.name, preview.plan);
      if (preview.plan.refuse !== undefined) {
        ctx.out.warn(preview.plan.refuse.key, preview.plan.refuse.params);
        process.exitCode = ExitCode.usage;
      }
      out.push({ step: n, due: due.toISOString(), channel: valid.channel.name, message: preview.composed.message, items: preview.items, plan: describePlan(preview.plan) });
    }
    ctx.out.result({ dryRun: true, client: alias, steps: out });
    return;
  }
  if (o.yes !== true) {
    if (ctx.json) throw new UserError(ExitCode.usage, "send.needsYes");
    if (!(await confirmSend(ctx, alias, steps.map((s) => s.valid.channel.name).filter((c, i, all) => all.indexOf(c) === i).join(", ")))) {
      ctx.out.say("send.aborted");
      return;
    }
  }

  // 2. Seal and queue every step; withdraw them all when one cannot be prepared.
  const id = seriesId();
  const prepared: { n: number; key: string; bundleId: string; due: Date; channel: string }[] = [];
  for (const { n, valid, timing } of steps) {
    const key = singleFollowUpKey();
    try {
      const release = await wf.ledger.claim(key);
      try {
        const p = await prepareClaimed(valid, key, "send", timing, wf.prepare);
        await wf.ledger.append({ fu: key, ev: "series", series: id, step: n, of }, wf.now());
        prepared.push({ n, key, bundleId: p.bundleId, due: p.due, channel: valid.channel.name });
        if (p.plan.warn !== undefined) ctx.out.warn(p.plan.warn.key, p.plan.warn.params);
      } finally {
        await release();
      }
    } catch (error) {
      for (const p of prepared) {
        const state = await wf.ledger.state(p.key);
        if (state !== undefined) await cancelWaiting(ctx, wf, state, p.bundleId);
      }
      if (isUserError(error)) ctx.out.warn("series.rolledBack", { n });
      throw error;
    }
  }

  // 3. Deliver what is due now; the rest waits for `outbox flush` at its time.
  ctx.out.say("series.header", { series: id, alias, of });
  const results: Record<string, unknown>[] = [];
  let failed = 0;
  let refusals = 0;
  for (const p of prepared) {
    let outcome: DeliveryOutcome | undefined;
    if (p.due.getTime() <= wf.now().getTime()) outcome = await deliverFollowUp(p.key, wf.delivery);
    const base = { n: p.n, of, id: p.bundleId, channel: p.channel };
    if (outcome === undefined) ctx.out.say("series.stepQueued", { ...base, when: whenText(ctx, wf, p.due) });
    else if (outcome.status === "sent") ctx.out.say("series.stepSent", base);
    else if (outcome.status === "failed") {
      failed++;
      if (refusedByPolicy(outcome)) refusals++;
      ctx.out.warn("series.stepFailed", { ...base, problem: ctx.out.text(outcome.reason, outcome.params) });
    } else if (outcome.status === "uncertain") {
      failed++;
      ctx.out.warn("batch.lineUncertain", { alias, id: p.bundleId });
    }
    results.push({ step: p.n, id: p.bundleId, key: p.key, channel: p.channel, due: p.due.toISOString(), state: outcome === undefined ? "queued" : outcome.status });
  }
  ctx.out.result({ series: id, client: alias, steps: results });
  if (failed > 0) process.exitCode = refusals === failed ? ExitCode.refused : ExitCode.failure;
}

/** Follow-ups of the series `id` (or a unique prefix of at least 6 characters). */
export function seriesMembers(states: Iterable<FollowUpState>, id: string): FollowUpState[] {
  const all = [...states].filter((s) => s.series !== undefined && (s.series.id === id || (id.length >= 6 && s.series.id.startsWith(id))));
  const ids = new Set(all.map((s) => s.series?.id));
  return ids.size === 1 ? all.sort((a, b) => (a.series?.step ?? 0) - (b.series?.step ?? 0)) : [];
}

/** `outbox cancel --series ID`: withdraw every step still waiting (or failed); sent ones stay sent. */
export async function cancelSeries(ctx: CliContext, wf: Workflow, id: string): Promise<void> {
  const states = [...(await wf.ledger.states()).values()];
  const members = seriesMembers(states, id);
  const series = members[0]?.series?.id;
  if (series === undefined) {
    // Say why nothing matched: a prefix too short to use, or one that fits several series.
    const fitting = new Set(states.flatMap((s) => (s.series?.id.startsWith(id) === true ? [s.series.id] : [])));
    if (fitting.size > 0 && id.length < 6) throw new UserError(ExitCode.usage, "series.prefixShort", { series: id });
    if (fitting.size > 1) throw new UserError(ExitCode.usage, "series.ambiguous", { series: id, count: fitting.size });
    throw new UserError(ExitCode.usage, "series.unknown", { series: id });
  }
  let cancelled = 0;
  const out: Record<string, unknown>[] = [];
  for (const s of members) {
    const open = s.state !== "sent" && s.state !== "cancelled" && s.state !== "sending";
    if (open) {
      await cancelWaiting(ctx, wf, s, s.bundle ?? s.key);
      cancelled++;
    }
    out.push({ step: s.series?.step ?? null, id: s.bundle ?? null, state: open ? "cancelled" : s.state });
  }
  ctx.out.say("series.cancelled", { series, cancelled, kept: members.length - cancelled });
  ctx.out.result({ series, cancelled, steps: out });
}
