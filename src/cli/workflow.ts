/**
 * Shared by the workflow commands (send, new, batch, status, history, outbox, consent):
 * unlocking and building the workflow, checking a draft, sending one follow-up, and the few
 * ways they format things for people. Commands share code through here, never by importing
 * each other.
 */
import { join } from "node:path";
import { clockFromEnv } from "../delivery/clock.js";
import { formatLocal } from "../delivery/hours.js";
import type { FollowUpState } from "../delivery/ledger.js";
import { ExitCode, PolicyError, UserError } from "../errors.js";
import type { DeliveryOutcome } from "../followup/deliver.js";
import type { FollowUpDraft } from "../followup/draft.js";
import type { ItemSummary, Prepared } from "../followup/pipeline.js";
import type { ValidDraft } from "../followup/validate.js";
import type { MessageKey, MessageParams } from "../messages/index.js";
import { openWorkflow, type Workflow } from "../followup/workflow.js";
import type { Problem, Stage } from "../followup/ports.js";
import { promptTheme, type CliContext } from "./context.js";
import { unlockPractice, type Practice } from "./practice.js";
import { sweepStaleOnce } from "../temp.js";

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
  });
  return { practice, wf };
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

export interface LocatedProblemLike extends Problem {
  readonly where?: string;
}

/** Print every problem (stderr) and set the exit code: 4 when refused by policy, else 2. */
export function reportProblems(ctx: CliContext, problems: readonly LocatedProblemLike[], refused: boolean, header: { key: MessageKey; params: MessageParams }): void {
  ctx.out.warn(header.key, header.params);
  for (const p of problems) {
    ctx.out.warn("workflow.problemLine", { where: p.where ? `${p.where}: ` : "", problem: ctx.out.text(p.key, p.params) });
  }
  ctx.out.result({
    ok: false,
    problems: problems.map((p) => ({ where: p.where ?? null, key: p.key, params: p.params, text: ctx.out.text(p.key, p.params) })),
  });
  process.exitCode = refused ? ExitCode.refused : ExitCode.usage;
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

/** Prepare and, when due, deliver one follow-up under its lock; prints the summary. */
export async function sendPrepared(
  ctx: CliContext,
  wf: Workflow,
  valid: ValidDraft,
  origin: "send" | "new",
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
    process.exitCode = refusedByPolicy(outcome) ? ExitCode.refused : ExitCode.failure;
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
 * Cancel a waiting follow-up under its lock: `cancelled` in the ledger, the bundle deleted.
 * One that was sent, cancelled or is being delivered right now is a usage error naming `id`.
 */
export async function cancelWaiting(ctx: CliContext, wf: Workflow, target: FollowUpState, id: string): Promise<void> {
  const release = await wf.ledger.claim(target.key);
  try {
    const now = await wf.ledger.state(target.key);
    if (now === undefined || now.state === "sent" || now.state === "cancelled" || now.state === "sending") {
      throw new UserError(ExitCode.usage, "outbox.notCancellable", { id, state: stateText(ctx, now?.state ?? "cancelled") });
    }
    await wf.ledger.append({ fu: target.key, ev: "cancelled" }, wf.now());
    if (target.bundle !== undefined) await wf.outbox.remove(target.bundle);
  } finally {
    await release();
  }
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
    receipt: s.receipt ?? null,
  };
}
