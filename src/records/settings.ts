/**
 * The records settings in the config (no secrets, nothing about clients): how long records are
 * kept after a client's last contact, and whether the wizard and the inbox log contact time
 * by themselves.
 */
import * as z from "../zod-mini.js";
import { ExitCode, IntegrityError, UserError } from "../errors.js";
import { parseSpan, type Span } from "./duration.js";

export const DEFAULT_RETENTION = "10y";

const stored = z.looseObject({
  retention: z.optional(z.string()),
  autoTime: z.optional(z.boolean()),
});

export interface RecordsSettings {
  /** Kept this long after a client's last contact (§630f para. 3 BGB: ten years). */
  readonly retention: Span;
  readonly autoTime: boolean;
}

/**
 * The longest retention nachklang keeps records for: a hundred years, longer than any law asks of
 * a practice (ten years in §630f BGB; thirty for some records). Longer spans are refused: they
 * would keep health data past any need, and end dates past the year 9999 cannot be computed.
 */
export const MAX_RETENTION_MONTHS = 1200;

/** A retention period as typed or stored: years or months (`10y`, `18m`), at most a hundred years. */
export function parseRetention(text: string): Span {
  const span = parseSpan(text, ["y", "m"]);
  if ((span.unit === "y" ? span.amount * 12 : span.amount) > MAX_RETENTION_MONTHS) throw new UserError(ExitCode.usage, "records.retentionTooLong", { value: text.trim(), max: "100y" });
  return span;
}

/** The settings from the config value `records`, and whether a stored part is not of its shape. */
function readRecordsSettings(value: unknown): { settings: RecordsSettings; damaged: boolean } {
  const parsed = stored.safeParse(value ?? {});
  const data = parsed.success ? parsed.data : {};
  try {
    return { settings: { retention: parseRetention(data.retention ?? DEFAULT_RETENTION), autoTime: data.autoTime ?? true }, damaged: !parsed.success };
  } catch {
    return { settings: { retention: parseSpan(DEFAULT_RETENTION), autoTime: data.autoTime ?? true }, damaged: true };
  }
}

/** The settings from the config value `records` (absent or unreadable parts: the defaults). */
export function recordsSettings(value: unknown): RecordsSettings {
  return readRecordsSettings(value).settings;
}

/**
 * The settings a purge goes by: a retention stored but not a span (edited by hand: `15 y`, `180d`)
 * is exit 5 naming `file`, never the default: ten years in place of the fifteen meant would delete
 * records five years early.
 */
export function requireRecordsSettings(value: unknown, file: string): RecordsSettings {
  const { settings, damaged } = readRecordsSettings(value);
  if (damaged) throw new IntegrityError("records.retentionDamaged", { file });
  return settings;
}

/** The day (YYYY-MM-DD) an instant falls on in a time zone. */
export function dayIn(instant: Date, tz: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).format(instant);
}
