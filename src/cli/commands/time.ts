/**
 * `nachklang time log|list|edit|remove|report|auto`: contact time between sessions, and the
 * monthly billing report built from it.
 */
import { resolve } from "node:path";
import { ExitCode, UserError } from "../../errors.js";
import { configFile } from "../../practice/config.js";
import { writePrivateFile } from "../../files.js";
import { checkDay } from "../../practice/consent.js";
import { formatCents, requireBillingSettings } from "../../records/billing.js";
import { formatMinutes, formatSpan, MAX_CONTACT_MINUTES, parseContactMinutes } from "../../records/duration.js";
import { earliestKeptDay } from "../../records/retention.js";
import { buildReport, reportCsv, reportJson, reportMarkdown, type ReportClient, type ReportWords } from "../../records/report.js";
import { entriesBetween, foldTime, monthRange, roomOnDay, TIME_KINDS, type TimeEntry, type TimeKind } from "../../records/time.js";
import type { CliContext } from "../context.js";
import { openRecords, type CliRecords } from "../records.js";
import { readNoteFile } from "../workflow.js";

function kindOf(value: string | undefined, fallback: TimeKind): TimeKind {
  if (value === undefined) return fallback;
  if (!(TIME_KINDS as readonly string[]).includes(value)) throw new UserError(ExitCode.usage, "time.badKind", { value, kinds: TIME_KINDS.join(", ") });
  return value as TimeKind;
}

/**
 * A day of contact given by the user (`time log --on`, `time edit --on`): a real date, not after
 * today, and not further back than the retention period: records that old are no longer kept
 * (the purge goes by the same rule), so it is a typo (1900 for 2026), never a contact to bill.
 */
function pastDay(r: CliRecords, value: string): string {
  const day = checkDay(value);
  const today = r.today();
  if (day > today) throw new UserError(ExitCode.usage, "time.futureDay", { value });
  const earliest = earliestKeptDay(today, r.settings.retention);
  if (day < earliest) throw new UserError(ExitCode.usage, "time.beforeRetention", { value, earliest, span: formatSpan(r.settings.retention) });
  return day;
}

/**
 * The 24-hour rule (records/time.ts `roomOnDay`) on the entries as read under the journal's lock:
 * an entry that does not fit whole is refused. A correction (`except`: the entry as it stands) is
 * refused only if it adds to such a day, so that an overfull day can still be corrected down.
 */
function fitsDayOf(entries: readonly TimeEntry[], alias: string, client: string, day: string, minutes: number, except?: TimeEntry): void {
  const { logged, fits } = roomOnDay(entries, client, day, minutes, except?.id);
  const before = logged + (except?.day === day ? except.minutes : 0);
  if (fits < minutes && logged + minutes > before) {
    throw new UserError(ExitCode.usage, "time.dayTooLong", { alias, day, logged: formatMinutes(logged), duration: formatMinutes(minutes), max: formatMinutes(MAX_CONTACT_MINUTES) });
  }
}

function describe(r: CliRecords, e: TimeEntry) {
  return { id: e.id, client: r.wf.aliasOf(e.client) ?? null, day: e.day, minutes: e.minutes, kind: e.kind, source: e.source, note: e.note !== undefined, created: e.created, updated: e.updated };
}

export async function log(ctx: CliContext, alias: string, duration: string, o: { kind?: string; on?: string; noteFile?: string }): Promise<void> {
  const minutes = parseContactMinutes(duration);
  const kind = kindOf(o.kind, "other");
  const note = o.noteFile === undefined ? undefined : (await readNoteFile(o.noteFile)).trim();
  const r = await openRecords(ctx);
  r.practice.clients.requireActive(alias);
  const day = o.on === undefined ? r.today() : pastDay(r, o.on);
  const client = await r.wf.tagger(alias);
  // Checked on the same reading of the file as the entry is appended to (records/time.ts `log`).
  const entry = await r.time.log({ client, day, minutes, kind, source: "manual", ...(note === undefined ? {} : { note }) }, r.wf.now(), (all) => {
    fitsDayOf(all, alias, client, day, minutes);
    return minutes;
  });
  if (entry === undefined) throw new Error("time log: a whole entry was checked but not logged");
  ctx.out.say("time.logged", { id: entry.id, alias, day, duration: formatMinutes(minutes), kind });
  ctx.out.result(describe(r, entry));
}

interface ListOptions {
  month?: string;
  from?: string;
  to?: string;
  notes?: boolean;
}

