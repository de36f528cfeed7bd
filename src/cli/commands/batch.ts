/**
 * `nachklang batch FILE`: many follow-ups from a YAML or CSV file. Everything is checked first
 * and every problem reported at once; then each follow-up is composed, sealed, queued and (in
 * contact hours) delivered, each under its stable key so that a re-run sends nothing twice.
 */
import { ExitCode, UserError, isUserError } from "../../errors.js";
import type { MessageKey, MessageParams } from "../../messages/index.js";
import { deliverClaimed, type DeliveryOutcome } from "../../followup/deliver.js";
import { BatchInvalid, readBatchFile, type BatchEntry, type BatchFile } from "../../followup/batch.js";
import { batchFollowUpKeys, batchSeriesIds, canonicalJson, resolveBatchKey, type BatchKeyInput } from "../../followup/keys.js";
import { isSettled, type FollowUpState } from "../../delivery/ledger.js";
import type { PracticeKeys } from "../../practice/keys.js";
import { prepareClaimed, previewFollowUp, dueTime, type Timing } from "../../followup/pipeline.js";
import { plannedTime } from "../../followup/series.js";
import type { Stage } from "../../followup/ports.js";
import { sharedMedia } from "../../followup/shared-media.js";
import { validateDraft, type ValidDraft } from "../../followup/validate.js";
import { sha256File } from "../../media/files.js";
import type { Workflow } from "../../followup/workflow.js";
import { mapPool } from "../../pool.js";
import { makePrivateTemp, removeTemp } from "../../temp.js";
import type { CliContext } from "../context.js";
import { describePlan, formatSize, openCliWorkflow, printPlan, reportProblems, stateText, whenText, type LocatedProblemLike } from "../workflow.js";

interface BatchOptions {
  dryRun?: boolean;
  concurrency?: string;
  now?: boolean;
  /** False with --no-cache. */
  cache?: boolean;
}

type EntryResult =
  | { kind: "sent"; id: string; ids: readonly string[] }
  | { kind: "queued"; id: string; due: Date }
  | { kind: "already"; id: string; state: string }
  | { kind: "failed"; reason: MessageKey; params: MessageParams; id?: string }
  | { kind: "uncertain"; id: string };

const STAGES: readonly Stage[] = ["photos", "audio", "homework", "seal", "deliver"];

/** Progress per stage: bars in a terminal, plain lines otherwise. */
async function progress(ctx: CliContext, totals: Readonly<Record<Stage, number>>) {
  const label = (s: Stage) => ctx.out.text(`batch.stage.${s}` as MessageKey);
  const counts: Record<Stage, number> = { photos: 0, audio: 0, homework: 0, seal: 0, deliver: 0 };
  if (ctx.out.interactive && !ctx.json) {
    const cliProgress = await import("cli-progress");
    const multi = new cliProgress.MultiBar(
      { format: "{stage} [{bar}] {value}/{total}", hideCursor: true, clearOnComplete: false, stopOnComplete: false, stream: process.stderr },
      cliProgress.Presets.shades_classic,
    );
    const width = Math.max(...STAGES.map((s) => label(s).length));
    const bars = new Map(STAGES.filter((s) => totals[s] > 0).map((s) => [s, multi.create(totals[s], 0, { stage: label(s).padEnd(width) })]));
    return { tick: (s: Stage) => bars.get(s)?.increment(), stop: () => multi.stop() };
  }
  return {
    tick: (s: Stage) => {
      counts[s]++;
      ctx.out.warn("batch.stage", { stage: label(s), done: counts[s], total: totals[s] });
    },
    stop: () => undefined,
  };
}

/**
 * `inputs` with each one's occurrence: how many of its client's entries before it have the same
 * content (keys.ts). An entry the same as an earlier one is said: both are sent.
 */
