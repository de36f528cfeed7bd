/** `nachklang status [ALIAS]` and `nachklang history ALIAS`: what the ledger knows. */
import type { Workflow } from "../../followup/workflow.js";
import type { MessageState } from "../../inbox/state.js";
import { ExitCode, UserError } from "../../errors.js";
import { checkDay } from "../../practice/consent.js";
import { goesOutAt } from "../../delivery/hours.js";
import { plannedOf } from "../../delivery/ledger.js";
import { dayIn } from "../../records/settings.js";
import type { CliContext } from "../context.js";
import { jsonForTerminal } from "../../printable.js";
import { agentState, agentStateText, lookOnly } from "../practice.js";
import { describeState, failureText, formatSize, openCliWorkflow, stateText, whenText } from "../workflow.js";

export async function status(ctx: CliContext, alias: string | undefined): Promise<void> {
  // Looking is no use of the practice: `watch nachklang status` must not keep it unlocked.
  await lookOnly(ctx);
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
  const { foldInbox } = await import("../../inbox/state.js");
  const messages = [...foldInbox(read.events).values()].filter((m) => tag === undefined || m.client === tag);
  if (states.length === 0 && messages.length === 0) ctx.out.say("status.none");
  for (const s of states) {
    const detail =
      s.state === "queued" && s.due !== undefined
        ? // When it goes out under the hours as they are now (as outbox list says), not the due time it was queued with.
          ` → ${whenText(ctx, wf, goesOutAt(wf.hours, plannedOf(s), wf.now()))}`
        : s.state === "sent" && s.sentAt !== undefined
          ? ` ${whenText(ctx, wf, new Date(s.sentAt))}`
          : s.state === "failed" && s.reason !== undefined
            ? ` (${failureText(ctx, wf, s) ?? s.reason})`
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
  for (const m of messages) ctx.out.say("status.messageLine", messageLine(ctx, wf, m));
  ctx.out.result([...states.map((s) => describeState(wf, s)), ...messages.map((m) => describeMessage(wf, m))]);
}

/** A client's message in `status` and `history`: when it arrived, and when it was read and answered. */
function messageLine(ctx: CliContext, wf: Workflow, m: MessageState) {
  const read = m.read === undefined ? ctx.out.text("status.message.unread") : ctx.out.text("status.message.read", { when: whenText(ctx, wf, new Date(m.read)) });
  const replied = m.replied === undefined ? "" : ctx.out.text("status.message.replied", { when: whenText(ctx, wf, new Date(m.replied.at)) });
  return {
    when: whenText(ctx, wf, new Date(m.arrived)),
    alias: wf.aliasOf(m.client) ?? ctx.out.text("status.unknownClient"),
    channel: m.channel,
    files: m.files > 0 ? ctx.out.text("status.message.files", { count: m.files }) : "",
    state: `${read}${replied}`,
  };
}

function describeMessage(wf: Workflow, m: MessageState) {
  return {
    kind: "message",
    id: m.id,
    client: wf.aliasOf(m.client) ?? null,
    channel: m.channel,
    arrived: m.arrived,
    received: m.received,
    files: m.files,
    read: m.read ?? null,
    replied: m.replied?.at ?? null,
    reply: m.replied?.fu ?? null,
  };
}

interface HistoryOptions {
  from?: string;
  to?: string;
  format?: string;
}

/** A CSV field, quoted when it needs to be (history rows hold ids, times and channel names). */
const csvField = (value: string | number) => (/[",\r\n]/.test(String(value)) ? `"${String(value).replace(/"/g, '""')}"` : String(value));

export async function history(ctx: CliContext, alias: string, o: HistoryOptions): Promise<void> {
  const format = o.format ?? "text";
  if (!["text", "csv", "json"].includes(format)) throw new UserError(ExitCode.usage, "time.badFormat", { value: format });
  const from = o.from === undefined ? undefined : checkDay(o.from);
  const to = o.to === undefined ? undefined : checkDay(o.to);
  if (from !== undefined && to !== undefined && from > to) throw new UserError(ExitCode.usage, "records.badRange", { from, to });
  const { practice, wf } = await openCliWorkflow(ctx);
  practice.clients.require(alias);
  const tag = await wf.tagger(alias);
  // The range is in days of the practice's time zone, both ends included.
  const inRange = (at: string) => {
    const day = dayIn(new Date(at), wf.tz);
    return (from === undefined || day >= from) && (to === undefined || day <= to);
  };
  const { events } = await wf.ledger.read();
  const { foldLedger } = await import("../../delivery/ledger.js");
  const { foldInbox } = await import("../../inbox/state.js");
  const sent = [...foldLedger(events).values()]
    .filter((s) => s.client === tag && s.state === "sent" && inRange(s.sentAt ?? s.updated))
    .sort((a, b) => (b.sentAt ?? "").localeCompare(a.sentAt ?? ""));
  if (format === "json") {
    process.stdout.write(jsonForTerminal(sent.map((s) => describeState(wf, s))) + "\n");
    return;
  }
  if (format === "csv") {
    const rows: (string | number)[][] = [["sent", "client", "channel", "channel_type", "items", "bytes", "bundle", "receipt", "followup"]];
    for (const s of sent) {
      rows.push([s.sentAt ?? s.updated, alias, s.channel ?? "", s.channelType ?? "", s.items ?? 0, s.bytes ?? 0, s.bundle ?? "", s.receipt ?? "", s.key]);
    }
    process.stdout.write(rows.map((r) => r.map(csvField).join(",")).join("\r\n") + "\r\n");
    return;
  }
  const messages = [...foldInbox(events).values()].filter((m) => m.client === tag && inRange(m.arrived));
  if (sent.length === 0 && messages.length === 0) {
    // With a range, nothing in it says nothing about before or after.
    if (from === undefined && to === undefined) ctx.out.say("history.none", { alias });
    else ctx.out.say("history.noneInRange", { alias, from: from ?? "…", to: to ?? "…" });
  }
  // Newest first, follow-ups and the client's messages interleaved.
  const lines = [
    ...sent.map((s) => ({ at: s.sentAt ?? s.updated, print: () => ctx.out.say("history.line", {
      when: whenText(ctx, wf, new Date(s.sentAt ?? s.updated)),
      channel: s.channel ?? "-",
      items: s.items ?? 0,
      size: formatSize(s.bytes ?? 0),
      id: s.bundle ?? s.key,
    }) })),
    ...messages.map((m) => ({ at: m.arrived, print: () => ctx.out.say("history.messageLine", messageLine(ctx, wf, m)) })),
  ].sort((a, b) => b.at.localeCompare(a.at));
  for (const line of lines) line.print();
  ctx.out.result([...sent.map((s) => describeState(wf, s)), ...messages.map((m) => describeMessage(wf, m))]);
}
