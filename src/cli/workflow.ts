/**
 * Shared by the workflow commands (send, new, batch, status, history, outbox, consent):
 * unlocking and building the workflow, checking a draft, sending one follow-up, and the few
 * ways they format things for people. Commands share code through here, never by importing
 * each other.
 */
import { existsSync, statSync } from "node:fs";
import { readNamedFile } from "../files.js";
import { join } from "node:path";
import { clockFromEnv } from "../delivery/clock.js";
import { formatLocal, parseLocalTime } from "../delivery/hours.js";
import { isSettled, type FollowUpState, type SettledState } from "../delivery/ledger.js";
import { ExitCode, PolicyError, UserError } from "../errors.js";
import type { DeliveryOutcome } from "../followup/deliver.js";
import { FOLLOWUP_KINDS, MAX_NOTE_BYTES, isFollowUpKind, noteTooLargeParams, oversizedNote, splitImpulseArg, splitMediaArg, splitVarArg, type FollowUpDraft, type Impulse } from "../followup/draft.js";
import type { ItemSummary, Prepared, Timing } from "../followup/pipeline.js";
import type { DeliveryPlan } from "../channels/contract.js";
import type { ValidDraft } from "../followup/validate.js";
import { isLang, messages, type MessageKey, type MessageParams } from "../messages/index.js";
import { openWorkflow, practiceName, type Workflow } from "../followup/workflow.js";
import type { Problem, Stage } from "../followup/ports.js";
import { promptTheme, type CliContext } from "./context.js";
import { holdClient, unlockPractice, type Practice } from "./practice.js";
import { sweepStaleOnce } from "../temp.js";
import type { InboxEnv } from "../inbox/env.js";
import type { IngestReport } from "../inbox/ingest.js";
import type { ReceiptOutcome } from "../inbox/read.js";
import type { ClientRecord } from "../practice/clients.js";

export interface CliWorkflow {
  readonly practice: Practice;
  readonly wf: Workflow;
}

export async function openCliWorkflow(
  ctx: CliContext,
  extra: { onStage?: (stage: Stage, state: "start" | "done") => void; cacheMedia?: boolean } = {},
): Promise<CliWorkflow> {
  const now = clockFromEnv();
  const practice = await unlockPractice(ctx);
  // A run killed while it staged a follow-up leaves its staging folder (plaintext) in the
  // outbox. The next run that stages removes it anyway; one that finds everything already
  // staged would not, so every workflow command sweeps here.
  await sweepStaleOnce(ctx.home.outbox);
  const keys = practice.keys;
  // sharp, ffmpeg and the template library load only when a follow-up is composed (not for
  // status, outbox or consent).
  const media = once(async () => {
    const [{ MediaCache }, { mediaPipeline }] = await Promise.all([import("../media/index.js"), import("../followup/media.js")]);
    const cache = extra.cacheMedia === false ? undefined : new MediaCache({ dir: join(ctx.home.cache, "media"), keys });
    return mediaPipeline({ ...(cache === undefined ? {} : { cache }), onWarning: (w) => ctx.out.warn(w.key, w.params) });
  });
  const homework = once(async () => {
    const [{ homeworkLibrary }, { loadTemplateLibrary }] = await Promise.all([import("../followup/homework.js"), import("../templates/index.js")]);
    return homeworkLibrary(() => loadTemplateLibrary({ homeTemplates: ctx.home.templates }));
  });
  const wf = await openWorkflow({
    home: ctx.home,
    settings: ctx.settings,
    keys,
    clients: practice.clients,
    secrets: () => practice.secrets(),
    now,
    media: {
      photo: async (...args) => (await media()).photo(...args),
      audio: async (...args) => (await media()).audio(...args),
    },
    homework: {
      check: async (...args) => (await homework()).check(...args),
      render: async (...args) => (await homework()).render(...args),
      list: async (...args) => (await homework()).list(...args),
    },
    ...(extra.onStage === undefined ? {} : { onStage: extra.onStage }),
    onBalanceUnknown: (channel, reason, params) => ctx.out.warn("threema.balanceUnknown", { channel, reason: ctx.out.text(reason, params) }),
    holdClient: (alias, channelType) => holdClient(ctx, keys, alias, channelType),
  });
  return { practice, wf };
}

