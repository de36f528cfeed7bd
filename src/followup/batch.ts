/**
 * Batch files (YAML or CSV, see docs/batch.md): parsing and the structural checks. Every
 * problem is collected, never only the first; the semantic checks (clients, files, templates,
 * consent) follow in validate.ts, also before anything is processed.
 */
import { dirname, extname, isAbsolute, resolve } from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import { parseDocument, LineCounter } from "yaml";
import * as z from "../zod.js";
import { ExitCode, UserError } from "../errors.js";
import { readUserText } from "../files.js";
import { csvSyntax } from "./csv-syntax.js";
import { isLang, type MessageParams } from "../messages/index.js";
import { FOLLOWUP_KINDS, IMPULSE_KINDS, homeworkSchema, impulseSchema, isFollowUpKind, type FollowUpDraft, type MediaInput } from "./draft.js";
import type { Problem } from "./ports.js";

const media = z.union([z.string().min(1), z.object({ path: z.string().min(1), caption: z.string().max(2000).optional() }).strict()]);
const homework = z.union([z.string().min(1).transform((id) => ({ id, vars: {} })), homeworkSchema]);

/** The content fields of a batch entry (also a series step's, src/followup/series.ts). */
export const entryFields = {
  kind: z.enum(FOLLOWUP_KINDS).optional(),
  channel: z.string().min(1).optional(),
  photos: z.array(media).optional(),
  audio: z.array(media).optional(),
  homework: homework.optional(),
  // Its size is checked with every follow-up's (validate.ts), in bytes.
  note: z.string().optional(),
  impulses: z.array(impulseSchema).optional(),
  appointment: z.union([z.string(), z.date().transform((d) => d.toISOString().slice(0, 16).replace("T", " "))]).optional(),
};
const defaultsSchema = z.object(entryFields).strict();

// --- series steps (also `send --series`, src/followup/series.ts) ---

/** `0`, `now`, or a number with m (minutes), h (hours), d (days) or w (weeks): `3d`, `90m`. */
const DURATION = /^(\d{1,4})\s*(m|h|d|w)$/;
const duration = z.union([z.number().int().min(0).max(0), z.string().trim().regex(/^(0|now|\d{1,4}\s*[mhdw])$/)]);
/** A local time as typed; YAML reads an unquoted `2027-03-10 16:00` as a date. */
export const dateText = z.union([z.string(), z.date().transform((d) => d.toISOString().slice(0, 16).replace("T", " "))]);

/** One step of a series: an entry's content and one time (`at`, `after` or `before`). */
export const seriesStepSchema = z.object({ ...entryFields, at: dateText.optional(), after: duration.optional(), before: duration.optional() }).strict();
type StepFields = z.infer<typeof seriesStepSchema>;

/**
 * A step's distance in time, as written: minutes and hours are exact; days and weeks are
 * calendar days in the practice's zone, so a step keeps its time of day across a change of
 * daylight-saving time (`before: 3d` from Monday 17:30 is Friday 17:30, not 18:30).
 */
export interface StepSpan {
  readonly amount: number;
  readonly unit: "m" | "h" | "d" | "w";
}

/** When a step goes out, as written. */
export type StepTime = { readonly at: string } | { readonly after: StepSpan } | { readonly before: StepSpan };

export function stepSpan(value: string | number): StepSpan {
  if (value === 0 || value === "0" || value === "now") return { amount: 0, unit: "m" };
  const m = DURATION.exec(String(value).trim());
  // The schema admits nothing else; a span that slipped through is no time at all.
  if (m === null) return { amount: Number.NaN, unit: "m" };
  return { amount: Number(m[1]), unit: m[2] as StepSpan["unit"] };
}

export function stepTime(t: Pick<StepFields, "at" | "after" | "before">): StepTime {
  if (t.at !== undefined) return { at: t.at };
  if (t.before !== undefined) return { before: stepSpan(t.before) };
  return { after: stepSpan(t.after ?? 0) };
}

function hasContent(f: EntryFields): boolean {
  return (f.photos?.length ?? 0) + (f.audio?.length ?? 0) + (f.impulses?.length ?? 0) > 0 || f.homework !== undefined || (f.note?.trim() ?? "") !== "" || f.appointment !== undefined;
}

