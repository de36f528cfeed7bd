/**
 * Shared by the workflow commands (send, new, batch, status, history, outbox, consent):
 * unlocking and building the workflow, and the few ways they format things for people.
 */
import { join } from "node:path";
import { clockFromEnv } from "../delivery/clock.js";
import { formatLocal } from "../delivery/hours.js";
import type { FollowUpState } from "../delivery/ledger.js";
import { ExitCode } from "../errors.js";
import type { MessageKey, MessageParams } from "../messages/index.js";
import { openWorkflow, type Workflow } from "../followup/workflow.js";
import type { Problem, Stage } from "../followup/ports.js";
import type { CliContext } from "./context.js";
import { unlockPractice, type Practice } from "./practice.js";
import { sweepStaleOnce } from "../temp.js";

export interface CliWorkflow {
  readonly practice: Practice;
  readonly wf: Workflow;
}

export async function openCliWorkflow(
  ctx: CliContext,
  passphraseFile: string | undefined,
  extra: { onStage?: (stage: Stage, state: "start" | "done") => void; cacheMedia?: boolean } = {},
): Promise<CliWorkflow> {
  const now = clockFromEnv();
  const practice = await unlockPractice(ctx, passphraseFile);
  // A run killed while it staged a follow-up leaves its staging folder (plaintext) in the
  // outbox. The next run that stages removes it anyway; one that finds everything already
  // staged would not, so every workflow command sweeps here.
  await sweepStaleOnce(ctx.home.outbox);
  const { MediaCache } = await import("../media/index.js");
  const { mediaPipeline } = await import("../followup/media.js");
  const { homeworkLibrary } = await import("../followup/homework.js");
  const { loadTemplateLibrary } = await import("../templates/index.js");
  const keyring = practice.keyring;
  const cache = extra.cacheMedia === false ? undefined : new MediaCache({ dir: join(ctx.home.cache, "media"), recipient: keyring.ageRecipient, identity: keyring.ageIdentity });
  const wf = openWorkflow({
    home: ctx.home,
    config: ctx.config,
    keyring,
    clients: practice.clients,
    now,
    media: mediaPipeline({ ...(cache === undefined ? {} : { cache }), onWarning: (w) => ctx.out.warn(w.key, w.params) }),
    homework: homeworkLibrary(() => loadTemplateLibrary({ homeTemplates: ctx.home.templates })),
    ...(extra.onStage === undefined ? {} : { onStage: extra.onStage }),
  });
  return { practice, wf };
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