/** What a follow-up carries, as `send` and `inbox reply` take it from their options. */
export interface ContentOptions {
  /** What the follow-up is (FOLLOWUP_KINDS); absent: the template's kind, else homework. */
  kind?: string;
  photo?: string[];
  audio?: string[];
  homework?: string;
  var?: string[];
  impulse?: string[];
  note?: string;
  noteFile?: string;
  appointment?: string;
  channel?: string;
  /** The homework's language, when it is not the client's (`--lang`). */
  lang?: string;
}

const isFile = (p: string) => existsSync(p) && statSync(p).isFile();

const noteTooLarge = (file: string, bytes: number) => new UserError(ExitCode.usage, "note.tooLarge", noteTooLargeParams(file, bytes));

/**
 * A note from a file (`send`/`inbox reply`/`time log`/`time edit --note-file`): plain UTF-8
 * text of at most MAX_NOTE_BYTES, checked before it is read whole; without a byte order mark.
 * Refused: a file that is not text (invalid UTF-8, NUL or other control characters but tab and
 * line breaks) and one left empty (or only blanks: an editor closed without saving), which would
 * otherwise go out or be logged without the note.
 */
export async function readNoteFile(file: string): Promise<string> {
  // As every named file: a device refused, a pipe not waited on for good, the size checked first.
  const bytes = await readNamedFile(file, file, { max: MAX_NOTE_BYTES, tooLarge: (size) => noteTooLarge(file, size) });
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new UserError(ExitCode.usage, "note.notText", { file });
  }
  if (/[^\P{Cc}\t\n\r]/u.test(text)) throw new UserError(ExitCode.usage, "note.controlCharacters", { file });
  const note = text.replace(/^\uFEFF/, "");
  if (note.trim().length === 0) throw new UserError(ExitCode.usage, "note.empty", { file });
  return note;
}

/** The draft of a follow-up for `alias` from the content options; a UserError for bad or empty ones. */
export async function draftFromOptions(alias: string, o: ContentOptions): Promise<FollowUpDraft> {
  if (o.note !== undefined && o.noteFile !== undefined) throw new UserError(ExitCode.usage, "workflow.noteTwice");
  if (o.kind !== undefined && !isFollowUpKind(o.kind)) throw new UserError(ExitCode.usage, "kind.bad", { value: o.kind, kinds: FOLLOWUP_KINDS.join(", ") });
  let note = o.note;
  if (o.noteFile !== undefined) note = await readNoteFile(o.noteFile);
  else {
    const tooLarge = oversizedNote("--note", note);
    if (tooLarge !== undefined) throw new UserError(ExitCode.usage, "note.tooLarge", tooLarge);
  }
  const impulses: Impulse[] = (o.impulse ?? []).map((text) => {
    const parsed = splitImpulseArg(text);
    if (parsed === null) throw new UserError(ExitCode.usage, "workflow.badImpulse", { value: text });
    return parsed;
  });
  // No prototype: `--var __proto__=x` is then a variable like any other (and refused as unknown).
  const vars = Object.create(null) as Record<string, string>;
  for (const v of o.var ?? []) {
    const pair = splitVarArg(v);
    if (pair === null) throw new UserError(ExitCode.usage, "workflow.badVar", { value: v });
    vars[pair[0]] = pair[1];
  }
  if (o.homework === undefined && Object.keys(vars).length > 0) throw new UserError(ExitCode.usage, "workflow.varWithoutHomework");
  const draft: FollowUpDraft = {
    client: alias,
    ...(isFollowUpKind(o.kind) ? { kind: o.kind } : {}),
    ...(o.channel === undefined ? {} : { channel: o.channel }),
    photos: (o.photo ?? []).map((p) => splitMediaArg(p, isFile)),
    audio: (o.audio ?? []).map((p) => splitMediaArg(p, isFile)),
    ...(o.homework === undefined ? {} : { homework: { id: o.homework, vars, ...(isLang(o.lang) ? { lang: o.lang } : {}) } }),
    impulses,
    ...(note === undefined ? {} : { note }),
    ...(o.appointment === undefined ? {} : { appointment: o.appointment }),
  };
  const empty = draft.photos.length + draft.audio.length + impulses.length === 0 && !draft.homework && !note?.trim() && !draft.appointment;
  if (empty) throw new UserError(ExitCode.usage, "workflow.nothingToSend", { alias });
  return draft;
}

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

