/**
 * What a follow-up is made of, before anything is processed: the inputs of `send`, of the
 * wizard, or of one batch entry after defaults.
 */
import * as z from "../zod-mini.js";

export const IMPULSE_KINDS = ["quote", "link", "book", "music", "video", "thought"] as const;
export type ImpulseKind = (typeof IMPULSE_KINDS)[number];

/**
 * What a follow-up is, which decides how its message frames it (compose.ts): its own intro
 * line, how a rendered template is introduced, and for a reminder how the appointment is put.
 */
export const FOLLOWUP_KINDS = ["homework", "exercise", "impulse", "reminder", "welcome", "ground-rules"] as const;
export type FollowUpKind = (typeof FOLLOWUP_KINDS)[number];

export function isFollowUpKind(value: unknown): value is FollowUpKind {
  return typeof value === "string" && (FOLLOWUP_KINDS as readonly string[]).includes(value);
}

/**
 * The kind a template implies when none is given: its own front-matter kind, with onboarding
 * texts as welcome, or ground rules when the template's id ends in `ground-rules`.
 */
export function kindOfTemplate(templateKind: string, id: string): FollowUpKind {
  if (templateKind === "onboarding") return id.endsWith("ground-rules") ? "ground-rules" : "welcome";
  return isFollowUpKind(templateKind) ? templateKind : "homework";
}

/** The largest note: more than a messenger carries in a few messages (Threema: 3500 bytes each) is no note. */
export const MAX_NOTE_BYTES = 64 * 1024;

/** The params of `note.tooLarge` for a note of `bytes` bytes, named as `file` (a path, `--note`, `note`). */
export function noteTooLargeParams(file: string, bytes: number): { file: string; kb: number; max: number } {
  return { file, kb: Math.ceil(bytes / 1024), max: MAX_NOTE_BYTES / 1024 };
}

/** The `note.tooLarge` params for a note (named `label`) over MAX_NOTE_BYTES, counted in bytes; undefined for one that fits. */
export function oversizedNote(label: string, note: string | undefined): { file: string; kb: number; max: number } | undefined {
  const bytes = note === undefined ? 0 : Buffer.byteLength(note);
  return bytes > MAX_NOTE_BYTES ? noteTooLargeParams(label, bytes) : undefined;
}

export const mediaInputSchema = z.strictObject({ path: z.string().check(z.minLength(1)), caption: z.optional(z.string().check(z.maxLength(2000))) });
export type MediaInput = z.infer<typeof mediaInputSchema>;

export const impulseSchema = z.strictObject({ kind: z.enum(IMPULSE_KINDS), text: z.string().check(z.minLength(1), z.maxLength(4000)) });
export type Impulse = z.infer<typeof impulseSchema>;

export const homeworkSchema = z.strictObject({
  id: z.string().check(z.minLength(1), z.maxLength(200)),
  vars: z._default(z.record(z.string(), z.pipe(z.union([z.string(), z.number(), z.boolean()]), z.transform(String))), {}),
  /** The template's language, when it is not the client's (`send --lang`, batch `lang:`). */
  lang: z.optional(z.enum(["de", "en"])),
});
export type HomeworkChoice = z.infer<typeof homeworkSchema>;

export interface FollowUpDraft {
  readonly client: string;
  /** Absent: the template's kind (kindOfTemplate), else homework. */
  readonly kind?: FollowUpKind;
  readonly channel?: string;
  readonly photos: readonly MediaInput[];
  readonly audio: readonly MediaInput[];
  readonly homework?: HomeworkChoice;
  readonly impulses: readonly Impulse[];
  readonly note?: string;
  /** As typed (`2026-12-03 16:00`), read in the practice's time zone. */
  readonly appointment?: string;
  /** Also make the passphrase viewer for this follow-up (`send --viewer`); `passphrase` overrides the client's stored one. */
  readonly viewer?: { readonly passphrase?: string };
}

/** `FILE[:caption]`: the whole text when such a file exists, else split at the first colon. */
export function splitMediaArg(arg: string, fileExists: (path: string) => boolean): MediaInput {
  if (fileExists(arg)) return { path: arg };
  const i = arg.indexOf(":");
  if (i <= 0) return { path: arg };
  const caption = arg.slice(i + 1).trim();
  return caption.length > 0 ? { path: arg.slice(0, i), caption } : { path: arg.slice(0, i) };
}

/** `KIND:TEXT` for `--impulse`. Returns null when the kind is not one of IMPULSE_KINDS. */
export function splitImpulseArg(arg: string): Impulse | null {
  const i = arg.indexOf(":");
  if (i <= 0) return null;
  const kind = arg.slice(0, i).trim().toLowerCase();
  const text = arg.slice(i + 1).trim();
  const parsed = impulseSchema.safeParse({ kind, text });
  return parsed.success ? parsed.data : null;
}

/** `name=value` for `--var`. */
export function splitVarArg(arg: string): [string, string] | null {
  const i = arg.indexOf("=");
  if (i <= 0) return null;
  return [arg.slice(0, i).trim(), arg.slice(i + 1)];
}

/**
 * Template variables an appointment fills when the template declares them and they are not
 * given: `date` (YYYY-MM-DD) and `time` (HH:MM), as in the built-in `appointment-reminder`.
 */
export function appointmentVars(appointment: string | undefined): Record<string, string> {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})$/.exec(appointment?.trim() ?? "");
  return m === null ? {} : { date: m[1] ?? "", time: m[2] ?? "" };
}