/** A step's own problems: not exactly one time, no content, `before:` without the series' appointment. */
export function stepProblems(step: StepFields, fields: EntryFields, appointment: string | undefined, client: string, where: string): LocatedProblem[] {
  const problems: LocatedProblem[] = [];
  if ([step.at, step.after, step.before].filter((t) => t !== undefined).length !== 1) problems.push({ where, key: "series.oneTime", params: {} });
  if (!hasContent(fields)) problems.push({ where, key: "workflow.nothingToSend", params: { alias: client } });
  if (step.before !== undefined && appointment === undefined) problems.push({ where, key: "series.beforeWithoutAppointment", params: {} });
  return problems;
}

/** A batch entry that is a series: one client, its steps, and the appointment `before:` counts back from. */
const seriesEntrySchema = z
  .object({
    client: z.union([z.string().min(1), z.number().transform(String)]),
    channel: z.string().min(1).optional(),
    appointment: dateText.optional(),
    series: z.array(z.unknown()).min(1).max(20),
  })
  .strict();
const entrySchema = z.object({ client: z.union([z.string().min(1), z.number().transform(String)]), ...entryFields }).strict();
const fileSchema = z
  .object({
    /** A label that makes the same file a new run (sends identical content again). */
    run: z.union([z.string().min(1), z.number().transform(String)]).optional(),
    defaults: defaultsSchema.optional(),
    followups: z.array(z.unknown()).min(1),
  })
  .strict();

/** One entry of a batch, after defaults, with paths resolved against the batch file's folder. */
export interface BatchEntry {
  /** 1-based position in the file. */
  readonly index: number;
  /** Where it is, for messages: the entry number in YAML, the line in CSV. */
  readonly where: string;
  readonly draft: FollowUpDraft;
  /** 0 for the client's first entry, 1 for the second, … */
  readonly occurrence: number;
  /** A step of a `series:` entry: its position, and when it is planned. */
  readonly series?: { readonly entry: number; readonly step: number; readonly of: number; readonly time: StepTime; readonly appointment?: string };
}

export interface BatchFile {
  readonly file: string;
  readonly format: "yaml" | "csv";
  readonly run?: string;
  readonly entries: readonly BatchEntry[];
}

export interface LocatedProblem extends Problem {
  /** `entry 3 (k003)`, `line 4 (k003)`, or empty for the whole file. */
  readonly where: string;
}

export class BatchInvalid extends Error {
  constructor(readonly file: string, readonly problems: readonly LocatedProblem[]) {
    super(`${file}: ${problems.length} problem(s)`);
    this.name = "BatchInvalid";
  }
}

function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === "number" ? `[${p + 1}]` : `.${String(p)}`)).join("").replace(/^\./, "");
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v = data;
  for (const p of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

export function zodProblems(error: z.ZodError, where: string, data: unknown): LocatedProblem[] {
  return error.issues.map((issue): LocatedProblem => {
    const field = fieldPath(issue.path);
    const params: MessageParams = { field: field || "-" };
    if (issue.code === "unrecognized_keys") return { where, key: "batch.unknownKey", params: { field: field || "-", keys: issue.keys.join(", ") } };
    if (valueAt(data, issue.path) === undefined) return { where, key: "batch.missingField", params };
    if (issue.code === "invalid_value" && field === "kind") return { where, key: "kind.bad", params: { value: String(valueAt(data, issue.path)), kinds: FOLLOWUP_KINDS.join(", ") } };
    if (issue.code === "invalid_value" && field.endsWith("kind")) return { where, key: "batch.badImpulseKind", params: { ...params, kinds: IMPULSE_KINDS.join(", ") } };
    // A step's `after:`/`before:` that is no span (1y, 1.5d, -1d): say what a span is.
    if (field === "after" || field === "before" || /\.(after|before)$/.test(field)) return { where, key: "series.badSpan", params: { field, value: String(valueAt(data, issue.path)) } };
    return { where, key: "batch.badField", params };
  });
}

function mediaList(list: readonly (string | { path: string; caption?: string | undefined })[] | undefined, base: string): MediaInput[] {
  return (list ?? []).map((m) => {
    const path = typeof m === "string" ? m : m.path;
    const caption = typeof m === "string" ? undefined : m.caption;
    const full = isAbsolute(path) ? path : resolve(base, path);
    return caption === undefined ? { path: full } : { path: full, caption };
  });
}

export type EntryFields = z.infer<typeof defaultsSchema>;
type Fields = EntryFields;

/** An entry's draft: its fields over the defaults, paths resolved against `base`. */
export function toDraft(client: string, entry: Fields, defaults: Fields, base: string): FollowUpDraft {
  const pick = <K extends keyof Fields>(key: K): Fields[K] => (entry[key] !== undefined ? entry[key] : defaults[key]);
  const kind = pick("kind");
  const channel = pick("channel");
  const hw = pick("homework");
  const note = pick("note");
  const appointment = pick("appointment");
  return {
    client,
    ...(kind === undefined ? {} : { kind }),
    ...(channel === undefined ? {} : { channel }),
    photos: mediaList(pick("photos"), base),
    audio: mediaList(pick("audio"), base),
    ...(hw === undefined ? {} : { homework: hw }),
    impulses: pick("impulses") ?? [],
    ...(note === undefined ? {} : { note }),
    ...(appointment === undefined ? {} : { appointment }),
  };
}

function withOccurrences(entries: Omit<BatchEntry, "occurrence">[]): BatchEntry[] {
  const seen = new Map<string, number>();
  return entries.map((e) => {
    const n = seen.get(e.draft.client) ?? 0;
    seen.set(e.draft.client, n + 1);
    return { ...e, occurrence: n };
  });
}

/** A batch or series file's YAML document; its syntax errors, each with its line, are a BatchInvalid naming `file`. */
export function parseYamlDocument(file: string, text: string): ReturnType<typeof parseDocument> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new BatchInvalid(
      file,
      doc.errors.map((e) => ({ where: "", key: "batch.yamlSyntax", params: { line: lineCounter.linePos(e.pos[0]).line, detail: e.message.split("\n")[0] ?? "" } })),
    );
  }
  return doc;
}