/**
 * The planned time of `--at`, read in the practice's zone: one in the past is a usage error
 * (exit 2) naming it; one more than a year ahead is asked about at a terminal and needs `yes`
 * in scripts (exit 2 without it). Returns undefined when the user declines.
 */
async function plannedTime(ctx: CliContext, wf: Workflow, text: string, yes: boolean): Promise<Date | undefined> {
  const at = parseLocalTime(text, wf.tz);
  const now = wf.now().getTime();
  if (at.getTime() < now) throw new UserError(ExitCode.usage, "date.atPast", { value: text });
  if (at.getTime() - now <= YEAR_MS || yes) return at;
  if (!process.stdin.isTTY || ctx.json) throw new UserError(ExitCode.usage, "date.atFar", { value: text });
  const { default: inquirer } = await import("inquirer");
  const answer = await inquirer.prompt<{ ok: boolean }>([
    { type: "confirm", name: "ok", default: false, message: ctx.out.text("date.atFarConfirm", { when: whenText(ctx, wf, at) }), theme: promptTheme(ctx) },
  ]);
  return answer.ok ? at : undefined;
}

/**
 * When a follow-up of `send`, `send --group` or `inbox reply` goes: `--now`, and `--at` read by
 * `plannedTime`. Undefined when the user declined a planned time more than a year ahead; the
 * caller stops, this has said so.
 */
export async function timingFromOptions(ctx: CliContext, wf: Workflow, o: { now?: boolean; at?: string; yes?: boolean }): Promise<Timing | undefined> {
  const immediate: Timing = o.now === true ? { immediate: true } : {};
  if (o.at === undefined) return immediate;
  const at = await plannedTime(ctx, wf, o.at, o.yes === true);
  if (at === undefined) {
    ctx.out.say("send.aborted");
    return undefined;
  }
  return { ...immediate, at };
}

/** `make`, run on the first call only; later calls get the same promise. */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function whenText(ctx: CliContext, wf: Workflow, when: Date): string {
  return formatLocal(when, wf.tz, ctx.lang);
}

export function stateText(ctx: CliContext, state: FollowUpState["state"]): string {
  return ctx.out.text(`status.state.${state}` as MessageKey);
}

/**
 * Why a follow-up failed, from what the ledger keeps: the catalogue key (never names), filled
 * with what is known here (the alias from its tag, the channel); other details show as "…".
 */
export function failureText(ctx: CliContext, wf: Workflow, s: FollowUpState): string | undefined {
  if (s.reason === undefined) return undefined;
  if (!Object.hasOwn(messages, s.reason)) return s.reason;
  const alias = wf.aliasOf(s.client) ?? ctx.out.text("status.unknownClient");
  const text = ctx.out.text(s.reason as MessageKey, { alias, channel: s.channelType ?? s.channel ?? "-", name: s.channel ?? "-" });
  return text.replace(/\{\w+\}/g, "…");
}

export interface LocatedProblemLike extends Problem {
  readonly where?: string;
}

/** Print every problem (stderr) and set the exit code: 4 when refused by policy, else 2. */
export function reportProblems(ctx: CliContext, problems: readonly LocatedProblemLike[], refused: boolean, header: { key: MessageKey; params: MessageParams }): void {
  ctx.out.warn(header.key, header.params);
  for (const p of problems) {
    ctx.out.warn("workflow.problemLine", { where: p.where ? `${p.where}: ` : "", problem: ctx.out.text(p.key, p.params) });
  }
  const exitCode = refused ? ExitCode.refused : ExitCode.usage;
  ctx.out.result({
    ok: false,
    // Shaped like every other --json error (src/cli/main.ts), with the list beside it.
    error: { code: header.key, message: ctx.out.text(header.key, header.params), exitCode },
    problems: problems.map((p) => ({ where: p.where ?? null, key: p.key, params: p.params, text: ctx.out.text(p.key, p.params) })),
  });
  process.exitCode = exitCode;
}

