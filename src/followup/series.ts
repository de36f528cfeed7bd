/**
 * Series files (docs/workflow.md, "A series of follow-ups"): one client, several follow-ups at
 * planned times. Each step takes the content fields of a batch entry (note, photos, audio,
 * homework, impulses, appointment, channel) and one time: `at` (a local time), `after` (a
 * duration from now) or `before` (a duration before the series' appointment). Every problem is
 * collected before anything is processed, as for a batch.
 */
import { DateTime } from "luxon";
import { dirname, resolve } from "node:path";
import * as z from "../zod.js";
import { BatchInvalid, dateText, parseYamlDocument, readInputText, seriesStepSchema as stepSchema, stepProblems, stepTime, toDraft, zodProblems, type EntryFields, type LocatedProblem, type StepSpan, type StepTime } from "./batch.js";
import { parseAppointment, readLocalTime } from "./compose.js";
import type { FollowUpDraft } from "./draft.js";
import type { Problem } from "./ports.js";

export type { StepTime } from "./batch.js";

const fileSchema = z
  .object({
    /** The appointment the series leads to: what `before:` counts back from. */
    appointment: dateText.optional(),
    channel: z.string().min(1).optional(),
    series: z.array(z.unknown()).min(1).max(20),
  })
  .strict();

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

/**
 * Read a series file for `client`. A BatchInvalid lists every structural problem at once: YAML
 * errors, unknown keys, a step without content, a step with no time or more than one.
 */
export async function readSeriesFile(path: string, client: string, label: (n: number, client: string) => string): Promise<SeriesFile> {
  const file = resolve(path);
  const text = await readInputText(path);
  const data: unknown = parseYamlDocument(path, text).toJS();
  // An empty file, or one without its list of steps: say what a series file holds.
  if (data === null || data === undefined || (typeof data === "object" && !Array.isArray(data) && !("series" in data))) {
    throw new BatchInvalid(path, [{ where: "", key: "series.noSteps", params: {} }]);
  }
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
    problems.push(...stepProblems(parsed.data, fields, top.data.appointment, client, where));
    steps.push({ index: i + 1, where, draft: toDraft(client, fields, defaults, base), time: stepTime({ at, after, before }) });
  });
  if (problems.length > 0) throw new BatchInvalid(path, problems);
  return { file, ...(top.data.appointment === undefined ? {} : { appointment: top.data.appointment }), steps };
}

/** luxon's name for each unit: its days and weeks are calendar ones, its hours and minutes exact. */
const LUXON_UNIT = { m: "minutes", h: "hours", d: "days", w: "weeks" } as const;

/** `from` moved by `span` (forwards: 1, back: -1): days and weeks on the calendar of `tz`. */
function shifted(from: Date, span: StepSpan, sign: 1 | -1, tz: string): Date {
  return DateTime.fromJSDate(from, { zone: tz })
    .plus({ [LUXON_UNIT[span.unit]]: sign * span.amount })
    .toJSDate();
}

/**
 * When a step is planned: `undefined` for "now" (`after: 0`: the next contact hour, as a plain
 * send), else the instant. A UserError-like problem when the time cannot be read or lies in the
 * past.
 */
export function plannedTime(
  time: StepTime,
  appointmentText: string | undefined,
  now: Date,
  tz: string,
): { at?: Date; problem?: Problem } {
  let at: Date;
  if ("at" in time) {
    const read = readLocalTime(time.at, tz, { key: "time.bad", params: { value: time.at } });
    if (read.problem !== undefined) return { problem: read.problem };
    at = read.start;
  } else if ("before" in time) {
    const appointment = parseAppointment(appointmentText ?? "-", tz);
    if (appointment.problem !== undefined) return { problem: appointment.problem };
    at = shifted(appointment.start, time.before, -1, tz);
  } else {
    if (time.after.amount === 0) return {};
    at = shifted(now, time.after, 1, tz);
  }
  if (at.getTime() < now.getTime()) return { problem: { key: "series.pastTime", params: { when: at.toISOString() } } };
  return { at };
}
