/** `nachklang status [ALIAS]` and `nachklang history ALIAS`: what the ledger knows. */
import type { CliContext } from "../context.js";
import { agentState, agentStateText } from "../practice.js";
import { describeState, formatSize, openCliWorkflow, stateText, whenText } from "../workflow.js";

export async function status(ctx: CliContext, alias: string | undefined): Promise<void> {
  const { practice, wf } = await openCliWorkflow(ctx);
  if (alias !== undefined) practice.clients.require(alias);
  // The first line: whether commands need the passphrase now, and until when they do not.
  ctx.out.line(await agentStateText(ctx, await agentState(ctx)));
  const read = await wf.ledger.read();
  if (read.tornTail) ctx.out.warn("ledger.torn");
  const { foldLedger } = await import("../../delivery/ledger.js");
  const tag = alias === undefined ? undefined : await wf.tagger(alias);
  const states = [...foldLedger(read.events).values()]
    .filter((s) => tag === undefined || s.client === tag)
    .sort((a, b) => a.created.localeCompare(b.created));
  if (states.length === 0) ctx.out.say("status.none");
  for (const s of states) {
    const detail =
      s.state === "queued" && s.due !== undefined
        ? ` → ${whenText(ctx, wf, new Date(s.due))}`
        : s.state === "sent" && s.sentAt !== undefined
          ? ` ${whenText(ctx, wf, new Date(s.sentAt))}`
          : s.state === "failed" && s.reason !== undefined
            ? ` (${s.reason})`
            : "";
    ctx.out.say("status.line", {
      created: whenText(ctx, wf, new Date(s.created)),
      id: s.bundle ?? s.key,
      alias: wf.aliasOf(s.client) ?? ctx.out.text("status.unknownClient"),
      channel: s.channel ?? "-",
      state: s.receipt === undefined ? stateText(ctx, s.state) : `${stateText(ctx, s.state)}, ${ctx.out.text(`status.receipt.${s.receipt}`)}`,
      detail,
    });
  }
  ctx.out.result(states.map((s) => describeState(wf, s)));
}

export async function history(ctx: CliContext, alias: string): Promise<void> {
  const { practice, wf } = await openCliWorkflow(ctx);
  practice.clients.require(alias);
  const tag = await wf.tagger(alias);
  const sent = [...(await wf.ledger.states()).values()]
    .filter((s) => s.client === tag && s.state === "sent")
    .sort((a, b) => (b.sentAt ?? "").localeCompare(a.sentAt ?? ""));
  if (sent.length === 0) ctx.out.say("history.none", { alias });
  for (const s of sent) {
    ctx.out.say("history.line", {
      when: whenText(ctx, wf, new Date(s.sentAt ?? s.updated)),
      channel: s.channel ?? "-",
      items: s.items ?? 0,
      size: formatSize(s.bytes ?? 0),
      id: s.bundle ?? s.key,
    });
  }
  ctx.out.result(sent.map((s) => describeState(wf, s)));
}
