/**
 * Series files (docs/workflow.md, "A series of follow-ups"): one client, several follow-ups at
 * planned times. Each step takes the content fields of a batch entry (note, photos, audio,
 * homework, impulses, appointment, channel) and one time: `at` (a local time), `after` (a
 * duration from now) or `before` (a duration before the series' appointment). Every problem is
 * collected before anything is processed, as for a batch.
 */
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { parseDocument, LineCounter } from "yaml";
import * as z from "../zod.js";
import { ExitCode, UserError } from "../errors.js";
import { parseLocalTime } from "../delivery/hours.js";
import { BatchInvalid, entryFields, toDraft, zodProblems, type EntryFields, type LocatedProblem } from "./batch.js";
import { parseAppointment } from "./compose.js";
import type { FollowUpDraft } from "./draft.js";

/** `0`, `now`, or a number with m (minutes), h (hours), d (days) or w (weeks): `3d`, `90m`. */
const DURATION = /^(\d{1,4})\s*(m|h|d|w)$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

const duration = z.union([z.number().int().min(0).max(0), z.string().trim().regex(/^(0|now|\d{1,4}\s*[mhdw])$/)]);
const dateText = z.union([z.string(), z.date().transform((d) => d.toISOString().slice(0, 16).replace("T", " "))]);

const stepSchema = z
  .object({ ...entryFields, at: dateText.optional(), after: duration.optional(), before: duration.optional() })
  .strict();
const fileSchema = z
  .object({
    /** The appointment the series leads to: what `before:` counts back from. */
    appointment: dateText.optional(),
    channel: z.string().min(1).optional(),
    series: z.array(z.unknown()).min(1).max(20),
  })
  .strict();

/** When a step goes out, as written. */
export type StepTime = { readonly at: string } | { readonly afterMs: number } | { readonly beforeMs: number };

export interface SeriesStep {
  /** 1-based position in the file. */
  readonly index: number;
  readonly where: string;
  readonly draft: FollowUpDraft;
  readonly time: StepTime;
}

export interface SeriesFile {
  readonly file: string;
  readonly appointment?: string;
  readonly steps: readonly SeriesStep[];
}

export function durationMs(value: string | number): number {
  if (value === 0 || value === "0" || value === "now") return 0;
  const m = DURATION.exec(String(value).trim());
  if (m === null) return Number.NaN;
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

function hasContent(f: EntryFields): boolean {
  return (f.photos?.length ?? 0) + (f.audio?.length ?? 0) + (f.impulses?.length ?? 0) > 0 || f.homework !== undefined || (f.note?.trim() ?? "") !== "" || f.appointment !== undefined;
}

/**
 * Read a series file for `client`. A BatchInvalid lists every structural problem at once: YAML
 * errors, unknown keys, a step without content, a step with no time or more than one.
 */
export async function readSeriesFile(path: string, client: string, label: (n: number, client: string) => string): Promise<SeriesFile> {
  const file = resolve(path);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new UserError(ExitCode.usage, "file.missing", { file: path });
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new BatchInvalid(
      path,
      doc.errors.map((e) => ({ where: "", key: "batch.yamlSyntax", params: { line: e.linePos?.[0].line ?? 0, detail: e.message.split("\n")[0] ?? "" } })),
    );
  }
  const data: unknown = doc.toJS();
  const top = fileSchema.safeParse(data);
  if (!top.success) throw new BatchInvalid(path, zodProblems(top.error, "", data));
  const base = dirname(file);
  const defaults: EntryFields = top.data.channel === undefined ? {} : { channel: top.data.channel };
  const problems: LocatedProblem[] = [];
  const steps: SeriesStep[] = [];
  top.data.series.forEach((raw, i) => {
    const where = label(i + 1, client);
    const parsed = stepSchema.safeParse(raw);
    if (!parsed.success) {
      problems.push(...zodProblems(parsed.error, where, raw));
      return;
    }
    const { at, after, before, ...fields } = parsed.data;
    const times = [at, after, before].filter((t) => t !== undefined).length;
    if (times !== 1) problems.push({ where, key: "series.oneTime", params: {} });
    if (!hasContent(fields)) problems.push({ where, key: "workflow.nothingToSend", params: { alias: client } });
    if (before !== undefined && top.data.appointment === undefined) problems.push({ where, key: "series.beforeWithoutAppointment", params: {} });
    const time: StepTime = at !== undefined ? { at } : before !== undefined ? { beforeMs: durationMs(before) } : { afterMs: durationMs(after ?? 0) };
    steps.push({ index: i + 1, where, draft: toDraft(client, fields, defaults, base), time });
  });
  if (problems.length > 0) throw new BatchInvalid(path, problems);
  return { file, ...(top.data.appointment === undefined ? {} : { appointment: top.data.appointment }), steps };
}

/**
 * When a step is planned: `undefined` for "now" (`after: 0`: the next contact hour, as a plain
 * send), else the instant. A UserError-like problem when the time cannot be read or lies in the
 * past.
 */
export function plannedTime(
  step: SeriesStep,
  series: SeriesFile,
  now: Date,
  tz: string,
): { at?: Date; problem?: { key: "series.pastTime" | "workflow.badAppointment" | "time.bad"; params: Record<string, string> } } {
  let at: Date;
  if ("at" in step.time) {
    try {
      at = parseLocalTime(step.time.at, tz);
    } catch {
      return { problem: { key: "time.bad", params: { value: step.time.at } } };
    }
  } else if ("beforeMs" in step.time) {
    const appointment = series.appointment === undefined ? null : parseAppointment(series.appointment, tz);
    if (appointment === null) return { problem: { key: "workflow.badAppointment", params: { value: series.appointment ?? "-" } } };
    at = new Date(appointment.getTime() - step.time.beforeMs);
  } else {
    if (step.time.afterMs === 0) return {};
    at = new Date(now.getTime() + step.time.afterMs);
  }
  if (at.getTime() < now.getTime()) return { problem: { key: "series.pastTime", params: { when: at.toISOString() } } };
  return { at };
}