function rangeOf(o: { month?: string; from?: string; to?: string }): { from?: string; to?: string } {
  if (o.month !== undefined && (o.from !== undefined || o.to !== undefined)) throw new UserError(ExitCode.usage, "time.monthOrRange");
  if (o.month !== undefined) return monthRange(o.month);
  const from = o.from === undefined ? undefined : checkDay(o.from);
  const to = o.to === undefined ? undefined : checkDay(o.to);
  if (from !== undefined && to !== undefined && from > to) throw new UserError(ExitCode.usage, "records.badRange", { from, to });
  return { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };
}

/**
 * Every valid entry. Lines of the records file that are damaged are skipped, and said so on
 * stderr: a list or billing report must not look complete when it is not. A newer version's
 * entries marked ignorable are skipped without a word: by that mark they change no entry's
 * minutes (docs/decisions/ledger-newer-events.md, "The contact-time journal").
 */
async function readEntries(ctx: CliContext, r: CliRecords): Promise<TimeEntry[]> {
  const { events, damaged } = await r.time.events();
  if (damaged > 0) ctx.out.warn("time.damagedLines", { file: r.time.journal.file, count: damaged });
  return foldTime(events);
}

export async function list(ctx: CliContext, alias: string | undefined, o: ListOptions): Promise<void> {
  const range = rangeOf(o);
  const r = await openRecords(ctx);
  const tag = alias === undefined ? undefined : (r.practice.clients.require(alias), await r.wf.tagger(alias));
  const entries = entriesBetween(await readEntries(ctx, r), range.from, range.to)
    .filter((e) => tag === undefined || e.client === tag)
    .sort((a, b) => a.day.localeCompare(b.day) || a.created.localeCompare(b.created));
  if (entries.length === 0) ctx.out.say(range.from === undefined && range.to === undefined ? "time.none" : "time.noneInRange", { from: range.from ?? "…", to: range.to ?? "…" });
  const notes = new Map<string, string>();
  for (const e of entries) {
    const note = o.notes === true ? await r.time.note(e) : undefined;
    if (note !== undefined) notes.set(e.id, note);
    ctx.out.say("time.line", {
      id: e.id,
      day: e.day,
      alias: r.wf.aliasOf(e.client) ?? "?",
      duration: formatMinutes(e.minutes).padStart(6),
      kind: ctx.out.text(`time.kind.${e.kind}`),
      source: e.source === "manual" ? "" : ` (${ctx.out.text(`time.source.${e.source}`)})`,
      note: e.note === undefined ? "" : note === undefined ? ` ${ctx.out.text("time.hasNote")}` : `\n    ${note.replace(/\n/g, "\n    ")}`,
    });
  }
  const total = entries.reduce((t, e) => t + e.minutes, 0);
  if (entries.length > 0) ctx.out.say("time.total", { count: entries.length, duration: formatMinutes(total) });
  ctx.out.result({ entries: entries.map((e) => ({ ...describe(r, e), ...(notes.has(e.id) ? { noteText: notes.get(e.id) } : {}) })), minutes: total });
}

interface EditOptions {
  duration?: string;
  kind?: string;
  on?: string;
  noteFile?: string;
  note?: boolean;
}

/**
 * A forgotten client's contact time is kept as it is until its retention ends (docs/records.md):
 * neither corrected nor removed.
 */
function refuseForgotten(r: CliRecords, tag: string): void {
  const alias = r.wf.aliasOf(tag);
  const forgotten = alias === undefined ? undefined : r.practice.clients.get(alias)?.forgotten;
  if (alias !== undefined && forgotten !== undefined) throw new UserError(ExitCode.usage, "client.forgottenUse", { alias, date: forgotten });
}

export async function edit(ctx: CliContext, id: string, o: EditOptions): Promise<void> {
  const minutes = o.duration === undefined ? undefined : parseContactMinutes(o.duration);
  const kind = o.kind === undefined ? undefined : kindOf(o.kind, "other");
  if (o.noteFile !== undefined && o.note === false) throw new UserError(ExitCode.usage, "time.noteOrNoNote");
  const note = o.noteFile === undefined ? (o.note === false ? null : undefined) : (await readNoteFile(o.noteFile)).trim();
  if (minutes === undefined && kind === undefined && o.on === undefined && note === undefined) throw new UserError(ExitCode.usage, "time.nothingToEdit", { id });
  const r = await openRecords(ctx);
  const day = o.on === undefined ? undefined : pastDay(r, o.on);
  // Checked on the same reading of the file as the correction is made on (records/time.ts `edit`).
  const entry = await r.time.edit(
    id,
    { ...(minutes === undefined ? {} : { minutes }), ...(kind === undefined ? {} : { kind }), ...(day === undefined ? {} : { day }), ...(note === undefined ? {} : { note }) },
    r.wf.now(),
    (current, all) => {
      refuseForgotten(r, current.client);
      if (day === undefined && minutes === undefined) return;
      fitsDayOf(all, r.wf.aliasOf(current.client) ?? "?", current.client, day ?? current.day, minutes ?? current.minutes, current);
    },
  );
  ctx.out.say("time.edited", { id: entry.id, alias: r.wf.aliasOf(entry.client) ?? "?", day: entry.day, duration: formatMinutes(entry.minutes), kind: entry.kind });
  ctx.out.result(describe(r, entry));
}