/** Check the draft; prints every problem and returns undefined when there are any. */
export async function checkDraft(ctx: CliContext, wf: Workflow, draft: FollowUpDraft): Promise<ValidDraft | undefined> {
  // Loaded here: status, history and the outbox commands never check a draft.
  const { validateDraft } = await import("../followup/validate.js");
  const validation = await validateDraft(draft, wf.validation);
  if (validation.valid !== undefined) return validation.valid;
  if (validation.problems.length === 1 && validation.problems[0] !== undefined) {
    const only = validation.problems[0];
    throw validation.refused ? new PolicyError(only.key, only.params) : new UserError(ExitCode.usage, only.key, only.params);
  }
  reportProblems(ctx, validation.problems, validation.refused, { key: "workflow.problems", params: { count: validation.problems.length } });
  return undefined;
}

/**
 * What the follow-up becomes on its channel: messages and credits (and the credits left, for a
 * prepaid channel), the attachment against its limit, and the channel's warning. A refusal is
 * the caller's to report (it decides the exit).
 */
export function printPlan(ctx: CliContext, channel: string, plan: DeliveryPlan): void {
  if (plan.credits !== undefined) ctx.out.say("plan.messages", { channel, messages: plan.messages ?? 1, credits: plan.credits });
  if (plan.balance !== undefined) ctx.out.say("plan.balance", { channel, balance: plan.balance });
  if (plan.attachment !== undefined) {
    const mb = (bytes: number) => (Math.ceil(Math.round((bytes / 1024 / 1024) * 1000) / 100) / 10).toFixed(1);
    ctx.out.say("plan.attachment", { channel, size: mb(plan.attachment.bytes), limit: mb(plan.attachment.limitBytes) });
  }
  if (plan.warn !== undefined) ctx.out.warn(plan.warn.key, plan.warn.params);
}

/** A plan as `--json` reports it. */
export function describePlan(plan: DeliveryPlan) {
  return {
    messages: plan.messages ?? null,
    credits: plan.credits ?? null,
    balance: plan.balance ?? null,
    attachmentBytes: plan.attachment?.bytes ?? null,
    attachmentLimitBytes: plan.attachment?.limitBytes ?? null,
    refused: plan.refuse?.key ?? null,
    warning: plan.warn?.key ?? null,
  };
}

export function printItems(ctx: CliContext, items: readonly ItemSummary[]): void {
  for (const i of items) {
    ctx.out.say("send.item", { kind: i.kind, name: i.name, size: formatSize(i.size), caption: i.caption ? ` – ${i.caption}` : "" });
  }
}

export async function confirmSend(ctx: CliContext, alias: string, channel: string): Promise<boolean> {
  if (!process.stdin.isTTY) throw new UserError(ExitCode.usage, "send.needsYes");
  const { default: inquirer } = await import("inquirer");
  const answer = await inquirer.prompt<{ ok: boolean }>([{ type: "confirm", name: "ok", default: true, message: ctx.out.text("send.confirm", { alias, channel }), theme: promptTheme(ctx) }]);
  return answer.ok;
}

/** A delivery that failed because policy forbids it (consent missing or withdrawn, WhatsApp): exit 4, not 1. */
export function refusedByPolicy(outcome: DeliveryOutcome): boolean {
  return outcome.status === "failed" && (outcome.reason === "consent.missing" || outcome.reason === "channels.whatsappRefused");
}

/**
 * The exit code of one delivery that did not go out (`send`, `outbox reroute`): 4 when policy
 * refused it, 5 when the sealed bundle is damaged or was altered (as the README's exit codes
 * say for a bundle that fails decryption, a hash or the signature), else 1.
 */
export function failedDeliveryExit(outcome: DeliveryOutcome): ExitCode {
  if (refusedByPolicy(outcome)) return ExitCode.refused;
  return outcome.status === "failed" && outcome.integrity === true ? ExitCode.integrity : ExitCode.failure;
}

