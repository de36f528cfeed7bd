/**
 * Contact time between sessions: entries per client, manual (`time log`) or automatic (composing
 * a follow-up in the wizard, answering a client's messages). Stored like the ledger, as JSON
 * lines in `<home>/records/time.jsonl`: the client only as its keyed tag (client-tag.ts), the
 * day, the minutes, the kind — never a name; a note is sealed to the practice's own age
 * recipient and kept as base64 of the age file. Corrections are events too (`edited`,
 * `removed`), so the file is only ever appended to, except by the retention purge.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { decryptBytes, encryptBytes, type AgeKeys } from "../age/index.js";
import { ExitCode, UserError } from "../errors.js";
import { z } from "../zod.js";
import { MAX_CONTACT_MINUTES } from "./duration.js";
import { Journal, type JournalLines } from "./journal.js";
import { newerEntryCheck } from "../newer-entries.js";

export const TIME_KINDS = ["messenger", "email", "phone", "followup", "other"] as const;
export type TimeKind = (typeof TIME_KINDS)[number];
export const TIME_SOURCES = ["manual", "wizard", "inbox"] as const;
export type TimeSource = (typeof TIME_SOURCES)[number];

const ENTRY_ID = /^[0-9a-z]{8}$/;
const CLIENT_TAG = /^[0-9a-f]{32}$/;
const DAY = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const TAG = z.string().regex(CLIENT_TAG);
const SEALED = z.string().regex(/^[A-Za-z0-9+/]+=*$/).max(200_000);
const base = { v: z.literal(1), at: z.iso.datetime({ offset: true }), id: z.string().regex(ENTRY_ID) };

export const timeEventSchema = z.discriminatedUnion("ev", [
  z.object({
    ...base,
    ev: z.literal("logged"),
    client: TAG,
    day: DAY,
    minutes: z.number().int().positive().max(MAX_CONTACT_MINUTES),
    kind: z.enum(TIME_KINDS),
    source: z.enum(TIME_SOURCES),
    note: SEALED.optional(),
  }).strict(),
  z.object({
    ...base,
    ev: z.literal("edited"),
    day: DAY.optional(),
    minutes: z.number().int().positive().max(MAX_CONTACT_MINUTES).optional(),
    kind: z.enum(TIME_KINDS).optional(),
    note: SEALED.optional(),
    noteRemoved: z.literal(true).optional(),
  }).strict(),
  z.object({ ...base, ev: z.literal("removed") }).strict(),
]);
export type TimeEvent = z.infer<typeof timeEventSchema>;

export interface TimeEntry {
  readonly id: string;
  /** The client's keyed tag. */
  readonly client: string;
  readonly day: string;
  readonly minutes: number;
  readonly kind: TimeKind;
  readonly source: TimeSource;
  /** The sealed note (base64 of an age file), if any. */
  readonly note?: string;
  readonly created: string;
  readonly updated: string;
}

export interface NewTimeEntry {
  readonly client: string;
  readonly day: string;
  readonly minutes: number;
  readonly kind: TimeKind;
  readonly source: TimeSource;
  readonly note?: string;
}

export interface TimeChanges {
  readonly day?: string;
  readonly minutes?: number;
  readonly kind?: TimeKind;
  /** A new note; `null` removes the note. */
  readonly note?: string | null;
}

/** Fold the events into the entries that stand, in the order they were logged. */
export function foldTime(events: readonly TimeEvent[]): TimeEntry[] {
  const entries = new Map<string, TimeEntry>();
  for (const e of events) {
    if (e.ev === "logged") {
      entries.set(e.id, {
        id: e.id, client: e.client, day: e.day, minutes: e.minutes, kind: e.kind, source: e.source,
        ...(e.note === undefined ? {} : { note: e.note }), created: e.at, updated: e.at,
      });
      continue;
    }
    const entry = entries.get(e.id);
    if (entry === undefined) continue;
    if (e.ev === "removed") {
      entries.delete(e.id);
      continue;
    }
    const { note: _old, ...rest } = entry;
    const note = e.noteRemoved ? undefined : (e.note ?? entry.note);
    entries.set(e.id, {
      ...rest,
      ...(e.day === undefined ? {} : { day: e.day }),
      ...(e.minutes === undefined ? {} : { minutes: e.minutes }),
      ...(e.kind === undefined ? {} : { kind: e.kind }),
      ...(note === undefined ? {} : { note }),
      updated: e.at,
    });
  }
  return [...entries.values()];
}

/** The longest span from reading a client's messages to the reply that still counts as one sitting. */
export const ANSWERING_LIMIT_MINUTES = 120;

/**
 * The contact time of answering a client's messages: from when the messages it answers were last
 * read (`inbox read`) to the reply, whole minutes rounded up, one at least. Undefined when none of
 * them was read, or when more than ANSWERING_LIMIT_MINUTES lie between: that is no longer one
 * sitting (read in the morning, answered in the afternoon), and only the practitioner knows the
 * time it took (`time log`).
 */
