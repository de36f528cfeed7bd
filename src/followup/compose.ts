/**
 * Composing a follow-up: process the media, render the homework, write the appointment item,
 * and put the message text together in the client's language (greeting, note, what is
 * attached, impulses, appointment, closing).
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { DateTime } from "luxon";
import { t, type Lang, type MessageKey } from "../messages/index.js";
import type { ClientRecord } from "../practice/clients.js";
import { mapPool } from "../pool.js";
import { parseLocalTime } from "../delivery/hours.js";
import { isUserError } from "../errors.js";
import { PHOTOS_AT_ONCE } from "../media/types.js";
import { appointmentIcs } from "./ics.js";
import { neutralMediaNames } from "./item-names.js";
import { greetingFor, startsWithGreeting, type Salutation } from "./greeting.js";
import { appointmentVars, kindOfTemplate, type FollowUpDraft, type FollowUpKind, type Impulse } from "./draft.js";
import type { HomeworkPort, MediaPort, PreparedItem, Problem, Stage } from "./ports.js";

export interface ComposeContext {
  readonly client: ClientRecord;
  readonly channelType: string;
  readonly practiceName?: string;
  readonly tz: string;
  readonly now: Date;
  readonly media: MediaPort;
  readonly homework: HomeworkPort;
  /** Called when a stage starts and ends, for progress bars. */
  readonly onStage?: (stage: Stage, state: "start" | "done") => void;
  /** Length of an appointment in minutes. */
  readonly appointmentMinutes?: number;
}

export interface ComposedFollowUp {
  readonly lang: Lang;
  readonly message: string;
  readonly items: readonly PreparedItem[];
}

const IMPULSE_LABEL: Readonly<Record<Impulse["kind"], MessageKey>> = {
  quote: "followup.impulse.quote",
  link: "followup.impulse.link",
  book: "followup.impulse.book",
  music: "followup.impulse.music",
  video: "followup.impulse.video",
  thought: "followup.impulse.thought",
};

/** A local time as read: its instant, or the one line that refuses it. */
export type LocalTime = { readonly start: Date; readonly problem?: undefined } | { readonly start?: undefined; readonly problem: Problem };

/**
 * delivery/hours.ts `parseLocalTime` as a value: the instant, or the problem — a time the clocks
 * skip as they go forward its own line (`time.skipped`, naming the time they jump to), any other
 * unreadable time `bad`.
 */
export function readLocalTime(text: string, tz: string, bad: Problem): LocalTime {
  try {
    return { start: parseLocalTime(text, tz) };
  } catch (error) {
    if (!isUserError(error)) throw error;
    return { problem: error.key === "time.skipped" ? { key: error.key, params: error.params } : bad };
  }
}

/**
 * Read an appointment (`YYYY-MM-DD HH:MM`) in the practice's time zone, as `--at` is read
 * (`readLocalTime`): a time in the hour that repeats as the clocks go back is its first
 * occurrence, one the clocks skip is refused naming the time they jump to, anything else that
 * is not such a time is `workflow.badAppointment`.
 */
export function parseAppointment(text: string, tz: string): LocalTime {
  const bad: Problem = { key: "workflow.badAppointment", params: { value: text } };
  const trimmed = text.trim();
  return /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}$/.test(trimmed) ? readLocalTime(trimmed, tz, bad) : { problem: bad };
}

export function formatAppointment(start: Date, tz: string, lang: Lang): string {
  const local = DateTime.fromJSDate(start, { zone: tz }).setLocale(lang === "de" ? "de-DE" : "en-GB");
  return lang === "de" ? local.toFormat("cccc, d. MMMM yyyy, HH:mm 'Uhr'") : local.toFormat("cccc d MMMM yyyy, HH:mm");
}