/** Prepare and, when due, deliver one follow-up under its lock; prints the summary. */
export async function sendPrepared(
  ctx: CliContext,
  wf: Workflow,
  valid: ValidDraft,
  origin: "send" | "new" | "reply",
  timing: { immediate?: boolean; at?: Date },
): Promise<{ prepared: Prepared; outcome: DeliveryOutcome | undefined }> {
  const [{ singleFollowUpKey }, { prepareClaimed }, { deliverClaimed }] = await Promise.all([
    import("../followup/keys.js"),
    import("../followup/pipeline.js"),
    import("../followup/deliver.js"),
  ]);
  const key = singleFollowUpKey();
  const release = await wf.ledger.claim(key);
  let prepared: Prepared;
  let outcome: DeliveryOutcome | undefined;
  try {
    prepared = await prepareClaimed(valid, key, origin, timing, wf.prepare);
    // Said before anything goes out: e.g. how many Threema messages (and credits) this becomes.
    if (prepared.plan.warn !== undefined) ctx.out.warn(prepared.plan.warn.key, prepared.plan.warn.params);
    if (prepared.due.getTime() <= wf.now().getTime()) outcome = await deliverClaimed(key, wf.delivery);
  } finally {
    await release();
  }
  const alias = valid.client.alias;
  const channel = valid.channel.name;
  const base = { alias, channel, id: prepared.bundleId, count: prepared.items.length, size: formatSize(prepared.bytes) };
  if (outcome === undefined) {
    ctx.out.say("send.summaryQueued", { ...base, when: whenText(ctx, wf, prepared.due) });
  } else if (outcome.status === "sent") {
    ctx.out.say("send.summarySent", base);
  } else if (outcome.status === "failed") {
    ctx.out.warn("send.summaryFailed", { ...base, problem: ctx.out.text(outcome.reason, outcome.params) });
    if (outcome.permanent === true || !outcome.retryable) ctx.out.warn("outbox.failedForGood", { id: prepared.bundleId });
    process.exitCode = failedDeliveryExit(outcome);
  } else {
    ctx.out.warn("send.summaryUncertain", base);
    process.exitCode = ExitCode.failure;
  }
  printItems(ctx, prepared.items);
  ctx.out.result({
    ok: outcome === undefined || outcome.status === "sent",
    id: prepared.bundleId,
    key,
    client: alias,
    channel,
    state: outcome === undefined ? "queued" : outcome.status,
    due: prepared.due.toISOString(),
    items: prepared.items,
    bytes: prepared.bytes,
    plan: describePlan(prepared.plan),
    ...(outcome?.status === "sent" ? { ids: outcome.ids } : {}),
    ...(outcome?.status === "failed" ? { reason: outcome.reason, text: ctx.out.text(outcome.reason, outcome.params) } : {}),
  });
  return { prepared, outcome };
}

const WAITING: ReadonlySet<FollowUpState["state"]> = new Set(["sealed", "queued", "sending", "failed", "uncertain"]);

/** Follow-ups whose bundle still waits in the outbox, the soonest due first. */
export async function waitingFollowUps(wf: Workflow): Promise<FollowUpState[]> {
  const states = [...(await wf.ledger.states()).values()];
  const out: FollowUpState[] = [];
  for (const s of states) {
    if (!WAITING.has(s.state) || s.bundle === undefined) continue;
    if (!(await wf.outbox.has(s.bundle))) continue;
    out.push(s);
  }
  return out.sort((a, b) => (a.due ?? a.created).localeCompare(b.due ?? b.created));
}

/**
 * Take a follow-up's lock for a command the practitioner runs on it (cancel, retry, reroute,
 * client remove and forget). When another process is delivering it right now, one line names
 * the client and the follow-up as `outbox list` shows them, never the ledger's internal key.
 */
export async function claimFollowUp(ctx: CliContext, wf: Workflow, s: FollowUpState): Promise<() => Promise<void>> {
  try {
    return await wf.ledger.claim(s.key);
  } catch (error) {
    if (!(error instanceof UserError) || error.key !== "ledger.busy") throw error;
    const alias = wf.aliasOf(s.client) ?? ctx.out.text("status.unknownClient");
    throw new UserError(error.code, "outbox.busy", { alias, id: s.bundle ?? s.key }, { cause: error });
  }
}

/**
 * Cancel a waiting follow-up under its lock: `cancelled` in the ledger, the bundle deleted.
 * One that was sent or cancelled is a usage error naming `id`; one another process is delivering
 * right now is refused by `claimFollowUp` (busy). A follow-up the ledger says is `sending` while
 * its lock is free was being delivered by a run that stopped (a crash): nothing will finish it,
 * so it may be cancelled, with one line that it may have arrived, as for an `uncertain` one.
 */
export async function cancelWaiting(ctx: CliContext, wf: Workflow, target: FollowUpState, id: string): Promise<void> {
  const release = await claimFollowUp(ctx, wf, target);
  try {
    await cancelClaimed(ctx, wf, target, id);
  } finally {
    await release();
  }
}