function sameEntries(ctx: CliContext, valid: readonly { entry: BatchEntry }[], inputs: readonly BatchKeyInput[]): BatchKeyInput[] {
  const first = new Map<string, { where: string; count: number }>();
  return inputs.map((input, i) => {
    const { entry } = valid[i]!;
    // A series' steps are told apart by their place in it (their times are not part of the content).
    const step = entry.series === undefined ? undefined : { entry: entry.series.entry, step: entry.series.step };
    const same = canonicalJson([input.client, input.content, step ?? null]);
    const earlier = first.get(same);
    if (earlier === undefined) first.set(same, { where: entry.where, count: 1 });
    else {
      ctx.out.warn("batch.sameEntry", { where: entry.where, first: earlier.where });
      earlier.count++;
    }
    return { ...input, occurrence: (earlier?.count ?? 1) - 1, ...(step === undefined ? {} : { step }) };
  });
}

/** What an entry's key is derived from (keys.ts); its occurrence is set by `sameEntries`. */
async function keyInput(batch: BatchFile, entry: BatchEntry, hashes: Map<string, Promise<string>>): Promise<BatchKeyInput> {
  const hash = (path: string) => {
    let h = hashes.get(path);
    if (h === undefined) {
      h = sha256File(path);
      hashes.set(path, h);
    }
    return h;
  };
  const d = entry.draft;
  const content = {
    photos: await Promise.all(d.photos.map(async (m) => ({ sha256: await hash(m.path), caption: m.caption }))),
    audio: await Promise.all(d.audio.map(async (m) => ({ sha256: await hash(m.path), caption: m.caption }))),
    // Only when given, so that the keys of batches written before kinds existed stay the same.
    ...(d.kind === undefined ? {} : { kind: d.kind }),
    homework: d.homework,
    impulses: d.impulses,
    note: d.note,
    appointment: d.appointment,
  };
  return { batchFile: batch.file, ...(batch.run === undefined ? {} : { run: batch.run }), client: d.client, occurrence: 0, content };
}