export function answeringMinutes(readAt: readonly string[], repliedAt: Date): number | undefined {
  if (readAt.length === 0) return undefined;
  const start = Math.max(...readAt.map((at) => Date.parse(at)));
  const minutes = Math.max(1, Math.ceil((repliedAt.getTime() - start) / 60_000));
  return minutes > ANSWERING_LIMIT_MINUTES ? undefined : minutes;
}

/**
 * A newer version's entry marked ignorable (newer-entries.ts, as in the ledger), naming the entry
 * it concerns (`id`) or a client tag (`client`) in their form: the retention purge removes such a
 * line with the client's entries.
 */
const isNewerEntry = newerEntryCheck(timeEventSchema.options.map((o) => o.shape.ev.value), { id: ENTRY_ID, client: CLIENT_TAG });

/** What a read of the journal holds: the valid events, the lines of a newer version that are skipped, and the damaged lines. */
export interface TimeEvents {
  readonly events: TimeEvent[];
  /** Lines of a newer version's entries (a name this version does not know, marked ignorable): skipped, not damage. */
  readonly newer: number;
  /** Lines that are neither: no JSON, no valid entry, no marked envelope. */
  readonly damaged: number;
}

/** The events among a journal's lines that are valid; the lines of a newer version and the damaged ones, counted. */
function validEvents(current: JournalLines): TimeEvents {
  const events: TimeEvent[] = [];
  let newer = 0;
  let damaged = 0;
  for (const v of current.values) {
    const parsed = timeEventSchema.safeParse(v);
    if (parsed.success) events.push(parsed.data);
    else if (isNewerEntry(v)) newer++;
    else damaged++;
  }
  return { events, newer, damaged };
}

function requireEntry(entries: readonly TimeEntry[], id: string): TimeEntry {
  const entry = entries.find((e) => e.id === id.toLowerCase());
  if (entry === undefined) throw new UserError(ExitCode.usage, "time.unknownEntry", { id });
  return entry;
}

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

function newEntryId(): string {
  return [...randomBytes(8)].map((b) => ALPHABET[b & 31]).join("");
}

export class ContactTime {
  readonly journal: Journal;

  /** `dir`: `<home>/records`. Notes are sealed to `recipient` and opened with `keys`. */
  constructor(
    dir: string,
    private readonly recipient: string,
    private readonly keys: AgeKeys,
  ) {
    this.journal = new Journal(join(dir, "time.jsonl"));
  }

  /** Events that are valid, and how many lines were a newer version's and how many damaged. */
  async events(): Promise<TimeEvents> {
    return validEvents(await this.journal.read());
  }


  async entries(): Promise<TimeEntry[]> {
    return foldTime((await this.events()).events);
  }

  /** The entry, or exit 2 naming the id and how to list entries. */
  async require(id: string): Promise<TimeEntry> {
    return requireEntry(await this.entries(), id);
  }

  private async seal(note: string): Promise<string> {
    return Buffer.from(await encryptBytes(new TextEncoder().encode(note), [this.recipient])).toString("base64");
  }

  /** The note of an entry, decrypted in memory. */
  async note(entry: TimeEntry): Promise<string | undefined> {
    if (entry.note === undefined) return undefined;
    return new TextDecoder().decode(await decryptBytes(Buffer.from(entry.note, "base64"), this.keys));
  }

  /**
   * Log an entry. The file is read once, under the journal's lock, and the entry appended under
   * the same lock: `fit` (given every entry as the file then stands) returns how many of the
   * entry's minutes to log, e.g. by the 24-hour rule, whatever another process appends meanwhile.
   * A `fit` that throws, or returns 0, leaves the file as it was; 0 returns undefined.
   */
  async log(entry: NewTimeEntry, now: Date, fit?: (all: readonly TimeEntry[]) => number): Promise<TimeEntry | undefined> {
    // Sealed before the lock is taken: it does not depend on the file.
    const note = entry.note === undefined ? {} : { note: await this.seal(entry.note) };
    return this.journal.readThenAppend((current) => {
      const events = validEvents(current).events;
      const minutes = fit === undefined ? entry.minutes : fit(foldTime(events));
      if (minutes <= 0) return { values: [], result: undefined };
      // Not the id of any entry, a removed one included.
      const existing = new Set(events.map((e) => e.id));
      let id = newEntryId();
      while (existing.has(id)) id = newEntryId();
      const event = timeEventSchema.parse({
        v: 1, at: now.toISOString(), ev: "logged", id,
        client: entry.client, day: entry.day, minutes, kind: entry.kind, source: entry.source, ...note,
      });
      return { values: [event], result: foldTime([event])[0] };
    });
  }