/** `cancelWaiting` for a follow-up whose lock the caller already holds (`claimAll`). */
export async function cancelClaimed(ctx: CliContext, wf: Workflow, target: FollowUpState, id: string): Promise<void> {
  const now = await wf.ledger.state(target.key);
  if (settled(now)) {
    throw new UserError(ExitCode.usage, "outbox.notCancellable", { id, state: stateText(ctx, now?.state ?? "cancelled") });
  }
  await wf.ledger.append({ fu: target.key, ev: "cancelled" }, wf.now());
  if (target.bundle !== undefined) await wf.outbox.remove(target.bundle);
  if (mayHaveArrived(now)) ctx.out.warn("outbox.cancelledMayHaveArrived", { alias: wf.aliasOf(now.client) ?? ctx.out.text("status.unknownClient"), id });
}

/**
 * Claim every one of `states` (`claimFollowUp`) or none: when one is being delivered by another
 * process, the ones already claimed are let go and the busy line is thrown, so a command that
 * withdraws several follow-ups (`client remove --force`, `client forget`) can stop before it
 * changes anything. Returns the release of them all.
 */
export async function claimAll(ctx: CliContext, wf: Workflow, states: readonly FollowUpState[]): Promise<() => Promise<void>> {
  const releases: (() => Promise<void>)[] = [];
  const releaseAll = async () => {
    for (const release of releases.splice(0).reverse()) await release();
  };
  try {
    for (const s of states) releases.push(await claimFollowUp(ctx, wf, s));
  } catch (error) {
    await releaseAll();
    throw error;
  }
  return releaseAll;
}

/** `claimed`, read again from the ledger once the caller holds their locks (`recheckClaimed`). */
export interface Rechecked<T extends FollowUpState> {
  /** Still waiting, with their state as the ledger has it now. */
  readonly waiting: T[];
  /** Sent or cancelled by another process while the caller waited for a lock: to be left as they are. */
  readonly gone: T[];
}

/**
 * Read the states of `claimed` again, after `claimAll` took their locks: a follow-up another
 * process delivered (or cancelled) while the caller waited for its lock is no longer waiting,
 * and a command that withdraws several (`client remove --force`, `client forget`) must learn
 * that before it changes anything, not halfway through. Both lists carry the states as read now.
 */
export async function recheckClaimed<T extends FollowUpState>(wf: Workflow, claimed: readonly T[]): Promise<Rechecked<T>> {
  const states = await wf.ledger.states();
  const waiting: T[] = [];
  const gone: T[] = [];
  for (const s of claimed) {
    const now = states.get(s.key);
    if (settled(now)) gone.push({ ...s, state: now?.state ?? "cancelled" });
    else waiting.push({ ...s, ...now });
  }
  return { waiting, gone };
}

/** Whether a follow-up, as the ledger has it now, is past withdrawing: sent, cancelled, or gone from the ledger. */
function settled(now: FollowUpState | undefined): now is undefined | SettledState {
  return now === undefined || isSettled(now);
}

/**
 * Whether a follow-up the caller holds the lock of may have reached the client: a delivery began
 * (`sending`, and the process that began it is gone, since the lock is free) or was marked
 * `uncertain` after such a stop.
 */
export function mayHaveArrived(s: Pick<FollowUpState, "state">): boolean {
  return s.state === "sending" || s.state === "uncertain";
}

/** A follow-up's state as `--json` reports it. */
export function describeState(wf: Workflow, s: FollowUpState) {
  return {
    id: s.bundle ?? null,
    key: s.key,
    client: wf.aliasOf(s.client) ?? null,
    channel: s.channel ?? null,
    state: s.state,
    created: s.created,
    updated: s.updated,
    due: s.due ?? null,
    sent: s.sentAt ?? null,
    items: s.items ?? null,
    bytes: s.bytes ?? null,
    attempts: s.attempts,
    reason: s.reason ?? null,
    /** Failed for good: not tried again until rerouted, retried or cancelled. */
    stopped: s.state === "failed" && (s.retryable === false || s.permanent === true),
    series: s.series?.id ?? null,
    step: s.series?.step ?? null,
    receipt: s.receipt ?? null,
  };
}

// --- the inbox (clients' replies) ---

/** The inbox settings in the config (no secrets): away notice, read receipts, file size limit. */
export interface InboxConfig {
  awayNotice?: boolean;
  readReceipts?: boolean;
  maxFileMB?: number;
}