export async function run(ctx: CliContext, file: string, o: BatchOptions): Promise<void> {
  const labels = {
    entry: (n: number, client: string) => ctx.out.text("batch.where.entry", { n, client }),
    line: (n: number, client: string) => ctx.out.text("batch.where.line", { n, client }),
  };
  const concurrency = o.concurrency === undefined ? 2 : Number(o.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16) throw new UserError(ExitCode.usage, "cli.usage", { message: "--concurrency 1..16" });
  let batch: BatchFile;
  try {
    batch = await readBatchFile(file, labels);
  } catch (error) {
    if (!(error instanceof BatchInvalid)) throw error;
    reportProblems(ctx, error.problems, false, { key: "batch.invalid", params: { file, count: error.problems.length } });
    return;
  }

  let tick: (s: Stage) => void = () => undefined;
  const { wf, practice } = await openCliWorkflow(ctx, {
    cacheMedia: o.cache !== false,
    onStage: (stage, state) => {
      if (state === "done") tick(stage);
    },
  });

  // 1. Check everything before processing anything.
  const problems: LocatedProblemLike[] = [];
  let refused = false;
  const valid: { entry: BatchEntry; valid: ValidDraft }[] = [];
  const timing: Timing = o.now === true ? { immediate: true } : {};
  // A series step's planned time (`at`, `after`, `before` the appointment); others go as they are.
  const timings = new Map<BatchEntry, Timing>();
  for (const entry of batch.entries) {
    const v = await validateDraft(entry.draft, wf.validation);
    refused ||= v.refused;
    problems.push(...v.problems.map((p) => ({ ...p, where: entry.where })));
    if (entry.series !== undefined) {
      const planned = plannedTime(entry.series.time, entry.series.appointment, wf.now(), wf.tz);
      if (planned.problem !== undefined) {
        const params = { ...planned.problem.params };
        if (params.when !== undefined) params.when = whenText(ctx, wf, new Date(params.when));
        problems.push({ key: planned.problem.key, params, where: entry.where });
      }
      if (planned.at !== undefined) timings.set(entry, { ...timing, at: planned.at });
    }
    if (v.valid !== undefined) valid.push({ entry, valid: v.valid });
  }
  const timingOf = (entry: BatchEntry): Timing => timings.get(entry) ?? timing;
  if (problems.length > 0) {
    reportProblems(ctx, problems, refused, { key: "batch.invalid", params: { file, count: problems.length } });
    return;
  }

  const shareDir = await makePrivateTemp("nachklang-batch-");
  const env: Workflow = o.cache === false ? wf : { ...wf, prepare: { ...wf.prepare, media: sharedMedia(wf.prepare.media, shareDir) } };
  const totals: Record<Stage, number> = {
    photos: valid.filter((v) => v.entry.draft.photos.length > 0).length,
    audio: valid.filter((v) => v.entry.draft.audio.length > 0).length,
    homework: valid.filter((v) => v.entry.draft.homework !== undefined).length,
    seal: valid.length,
    deliver: 0,
  };
  try {
    if (o.dryRun === true) {
      ctx.out.say("batch.dryRunHeader", { count: valid.length });
      const bar = await progress(ctx, totals);
      tick = bar.tick;
      const out: unknown[] = [];
      try {
        for (const { entry, valid: v } of valid) {
          const due = dueTime(wf.now(), wf.hours, timingOf(entry));
          const preview = await previewFollowUp(v, env.prepare);
          const bytes = preview.bundleBytes;
          ctx.out.say("batch.lineDry", { alias: entry.draft.client, count: preview.items.length, size: formatSize(bytes), channel: v.channel.name });
          printPlan(ctx, v.channel.name, preview.plan);
          if (preview.plan.refuse !== undefined) {
            ctx.out.warn(preview.plan.refuse.key, preview.plan.refuse.params);
            process.exitCode = ExitCode.usage;
          }
          out.push({
            client: entry.draft.client,
            channel: v.channel.name,
            due: due.toISOString(),
            message: preview.composed.message,
            items: preview.items,
            bundleBytes: bytes,
            plan: describePlan(preview.plan),
          });
        }
      } finally {
        bar.stop();
      }
      ctx.out.result({ dryRun: true, followups: out });
      return;
    }

    // 2. Stable keys, then compose/seal/queue/deliver each follow-up under its lock. A follow-up
    // sealed before keys were keyed keeps its plain key (keys.ts); a legacy key is never made
    // anew, so which key an entry resolves to cannot change between here and its lock.
    const hashes = new Map<string, Promise<string>>();
    const inputs = sameEntries(ctx, valid, await Promise.all(valid.map((v) => keyInput(batch, v.entry, hashes))));
    const positions = valid.map((v) => v.entry.occurrence);
    const [entryKeys, known] = await Promise.all([batchFollowUpKeys(practice.keys, inputs, positions), wf.ledger.states()]);
    const keyed = valid.map((v, i) => ({ ...v, key: resolveBatchKey(known, entryKeys[i]!) }));
    const seriesIds = await seriesIdsOf(batch, keyed, known, practice.keys);
    totals.deliver = keyed.length;
    const bar = await progress(ctx, totals);
    tick = bar.tick;
    const results = new Map<BatchEntry, EntryResult>();
    try {
      await mapPool(keyed, concurrency, async ({ entry, valid: v, key }) => {
        const series = entry.series === undefined ? undefined : { id: seriesIds.get(entry.series.entry)!, step: entry.series.step, of: entry.series.of };
        results.set(entry, await runEntry(env, v, key, timingOf(entry), series));
        tick("deliver");
      });
    } finally {
      bar.stop();
    }
    report(ctx, wf, keyed.map((k) => ({ entry: k.entry, channel: k.valid.channel.name, key: k.key, result: results.get(k.entry) })));
  } finally {
    await removeTemp(shareDir);
  }
}

/**
 * The id of each `series:` entry (by its position in the file): the id its steps already have in
 * the ledger — so that steps an older version sealed under its plain id and steps sealed now stay
 * one series — else its keyed id (keys.ts).
 */
async function seriesIdsOf(
  batch: BatchFile,
  keyed: readonly { entry: BatchEntry; key: string }[],
  known: ReadonlyMap<string, FollowUpState>,
  keys: Pick<PracticeKeys, "keyedHashes">,
): Promise<Map<number, string>> {
  const ids = new Map<number, string>();
  for (const { entry, key } of keyed) {
    const stored = known.get(key)?.series?.id;
    if (entry.series !== undefined && stored !== undefined && !ids.has(entry.series.entry)) ids.set(entry.series.entry, stored);
  }
  const missing = [...new Set(keyed.flatMap(({ entry }) => (entry.series === undefined || ids.has(entry.series.entry) ? [] : [entry.series.entry])))];
  const made = await batchSeriesIds(keys, missing.map((entry) => ({ batchFile: batch.file, ...(batch.run === undefined ? {} : { run: batch.run }), entry })));
  missing.forEach((entry, i) => ids.set(entry, made[i]!));
  return ids;
}

