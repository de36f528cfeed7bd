/** `nachklang status [ALIAS]` and `nachklang history ALIAS`: what the ledger knows. */
import { ExitCode, UserError } from "../../errors.js";
import { checkDay } from "../../practice/consent.js";
import { dayIn } from "../../records/settings.js";
import type { CliContext } from "../context.js";
import { describeState, formatSize, openCliWorkflow, stateText, whenText } from "../workflow.js";

export async function status(ctx: CliContext, alias: string | undefined, o: { passphraseFile?: string }): Promise<void> {
  const { practice, wf } = await openCliWorkflow(ctx, o.passphraseFile);
  if (alias !== undefined) practice.clients.require(alias);
  const read = await wf.ledger.read();
  if (read.tornTail) ctx.out.warn("ledger.torn");
  const { foldLedger } = await import("../../delivery/ledger.js");
  const tag = alias === undefined ? undefined : wf.tagger(alias);
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

interface HistoryOptions {
  from?: string;
  to?: string;
  format?: string;
  passphraseFile?: string;
}

/** A CSV field, quoted when it needs to be (history rows hold ids, times and channel names). */
const csvField = (value: string | number) => (/[",\r\n]/.test(String(value)) ? `"${String(value).replace(/"/g, '""')}"` : String(value));

export async function history(ctx: CliContext, alias: string, o: HistoryOptions): Promise<void> {
  const format = o.format ?? "text";
  if (!["text", "csv", "json"].includes(format)) throw new UserError(ExitCode.usage, "time.badFormat", { value: format });
  const from = o.from === undefined ? undefined : checkDay(o.from);
  const to = o.to === undefined ? undefined : checkDay(o.to);
  if (from !== undefined && to !== undefined && from > to) throw new UserError(ExitCode.usage, "records.badRange", { from, to });
  const { practice, wf } = await openCliWorkflow(ctx, o.passphraseFile);
  practice.clients.require(alias);
  const tag = wf.tagger(alias);
  // The range is in days of the practice's time zone, both ends included.
  const inRange = (at: string) => {
    const day = dayIn(new Date(at), wf.tz);
    return (from === undefined || day >= from) && (to === undefined || day <= to);
  };
  const sent = [...(await wf.ledger.states()).values()]
    .filter((s) => s.client === tag && s.state === "sent" && inRange(s.sentAt ?? s.updated))
    .sort((a, b) => (b.sentAt ?? "").localeCompare(a.sentAt ?? ""));
  if (format === "json") {
    process.stdout.write(JSON.stringify(sent.map((s) => describeState(wf, s)), null, 2) + "\n");
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