export function inboxConfig(ctx: CliContext): InboxConfig {
  const raw = ctx.settings.inbox;
  if (typeof raw !== "object" || raw === null) return {};
  const { awayNotice, readReceipts, maxFileMB } = raw as Record<string, unknown>;
  return {
    ...(typeof awayNotice === "boolean" ? { awayNotice } : {}),
    ...(typeof readReceipts === "boolean" ? { readReceipts } : {}),
    ...(typeof maxFileMB === "number" && maxFileMB > 0 ? { maxFileMB } : {}),
  };
}

export function setInboxConfig(ctx: CliContext, change: InboxConfig): InboxConfig {
  const next = { ...inboxConfig(ctx), ...change };
  ctx.config.set("inbox", next);
  return next;
}

/** The inbox of an unlocked practice, wired to the workflow's ledger, clients and channels. */
export async function openInbox(ctx: CliContext, cw: CliWorkflow): Promise<InboxEnv> {
  const [{ InboxStore, messageId }, { DEFAULT_FILE_MB }] = await Promise.all([import("../inbox/store.js"), import("../inbox/env.js")]);
  const { practice, wf } = cw;
  const settings = inboxConfig(ctx);
  const { keys } = practice;
  return {
    store: new InboxStore(ctx.home.root, keys.ageRecipient),
    keys: { identities: [keys.identity] },
    ledger: wf.ledger,
    tagger: wf.tagger,
    messageId: (channelType, nativeId) => messageId(keys, channelType, nativeId),
    clients: practice.clients,
    pinKey: wf.delivery.pinKey,
    channels: wf.channels,
    hours: wf.hours,
    tz: wf.tz,
    settings: {
      awayNotice: settings.awayNotice === true,
      readReceipts: settings.readReceipts !== false,
      fileBytes: Math.round((settings.maxFileMB ?? DEFAULT_FILE_MB) * 1024 * 1024),
    },
    awayText: (client, reopens) => awayNoticeText(ctx, wf, client, reopens),
    now: wf.now,
  };
}

/** The `away-notice` template in the client's language, with when contact hours open again. */
async function awayNoticeText(ctx: CliContext, wf: Workflow, client: ClientRecord, reopens: Date | null): Promise<string> {
  const [{ loadTemplateLibrary, renderTemplate }, { DateTime }] = await Promise.all([import("../templates/index.js"), import("luxon")]);
  const library = await loadTemplateLibrary({ homeTemplates: ctx.home.templates });
  const template = library.get("away-notice", client.lang);
  const local = reopens === null ? undefined : DateTime.fromJSDate(reopens, { zone: wf.tz });
  const name = practiceName(ctx.settings);
  const rendered = await renderTemplate(template, {
    ...(local === undefined ? {} : { reopen_date: local.toISODate() ?? "", reopen_time: local.toFormat("HH:mm") }),
    ...(name === undefined ? {} : { practice_name: name }),
  });
  return rendered.text.trim();
}

/**
 * Say what became of read receipts, by client: sent, held for contact hours (with when they
 * open), off and why, or failed (a warning). Returns whether one failed.
 */
export function reportReceipts(ctx: CliContext, wf: Workflow, receipts: readonly { alias: string; outcome: ReceiptOutcome }[]): boolean {
  let failed = false;
  for (const { alias, outcome: r } of receipts) {
    if (r.state === "sent") ctx.out.say("inbox.receipt.sent", { alias, channel: r.channel });
    else if (r.state === "held") ctx.out.say("inbox.receipt.held", { alias, channel: r.channel, when: r.until === null ? "–" : whenText(ctx, wf, r.until) });
    else if (r.state === "off") ctx.out.say(`inbox.receipt.off.${r.why}`, { alias, channel: r.channel });
    else {
      ctx.out.warn("inbox.receipt.failed", { alias, channel: r.channel, problem: ctx.out.text(r.reason, r.params) });
      failed = true;
    }
  }
  return failed;
}

/** Send the read receipts held outside contact hours, now that they are open, and say so. */
export async function sendHeldReceiptsNow(ctx: CliContext, wf: Workflow, env: InboxEnv): Promise<boolean> {
  const { sendHeldReceipts } = await import("../inbox/read.js");
  return reportReceipts(ctx, wf, await sendHeldReceipts(env));
}