function parseYaml(file: string, text: string, entryLabel: (n: number, client: string) => string): BatchFile {
  const doc = parseYamlDocument(file, text);
  const top = fileSchema.safeParse(doc.toJS());
  if (!top.success) throw new BatchInvalid(file, zodProblems(top.error, "", doc.toJS()));
  const problems: LocatedProblem[] = [];
  const base = dirname(file);
  const defaults: Fields = top.data.defaults ?? {};
  const entries: Omit<BatchEntry, "occurrence">[] = [];
  top.data.followups.forEach((raw, i) => {
    const client = typeof raw === "object" && raw !== null && "client" in raw ? String(raw.client) : "?";
    const where = entryLabel(i + 1, client);
    if (typeof raw === "object" && raw !== null && "series" in raw) {
      entries.push(...seriesEntries(raw, i + 1, where, defaults, base, problems));
      return;
    }
    const parsed = entrySchema.safeParse(raw);
    if (!parsed.success) {
      problems.push(...zodProblems(parsed.error, where, raw));
      return;
    }
    const { client: alias, ...fields } = parsed.data;
    entries.push({ index: i + 1, where, draft: toDraft(alias, fields, defaults, base) });
  });
  if (problems.length > 0) throw new BatchInvalid(file, problems);
  return { file, format: "yaml", ...(top.data.run === undefined ? {} : { run: top.data.run }), entries: withOccurrences(entries) };
}

/** The follow-ups of a `series:` entry, one per step; the batch's defaults give only the channel. */
function seriesEntries(raw: object, index: number, where: string, defaults: Fields, base: string, problems: LocatedProblem[]): Omit<BatchEntry, "occurrence">[] {
  const parsed = seriesEntrySchema.safeParse(raw);
  if (!parsed.success) {
    problems.push(...zodProblems(parsed.error, where, raw));
    return [];
  }
  const { client, appointment, series } = parsed.data;
  const channel = parsed.data.channel ?? defaults.channel;
  const out: Omit<BatchEntry, "occurrence">[] = [];
  series.forEach((rawStep, j) => {
    const at = `${where}, series.${j + 1}`;
    const step = seriesStepSchema.safeParse(rawStep);
    if (!step.success) {
      problems.push(...zodProblems(step.error, at, rawStep));
      return;
    }
    const { at: atTime, after, before, ...fields } = step.data;
    problems.push(...stepProblems(step.data, fields, appointment, client, at));
    out.push({
      index,
      where: at,
      draft: toDraft(client, fields, channel === undefined ? {} : { channel }, base),
      series: { entry: index, step: j + 1, of: series.length, time: stepTime({ at: atTime, after, before }), ...(appointment === undefined ? {} : { appointment }) },
    });
  });
  return out;
}

const CSV_COLUMNS = new Set(["client", "kind", "homework", "homework.lang", "note", "channel", "photos", "audio", "appointment"]);