  /**
   * Correct an entry. The file is read once, under the journal's lock, and the correction appended
   * under the same lock: `check` (given the entry as it stands and every entry, e.g. the 24-hour
   * rule) and the correction see one version of the file, whatever another process appends. A
   * `check` that throws leaves the file as it was. Returns the entry as corrected.
   */
  async edit(id: string, changes: TimeChanges, now: Date, check?: (entry: TimeEntry, all: readonly TimeEntry[]) => void): Promise<TimeEntry> {
    // Sealed before the lock is taken: it does not depend on the file.
    const note = changes.note === null ? { noteRemoved: true } : changes.note === undefined ? {} : { note: await this.seal(changes.note) };
    return this.journal.readThenAppend((current) => {
      const events = validEvents(current).events;
      const all = foldTime(events);
      const entry = requireEntry(all, id);
      check?.(entry, all);
      const event = timeEventSchema.parse({
        v: 1, at: now.toISOString(), ev: "edited", id: entry.id,
        ...(changes.day === undefined ? {} : { day: changes.day }),
        ...(changes.minutes === undefined ? {} : { minutes: changes.minutes }),
        ...(changes.kind === undefined ? {} : { kind: changes.kind }),
        ...note,
      });
      return { values: [event], result: foldTime([...events, event]).find((e) => e.id === entry.id)! };
    });
  }

  async remove(id: string, now: Date): Promise<TimeEntry> {
    const entry = await this.require(id);
    await this.journal.append([{ v: 1, at: now.toISOString(), ev: "removed", id: entry.id }]);
    return entry;
  }

  /**
   * Remove every line about these clients (the retention purge): their `logged` lines and the
   * corrections of those entries, entries removed with `time remove` included (their lines name
   * the client too), and any other line that names one of them — a newer version's entry
   * (isNewerEntry) even when the client has no entry of this version. Returns how many entries
   * went per client tag — standing and removed ones, as deleted — and how many lines; with
   * `dryRun`, what would go, and nothing is written.
   */
  async purge(clients: ReadonlySet<string>, dryRun = false): Promise<{ entries: ReadonlyMap<string, number>; lines: number }> {
    const current = await this.journal.read();
    const ids = new Set<string>();
    const entries = new Map<string, number>();
    for (const e of validEvents(current).events) {
      if (e.ev !== "logged" || !clients.has(e.client) || ids.has(e.id)) continue;
      ids.add(e.id);
      entries.set(e.client, (entries.get(e.client) ?? 0) + 1);
    }
    const goes = (value: unknown): boolean => {
      const { id, client } = (value ?? {}) as { id?: unknown; client?: unknown };
      return (typeof id === "string" && ids.has(id)) || (typeof client === "string" && clients.has(client));
    };
    const going = current.values.filter(goes).length;
    if (dryRun || going === 0) return { entries, lines: going };
    const removed = await this.journal.rewrite((value) => !goes(value));
    return { entries, lines: removed.length };
  }
}

/** The minutes of a client's entries on a day, but for the entry `except` (the one being corrected). */
function minutesOnDay(entries: readonly TimeEntry[], client: string, day: string, except?: string): number {
  return entries.filter((e) => e.client === client && e.day === day && e.id !== except).reduce((t, e) => t + e.minutes, 0);
}

/** How much of an entry fits into a client's day: records/time.ts `roomOnDay`. */
export interface DayRoom {
  /** The minutes of the client's other entries on the day. */
  readonly logged: number;
  /** How many of the minutes asked for fit beside them (0 up to all of them). */
  readonly fits: number;
}

/**
 * The 24-hour rule: no client has more than MAX_CONTACT_MINUTES of contact time on one day; more
 * is a typo or an entry logged twice. How many of `minutes` fit on `day` beside the client's other
 * entries (`except`: the id of the entry being corrected, left out). `time log` and `time edit`
 * refuse an entry that does not fit whole; an automatic entry is shortened to what fits, or left
 * out when nothing does (cli/records.ts).
 */
export function roomOnDay(entries: readonly TimeEntry[], client: string, day: string, minutes: number, except?: string): DayRoom {
  const logged = minutesOnDay(entries, client, day, except);
  return { logged, fits: Math.max(0, Math.min(minutes, MAX_CONTACT_MINUTES - logged)) };
}

/** Entries whose day lies in [from, to] (YYYY-MM-DD, both inclusive). */
export function entriesBetween(entries: readonly TimeEntry[], from: string | undefined, to: string | undefined): TimeEntry[] {
  return entries.filter((e) => (from === undefined || e.day >= from) && (to === undefined || e.day <= to));
}

/** The first and last day of a month `YYYY-MM` (exit 2 for anything else). */
export function monthRange(month: string): { from: string; to: string } {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (m === null) throw new UserError(ExitCode.usage, "time.badMonth", { value: month });
  const last = new Date(Date.UTC(Number(m[1]), Number(m[2]), 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, "0")}` };
}