/**
 * Decode what arrived and send the away notices that are due: every command that holds the
 * keys and deals with the inbox or the outbox runs this. Prints one line per problem, and how
 * many messages were discarded. With `integrity` (the commands that show the inbox: `inbox`,
 * `inbox read`) a discarded message makes the exit code 5; the others (`inbox reply`, `outbox
 * flush`, `records purge`) keep theirs, which say what they sent or deleted (docs/inbox.md).
 * With `notices: false` (client forget, export: they only file messages away) it sends nothing.
 */
export async function processInbox(ctx: CliContext, env: InboxEnv, options: { integrity?: boolean; notices?: boolean } = {}): Promise<IngestReport & { refusedEarlier: number }> {
  const { ingest, UNKNOWN_SENDER_DAYS, UNKNOWN_SENDER_EXPIRED } = await import("../inbox/ingest.js");
  const report = await ingest(env, options.notices === false ? { notices: false } : {});
  if (report.busy) ctx.out.warn("inbox.busy");
  for (const r of report.refused) ctx.out.warn("inbox.refused", { channel: r.channel, problem: ctx.out.text(`inbox.problem.${r.problem}`) });
  if (report.refused.length > 0) {
    ctx.out.warn("inbox.discarded", { count: report.refused.length });
    if (options.integrity === true) process.exitCode = ExitCode.integrity;
  }
  const earlier = options.integrity === true ? await reportRefusedEarlier(ctx, env, report, UNKNOWN_SENDER_EXPIRED) : { refused: 0, expired: 0 };
  // Not an integrity failure: the exit code stays what it is (docs/inbox.md, "Unknown senders").
  const expired = report.expired.length + earlier.expired;
  if (expired > 0) ctx.out.warn("inbox.unknownExpired", { count: expired, days: UNKNOWN_SENDER_DAYS });
  if (report.unknownSenders > 0) ctx.out.warn("inbox.unknownSenders", { count: report.unknownSenders, days: UNKNOWN_SENDER_DAYS });
  for (const p of report.postponed) ctx.out.warn("inbox.postponed", { channel: p.channel, problem: ctx.out.text(p.reason, p.params) });
  for (const n of report.notices) {
    if (n.state === "sent") ctx.out.say("inbox.away.sent", { alias: n.alias, channel: n.channel });
    else if (n.state === "failed") ctx.out.warn("inbox.away.failed", { alias: n.alias, channel: n.channel, problem: ctx.out.text(n.reason, n.params) });
    else ctx.out.warn(`inbox.away.skipped.${n.why}`, { alias: n.alias, channel: n.channel });
  }
  return { ...report, refusedEarlier: earlier.refused };
}

/**
 * For `inbox` and `inbox read`: messages refused while another command decoded the inbox (a
 * scheduled `outbox flush`, `inbox reply`, `records purge`), which only that run's output named,
 * are counted in one line once, with exit 5. The ledger's `refused` events (ids, channel, reason:
 * no content) are the source; a `refusedShown` event records that they were told, this run's own
 * included, so none is reported twice. Messages from unknown senders discarded after their time
 * (`expiredReason`) are no integrity failure: they are only counted (`expired`, those of this run
 * left out) for the caller's line, which says so once as well.
 */
async function reportRefusedEarlier(ctx: CliContext, env: InboxEnv, report: IngestReport, expiredReason: string): Promise<{ refused: number; expired: number }> {
  const { events } = await env.ledger.read();
  const shown = new Set<string>();
  for (const e of events) if (e.ev === "refusedShown") for (const m of e.msgs) shown.add(m);
  const now = new Set([...report.refused.map((r) => r.msg), ...report.expired]);
  const unshown = new Map<string, string>();
  for (const e of events) if (e.ev === "refused" && !shown.has(e.msg) && !unshown.has(e.msg)) unshown.set(e.msg, e.reason);
  if (unshown.size === 0) return { refused: 0, expired: 0 };
  const earlier = [...unshown].filter(([m]) => !now.has(m));
  const expired = earlier.filter(([, reason]) => reason === expiredReason).length;
  const refused = earlier.length - expired;
  if (refused > 0) {
    ctx.out.warn("inbox.discardedEarlier", { count: refused });
    process.exitCode = ExitCode.integrity;
  }
  await env.ledger.append({ ev: "refusedShown", msgs: [...unshown.keys()] }, env.now());
  return { refused, expired };
}