function parseCsvFile(file: string, text: string, lineLabel: (n: number, client: string) => string): BatchFile {
  let rows: Record<string, string>[];
  // The header as written, also when no row follows it (csv-parse gives no rows then).
  let header: string[] = [];
  try {
    rows = parseCsv(text, {
      columns: (names: string[]) => (header = names.map(String)),
      skip_empty_lines: true,
      trim: true,
      bom: true,
    });
  } catch (error) {
    const s = csvSyntax(error);
    const problem: LocatedProblem =
      s.kind === "rowLength"
        ? { where: "", key: "batch.csvRowLength", params: { line: s.line, got: s.got, expected: s.expected } }
        : s.kind === "quote"
          ? { where: "", key: "batch.csvQuote", params: { line: s.line } }
          : { where: "", key: "batch.csvSyntax", params: { line: s.line, detail: s.detail } };
    throw new BatchInvalid(file, [problem]);
  }
  const problems: LocatedProblem[] = [];
  if (header.length > 0 && !header.includes("client")) problems.push({ where: "", key: "batch.csvNoClient", params: {} });
  const unknown = header.filter((h) => !CSV_COLUMNS.has(h) && !/^var\.[A-Za-z_][A-Za-z0-9_]*$/.test(h));
  if (unknown.length > 0) problems.push({ where: "", key: "batch.csvUnknownColumns", params: { columns: unknown.join(", "), allowed: [...CSV_COLUMNS, "var.NAME"].join(", ") } });
  // A column named twice: csv-parse keeps the last one's values, silently.
  const twice = [...new Set(header.filter((h, i) => header.indexOf(h) !== i))];
  if (twice.length > 0) problems.push({ where: "", key: "batch.csvColumnTwice", params: { columns: twice.join(", "), count: twice.length } });
  if (rows.length === 0) problems.push({ where: "", key: "batch.empty", params: {} });
  if (problems.length > 0) throw new BatchInvalid(file, problems);
  const base = dirname(file);
  const split = (v: string | undefined) => (v ?? "").split(";").map((s) => s.trim()).filter((s) => s.length > 0);
  const entries = rows.map((row, i): Omit<BatchEntry, "occurrence"> => {
    const client = row.client ?? "";
    const where = lineLabel(i + 2, client);
    if (client === "") problems.push({ where, key: "batch.missingField", params: { field: "client" } });
    const vars: Record<string, string> = {};
    for (const [k, v] of Object.entries(row)) if (k.startsWith("var.") && v !== "") vars[k.slice(4)] = v;
    if (!row.homework && Object.keys(vars).length > 0) problems.push({ where, key: "batch.varsWithoutHomework", params: {} });
    const homeworkLang = row["homework.lang"] ?? "";
    if (homeworkLang !== "" && !isLang(homeworkLang)) problems.push({ where, key: "batch.badField", params: { field: "homework.lang" } });
    const kind = row.kind ?? "";
    if (kind !== "" && !isFollowUpKind(kind)) problems.push({ where, key: "kind.bad", params: { value: kind, kinds: FOLLOWUP_KINDS.join(", ") } });
    const fields: Fields = {
      ...(isFollowUpKind(kind) ? { kind } : {}),
      ...(row.channel ? { channel: row.channel } : {}),
      ...(row.note ? { note: row.note } : {}),
      ...(row.homework ? { homework: { id: row.homework, vars, ...(isLang(homeworkLang) ? { lang: homeworkLang } : {}) } } : {}),
      ...(row.appointment ? { appointment: row.appointment } : {}),
      photos: split(row.photos),
      audio: split(row.audio),
    };
    return { index: i + 1, where, draft: toDraft(client, fields, {}, base) };
  });
  if (problems.length > 0) throw new BatchInvalid(file, problems);
  return { file, format: "csv", entries: withOccurrences(entries) };
}

export interface BatchLabels {
  readonly entry: (n: number, client: string) => string;
  readonly line: (n: number, client: string) => string;
}

/** The text of a batch or series file (UTF-8); one that cannot be read is named as given. */
export async function readInputText(path: string): Promise<string> {
  return readUserText(resolve(path), path);
}

/** Read and parse a batch file; a BatchInvalid lists every structural problem at once. */
export async function readBatchFile(path: string, labels: BatchLabels): Promise<BatchFile> {
  const file = resolve(path);
  const text = await readInputText(path);
  const ext = extname(file).toLowerCase();
  if (ext === ".csv") return parseCsvFile(file, text, labels.line);
  if (ext === ".yaml" || ext === ".yml") return parseYaml(file, text, labels.entry);
  throw new UserError(ExitCode.usage, "batch.badExtension", { file: path });
}