async function runEntry(wf: Workflow, v: ValidDraft, key: string, timing: Timing, series?: { id: string; step: number; of: number }): Promise<EntryResult> {
  try {
    const release = await wf.ledger.claim(key);
    try {
      const known = await wf.ledger.state(key);
      if (known !== undefined && isSettled(known)) return { kind: "already", id: known.bundle ?? key, state: known.state };
      if (known?.state === "uncertain") return { kind: "uncertain", id: known.bundle ?? key };
      const prepared = await prepareClaimed(v, key, "batch", timing, wf.prepare);
      if (series !== undefined && prepared.fresh) await wf.ledger.append({ fu: key, ev: "series", series: series.id, step: series.step, of: series.of }, wf.now());
      if (prepared.due.getTime() > wf.now().getTime()) return { kind: "queued", id: prepared.bundleId, due: prepared.due };
      const outcome: DeliveryOutcome = await deliverClaimed(key, wf.delivery);
      switch (outcome.status) {
        case "sent":
          return { kind: "sent", id: prepared.bundleId, ids: outcome.ids };
        case "failed":
          return { kind: "failed", reason: outcome.reason, params: outcome.params, id: prepared.bundleId };
        case "uncertain":
          return { kind: "uncertain", id: prepared.bundleId };
        case "skipped":
          return { kind: "already", id: prepared.bundleId, state: outcome.state };
      }
    } finally {
      await release();
    }
  } catch (error) {
    if (isUserError(error)) return { kind: "failed", reason: error.key, params: error.params };
    return { kind: "failed", reason: "cli.internal", params: { message: error instanceof Error ? error.message : String(error) } };
  }
}

/**
 * One line per follow-up, then the summary, all on stdout (one stream, in order, so
 * `nachklang batch week.yaml > report.txt` keeps the whole report); progress stays on stderr.
 */
function report(ctx: CliContext, wf: Workflow, rows: { entry: BatchEntry; channel: string; key: string; result: EntryResult | undefined }[]): void {
  const count = { sent: 0, queued: 0, already: 0, failed: 0, uncertain: 0 };
  const json: unknown[] = [];
  for (const { entry, channel, key, result } of rows) {
    const alias = entry.draft.client;
    const r: EntryResult = result ?? { kind: "failed", reason: "cli.internal", params: { message: "no result" } };
    count[r.kind]++;
    switch (r.kind) {
      case "sent":
        ctx.out.say("batch.lineSent", { alias, channel, id: r.id });
        break;
      case "queued":
        ctx.out.say("batch.lineQueued", { alias, when: whenText(ctx, wf, r.due), id: r.id });
        break;
      case "already":
        ctx.out.say("batch.lineAlready", { alias, id: r.id, state: stateText(ctx, r.state as "sent") });
        break;
      case "failed":
        ctx.out.say("batch.lineFailed", { alias, problem: ctx.out.text(r.reason, r.params) });
        break;
      case "uncertain":
        ctx.out.say("batch.lineUncertain", { alias, id: r.id });
        break;
    }
    json.push({
      client: alias,
      where: entry.where,
      key,
      channel,
      status: r.kind,
      ...("id" in r && r.id !== undefined ? { id: r.id } : {}),
      ...(r.kind === "queued" ? { due: r.due.toISOString() } : {}),
      ...(r.kind === "failed" ? { reason: r.reason, text: ctx.out.text(r.reason, r.params) } : {}),
    });
  }
  ctx.out.say("batch.summary", { total: rows.length, ...count });
  ctx.out.result({ ok: count.failed + count.uncertain === 0, ...count, followups: json });
  if (count.failed + count.uncertain > 0) process.exitCode = ExitCode.partial;
}