export async function remove(ctx: CliContext, id: string): Promise<void> {
  const r = await openRecords(ctx);
  refuseForgotten(r, (await r.time.require(id)).client);
  const entry = await r.time.remove(id, r.wf.now());
  ctx.out.say("time.removed", { id: entry.id, alias: r.wf.aliasOf(entry.client) ?? "?", day: entry.day, duration: formatMinutes(entry.minutes) });
  ctx.out.result({ removed: entry.id });
}

export function auto(ctx: CliContext, state: string): Promise<void> {
  if (state !== "on" && state !== "off") throw new UserError(ExitCode.usage, "time.badAuto", { value: state });
  const records = (ctx.config.get("records") as Record<string, unknown> | undefined) ?? {};
  ctx.config.set("records", { ...records, autoTime: state === "on" });
  ctx.out.say(state === "on" ? "time.autoOn" : "time.autoOff");
  ctx.out.result({ autoTime: state === "on" });
  return Promise.resolve();
}

const FORMATS = ["csv", "json", "md"] as const;
type ReportFormat = (typeof FORMATS)[number];

function formatOf(format: string | undefined, out: string | undefined): ReportFormat {
  if (format !== undefined) {
    if (!(FORMATS as readonly string[]).includes(format)) throw new UserError(ExitCode.usage, "time.badFormat", { value: format });
    return format as ReportFormat;
  }
  const ext = out?.toLowerCase().match(/\.(csv|json|md)$/)?.[1];
  return (ext as ReportFormat | undefined) ?? "csv";
}

/** The Markdown report's words in the practice's language. */
function reportWords(ctx: CliContext, month: string): ReportWords {
  const text = ctx.out.text.bind(ctx.out);
  return {
    title: text("time.reportTitle", { month }),
    columns: [text("time.col.date"), text("time.col.client"), text("time.col.kind"), text("time.col.time"), text("time.col.billed"), text("time.col.item"), "EUR"],
    entries: text("time.col.entries"),
    total: text("time.col.total"),
    kind: (kind) => ((TIME_KINDS as readonly string[]).includes(kind) ? text(`time.kind.${kind as TimeKind}`) : kind),
    decimal: ctx.lang === "de" ? "," : ".",
  };
}

export async function report(ctx: CliContext, o: { month: string; format?: string; out?: string; pseudonyms?: boolean }): Promise<void> {
  const range = monthRange(o.month);
  const format = formatOf(o.format, o.out);
  const r = await openRecords(ctx);
  const settings = requireBillingSettings(ctx.settings.billing, configFile(ctx.home.root));
  const clients = new Map<string, ReportClient>();
  for (const c of r.practice.clients.list()) {
    clients.set(await r.wf.tagger(c.alias), { alias: c.alias, ...(c.name === undefined ? {} : { name: c.name }), ...(c.billing === undefined ? {} : { billing: c.billing }) });
  }
  const built = buildReport(await readEntries(ctx, r), clients, settings, range, o.pseudonyms === true);
  const text =
    format === "csv" ? reportCsv(built) : format === "json" ? reportJson(built) : reportMarkdown(built, reportWords(ctx, o.month));
  const names = o.pseudonyms !== true && built.lines.some((l) => l.client !== l.alias);
  // Not billed, because their profile left the registry with them: said, not left to the total.
  if (built.unregistered > 0) ctx.out.warn("time.reportRemovedClients", { count: built.unregistered });
  if (o.out !== undefined) {
    const file = resolve(o.out);
    // Written once, 0600: a report names clients, so an old one is never silently replaced.
    await writePrivateFile(file, text, { exclusive: true });
    ctx.out.warn(names ? "time.reportNamesFile" : "time.reportFile", { file });
    ctx.out.say("time.reportWritten", { file, count: built.lines.length, total: formatCents(built.totalCents) });
  } else {
    if (names) ctx.out.warn("time.reportNamesStdout");
    if (ctx.json) ctx.out.result(JSON.parse(reportJson(built)));
    else process.stdout.write(text);
    return;
  }
  ctx.out.result({ file: resolve(o.out), format, entries: built.lines.length, totalCents: built.totalCents, total: formatCents(built.totalCents) });
}