export async function composeFollowUp(draft: FollowUpDraft, ctx: ComposeContext, outDir: string): Promise<ComposedFollowUp> {
  const lang = ctx.client.lang;
  let items: PreparedItem[] = [];
  const stage = async <T>(name: Stage, work: () => Promise<T>): Promise<T> => {
    ctx.onStage?.(name, "start");
    const result = await work();
    ctx.onStage?.(name, "done");
    return result;
  };

  if (draft.photos.length > 0) {
    await stage("photos", async () => {
      // Two at a time (PHOTOS_AT_ONCE: libvips runs on one thread here); the order is kept.
      items.push(...(await mapPool(draft.photos, PHOTOS_AT_ONCE, (photo) => ctx.media.photo(photo, outDir, ctx.channelType))));
    });
  }
  if (draft.audio.length > 0) {
    await stage("audio", async () => {
      for (const audio of draft.audio) items.push(await ctx.media.audio(audio, outDir, ctx.channelType));
    });
  }
  // Photos and recordings go out under neutral names, never their own (item-names.ts).
  items = neutralMediaNames(items, lang);
  let homeworkTitle: string | undefined;
  let kind: FollowUpKind = draft.kind ?? "homework";
  if (draft.homework !== undefined) {
    const choice = draft.homework;
    const rendered = await stage("homework", () => ctx.homework.render(choice.id, choice.lang ?? lang, choice.vars, outDir, appointmentVars(draft.appointment)));
    homeworkTitle = rendered.title;
    if (draft.kind === undefined && rendered.kind !== undefined) kind = kindOfTemplate(rendered.kind, choice.id);
    items.push(...rendered.items);
  }
  let appointmentLine: string | undefined;
  if (draft.appointment !== undefined) {
    const { start } = parseAppointment(draft.appointment, ctx.tz);
    if (start === undefined) throw new Error(`appointment not validated: ${draft.appointment}`);
    const file = join(outDir, lang === "de" ? "termin.ics" : "appointment.ics");
    const summary = ctx.practiceName ? t(lang, "followup.appointment.summaryAt", { practice: ctx.practiceName }) : t(lang, "followup.appointment.summary");
    await writeFile(
      file,
      appointmentIcs({ start, minutes: ctx.appointmentMinutes ?? 50, summary, uid: `${start.getTime().toString(36)}-${Math.random().toString(36).slice(2)}@nachklang` }, ctx.now),
      { mode: 0o600 },
    );
    items.push({ file, kind: "appointment", mime: "text/calendar; charset=utf-8", caption: summary });
    appointmentLine = t(lang, kind === "reminder" ? "kind.reminder.appointment" : "followup.appointment.line", { when: formatAppointment(start, ctx.tz, lang) });
  }

  const message = composeMessage({
    lang,
    kind,
    ...(ctx.client.name === undefined ? {} : { name: ctx.client.name }),
    ...addressOf(ctx.client),
    ...(draft.note === undefined ? {} : { note: draft.note }),
    photos: draft.photos.length,
    audio: draft.audio.length,
    ...(homeworkTitle === undefined ? {} : { homework: homeworkTitle }),
    impulses: draft.impulses,
    ...(appointmentLine === undefined ? {} : { appointment: appointmentLine }),
    ...(ctx.practiceName === undefined ? {} : { practice: ctx.practiceName }),
  });
  return { lang, message, items };
}

/** The greeting fields of a client record, only those it has. */
function addressOf(c: ClientRecord): Pick<MessageParts, "salutation" | "title" | "givenName" | "familyName"> {
  return {
    ...(c.salutation === undefined ? {} : { salutation: c.salutation }),
    ...(c.title === undefined ? {} : { title: c.title }),
    ...(c.givenName === undefined ? {} : { givenName: c.givenName }),
    ...(c.familyName === undefined ? {} : { familyName: c.familyName }),
  };
}

export interface MessageParts {
  readonly lang: Lang;
  /** Absent: homework, framed as before. */
  readonly kind?: FollowUpKind;
  readonly name?: string;
  readonly salutation?: Salutation;
  readonly title?: string;
  readonly givenName?: string;
  readonly familyName?: string;
  readonly note?: string;
  readonly photos: number;
  readonly audio: number;
  readonly homework?: string;
  readonly impulses: readonly Impulse[];
  readonly appointment?: string;
  readonly practice?: string;
}

const INTRO: Readonly<Record<FollowUpKind, MessageKey | undefined>> = {
  homework: undefined,
  exercise: "kind.intro.exercise",
  impulse: "kind.intro.impulse",
  reminder: "kind.intro.reminder",
  welcome: "kind.intro.welcome",
  "ground-rules": "kind.intro.ground-rules",
};

const TEMPLATE_LINE: Readonly<Record<FollowUpKind, MessageKey>> = {
  homework: "followup.homework",
  exercise: "kind.template.exercise",
  impulse: "kind.template.impulse",
  reminder: "kind.template.reminder",
  welcome: "kind.template.welcome",
  "ground-rules": "kind.template.ground-rules",
};

/** The message text: paragraphs separated by blank lines, no trailing spaces. */
export function composeMessage(p: MessageParts): string {
  const { lang } = p;
  const paragraphs: string[] = [];
  // A note that greets by itself ("Liebe Anna, …") is not greeted a second time.
  const greeting = startsWithGreeting(p.note) ? null : greetingFor(p);
  if (greeting !== null) paragraphs.push(greeting);
  const kind = p.kind ?? "homework";
  const intro = INTRO[kind];
  if (intro !== undefined) paragraphs.push(t(lang, intro));
  if (p.note !== undefined && p.note.trim().length > 0) paragraphs.push(p.note.trim());
  const attached: string[] = [];
  if (p.photos > 0) attached.push(t(lang, p.photos === 1 ? "followup.attached.photo" : "followup.attached.photos", { count: p.photos }));
  if (p.audio > 0) attached.push(t(lang, p.audio === 1 ? "followup.attached.audio" : "followup.attached.audios", { count: p.audio }));
  if (attached.length > 0) paragraphs.push(t(lang, "followup.attached", { list: attached.join(t(lang, "followup.and")) }));
  if (p.homework !== undefined) paragraphs.push(t(lang, TEMPLATE_LINE[kind], { title: p.homework }));
  if (p.impulses.length > 0) {
    paragraphs.push(
      [t(lang, "followup.impulses"), ...p.impulses.map((i) => `– ${t(lang, IMPULSE_LABEL[i.kind])}: ${i.text.trim()}`)].join("\n"),
    );
  }
  if (p.appointment !== undefined) paragraphs.push(p.appointment);
  paragraphs.push(p.practice ? `${t(lang, "followup.closing")}\n${p.practice}` : t(lang, "followup.closing"));
  return paragraphs.join("\n\n");
}
