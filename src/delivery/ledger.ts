/**
 * The ledger: an append-only record of what happened to each follow-up, one JSON object per
 * line, each line fsync'd before the step it records is taken as done. It holds ids, hashes,
 * times and states — never names, never content, never aliases (clients appear only as a
 * keyed hash, see client-tag.ts).
 *
 * Forward compatibility: a line with the envelope of an event of this format (`v: 1`, a time, an
 * event name, `ignorable: true`) whose event name this version does not know was written by a
 * newer version; it is skipped and counted (see `readLedgerLine`). A newer version marks so only
 * an event an older one can do without (one that tells, like `refusedShown`); any other new event
 * (one whose absence would make an older version send, resend, or undo what it records) is
 * written without the mark, and older versions read it as damage and refuse (exit 5).
 *
 * Crash safety: a process killed mid-write leaves at most one torn last line. Readers ignore
 * it; the next writer cuts it off (under the append lock) before appending, so the file is
 * always a sequence of whole lines.
 *
 * Concurrency: appends take a short lock (proper-lockfile); delivering a follow-up takes a
 * per-follow-up lock held for the whole delivery, so two processes cannot deliver the same
 * follow-up at once. A lock left behind by a killed process goes stale after a few seconds.
 */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import * as z from "../zod-mini.js";
import { ExitCode, UserError } from "../errors.js";
import { appendLines, ensurePrivateDir, loadLockfile, parseJsonLine, readLines } from "../files.js";
import { newerEntryCheck } from "../newer-entries.js";

export const FOLLOWUP_KEY = /^[0-9a-z]{16,64}$/;

const base = { v: z.literal(1), at: z.iso.datetime({ offset: true }), fu: z.string().check(z.regex(FOLLOWUP_KEY)) };
const upTo = (n: number) => z.string().check(z.maxLength(n));
const count = () => z.int().check(z.nonnegative());

export const ledgerEventSchema = z.discriminatedUnion("ev", [
  z.strictObject({
    ...base,
    ev: z.literal("sealed"),
    bundle: z.string().check(z.regex(/^[0-9a-z]{26}$/)),
    sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
    /** Keyed hash of the client alias (client-tag.ts), never the alias. */
    client: z.string().check(z.regex(/^[0-9a-f]{32}$/)),
    channel: z.string(),
    channelType: z.string(),
    items: count(),
    bytes: count(),
    /** Where the follow-up came from: a single send, the wizard, or a batch entry. */
    origin: z.enum(["send", "new", "batch", "reply"]),
  }),
  /**
   * `anyTime`: the due time was chosen outside contact hours on purpose (`--now` or `--now --at`
   * at a time they are closed),
   * so it goes out whenever it is due; without it the follow-up waits for contact hours as they
   * are when it goes out (hours changed meanwhile included).
   */
  z.strictObject({ ...base, ev: z.literal("queued"), due: z.iso.datetime({ offset: true }), anyTime: z.optional(z.literal(true)) }),
  z.strictObject({ ...base, ev: z.literal("sending"), attempt: z.int().check(z.positive()), pid: z.int() }),
  z.strictObject({ ...base, ev: z.literal("part"), part: upTo(200), id: upTo(500) }),
  z.strictObject({ ...base, ev: z.literal("sent"), ids: z.array(upTo(500)) }),
  /** `permanent`: waiting cannot heal it; flush stops trying (see FollowUpState.permanent). */
  z.strictObject({ ...base, ev: z.literal("failed"), reason: upTo(200), retryable: z.boolean(), permanent: z.optional(z.boolean()) }),
  /** `outbox reroute`: the same sealed bundle goes out through another channel; earlier parts no longer count. */
  z.strictObject({ ...base, ev: z.literal("rerouted"), channel: z.string(), channelType: z.string() }),
  z.strictObject({ ...base, ev: z.literal("uncertain") }),
  z.strictObject({ ...base, ev: z.literal("released") }),
  z.strictObject({ ...base, ev: z.literal("cancelled") }),
  /** The follow-up is step `step` of `of` in a series (`send --series`), cancelable as a whole. */
  z.strictObject({ ...base, ev: z.literal("series"), series: z.string().check(z.regex(/^[0-9a-z]{12}$/)), step: z.int().check(z.positive()), of: z.int().check(z.positive()) }),
  /** A delivery receipt from the channel (Threema): `id` is the channel's message id. */
  z.strictObject({ ...base, ev: z.literal("receipt"), id: upTo(500), status: z.enum(["delivered", "read"]) }),
  ...inboxEvents(),
]);
export type LedgerEvent = z.infer<typeof ledgerEventSchema>;
/** Events about clients' messages (src/inbox/): no `fu`, they belong to no follow-up. */
export type InboxEvent = Extract<LedgerEvent, { ev: (typeof INBOX_EVENTS)[number] }>;
export type FollowUpEvent = Exclude<LedgerEvent, InboxEvent>;

export function isInboxEvent(event: LedgerEvent): event is InboxEvent {
  return (INBOX_EVENTS as readonly string[]).includes(event.ev);
}
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type NewLedgerEvent = DistributiveOmit<LedgerEvent, "v" | "at">;

export const INBOX_EVENTS = ["received", "refused", "refusedShown", "read", "readReceipt", "replied", "away"] as const;

/**
 * The inbox's events. `msg` is an inbox id (a hash, src/inbox/store.ts), `client` the keyed tag
 * of the alias; what a client wrote is never here, only that and when.
 */
function inboxEvents() {
  const at = z.iso.datetime({ offset: true });
  const inbox = { v: z.literal(1), at };
  const hex32 = () => z.string().check(z.regex(/^[0-9a-f]{32}$/));
  const msg = hex32();
  const client = hex32();
  return [
    /** A client's message was decoded and stored; `away`: the off-period it arrived in, when a notice may be due. */
    z.strictObject({ ...inbox, ev: z.literal("received"), msg, client, channel: z.string(), channelType: z.string(), arrived: at, files: z.int().check(z.nonnegative()), away: z.optional(upTo(40)) }),
    /**
     * An envelope removed unread: it failed its checks (`reason` mac, decrypt, format, wrongGateway,
     * damaged), or its sender is in no client record and it waited 30 days (`unknownSenderExpired`,
     * src/inbox/ingest.ts). `reason` is free text up to 40 characters, so a new value is no new
     * schema: older versions read it (docs/decisions/unknown-sender-expiry.md).
     */
    z.strictObject({ ...inbox, ev: z.literal("refused"), msg, channel: z.string(), reason: upTo(40) }),
    /**
     * Refused messages `inbox` or `inbox read` has told the practitioner about: one refused while
     * another command decoded the inbox (a scheduled `outbox flush`) is reported there once.
     */
    z.strictObject({ ...inbox, ev: z.literal("refusedShown"), msgs: z.array(msg) }),
    z.strictObject({ ...inbox, ev: z.literal("read"), msg, client }),
    /** The read receipt for messages just read: sent, failed, or not sent because receipts are off. */
    z.strictObject({ ...inbox, ev: z.literal("readReceipt"), client, channel: z.string(), msgs: z.array(msg), state: z.enum(["sent", "failed", "off", "held"]), reason: z.optional(upTo(200)) }),
    /** A follow-up answering a client's messages. */
    z.strictObject({ ...inbox, ev: z.literal("replied"), client, fu: z.string().check(z.regex(FOLLOWUP_KEY)), msgs: z.array(msg) }),
    /** The away notice of one off-period: `sending` before it goes out, then sent, failed or skipped (why). */
    z.strictObject({
      ...inbox,
      ev: z.literal("away"),
      client,
      channel: z.string(),
      period: upTo(40),
      state: z.enum(["sending", "sent", "failed", "skipped"]),
      reason: z.optional(upTo(200)),
      retryable: z.optional(z.boolean()),
    }),
  ] as const;
}

export type FollowUpStateName = "sealed" | "queued" | "sending" | "sent" | "failed" | "uncertain" | "cancelled";

export interface FollowUpState {
  readonly key: string;
  state: FollowUpStateName;
  bundle?: string;
  sha256?: string;
  client?: string;
  channel?: string;
  channelType?: string;
  items?: number;
  bytes?: number;
  origin?: "send" | "new" | "batch" | "reply";
  created: string;
  updated: string;
  due?: string;
  /** Queued to go out whenever due, contact hours or not (the `queued` event's `anyTime`). */
  anyTime?: boolean;
  attempts: number;
  parts: Map<string, string>;
  ids: string[];
  reason?: string;
  retryable?: boolean;
  /** The last failure cannot heal by waiting: not retried until rerouted, released or cancelled. */
  permanent?: boolean;
  sentAt?: string;
  /** A series' id and this follow-up's step in it (`send --series`). */
  series?: { readonly id: string; readonly step: number; readonly of: number };
  /** The furthest the channel reported for any part: delivered, then read. */
  receipt?: "delivered" | "read";
}

export type SettledState = FollowUpState & { state: "sent" | "cancelled" };

/** Whether a follow-up is settled: sent or cancelled, so nothing will deliver, queue or withdraw it any more. */
export function isSettled(state: FollowUpState): state is SettledState {
  return state.state === "sent" || state.state === "cancelled";
}

/** When a follow-up is due, as the ledger knows it; undefined when it was never queued (a run killed after sealing). */
export function dueOf(state: Pick<FollowUpState, "due">): Date | undefined {
  return state.due === undefined ? undefined : new Date(state.due);
}

/** When a follow-up is due and whether it waits for contact hours then (hours.ts `mayGoOut`). */
export function plannedOf(state: Pick<FollowUpState, "due" | "anyTime">): Planned {
  return { due: dueOf(state), anyTime: state.anyTime === true };
}

export interface Planned {
  /** Undefined when it was never queued (a run killed after sealing). */
  readonly due: Date | undefined;
  /** Planned outside contact hours on purpose: goes out whenever due. */
  readonly anyTime: boolean;
}

/** Fold events into one state per follow-up, in ledger order. */
export function foldLedger(events: readonly LedgerEvent[]): Map<string, FollowUpState> {
  const states = new Map<string, FollowUpState>();
  for (const e of events) {
    if (isInboxEvent(e)) continue;
    let s = states.get(e.fu);
    if (s === undefined) {
      s = { key: e.fu, state: "sealed", created: e.at, updated: e.at, attempts: 0, parts: new Map(), ids: [] };
      states.set(e.fu, s);
    }
    s.updated = e.at;
    switch (e.ev) {
      case "sealed":
        Object.assign(s, {
          state: "sealed", bundle: e.bundle, sha256: e.sha256, client: e.client, channel: e.channel,
          channelType: e.channelType, items: e.items, bytes: e.bytes, origin: e.origin, created: e.at,
        });
        s.parts = new Map();
        s.ids = [];
        break;
      case "queued":
        s.state = "queued";
        s.due = e.due;
        if (e.anyTime === true) s.anyTime = true;
        else delete s.anyTime;
        break;
      case "sending":
        s.state = "sending";
        s.attempts = Math.max(s.attempts, e.attempt);
        break;
      case "part":
        s.parts.set(e.part, e.id);
        break;
      case "sent":
        s.state = "sent";
        s.ids = [...e.ids];
        s.sentAt = e.at;
        break;
      case "failed":
        s.state = "failed";
        s.reason = e.reason;
        s.retryable = e.retryable;
        s.permanent = e.permanent === true;
        break;
      case "rerouted":
        s.state = "queued";
        s.channel = e.channel;
        s.channelType = e.channelType;
        s.parts = new Map();
        delete s.reason;
        delete s.retryable;
        delete s.permanent;
        break;
      case "uncertain":
        s.state = "uncertain";
        break;
      case "released":
        // The practitioner checked an uncertain delivery and asked for it to go out again.
        s.state = "queued";
        delete s.permanent;
        break;
      case "cancelled":
        s.state = "cancelled";
        break;
      case "series":
        s.series = { id: e.series, step: e.step, of: e.of };
        break;
      case "receipt":
        if (s.receipt !== "read") s.receipt = e.status;
        break;
    }
  }
  return states;
}

/** Every event name this version knows. */
const KNOWN_EVENTS: readonly string[] = ledgerEventSchema.def.options.flatMap((o) => o.def.shape.ev.def.values);

/** A newer version's event marked ignorable (newer-entries.ts), naming its follow-up, client tag or message in their form. */
const isNewerEvent = newerEntryCheck(KNOWN_EVENTS, { fu: FOLLOWUP_KEY, client: /^[0-9a-f]{32}$/, msg: /^[0-9a-f]{32}$/ });

/**
 * One whole line of the ledger: the event; `"newer"` for an event of a newer version marked
 * ignorable (newer-entries.ts: the envelope, an event name this version does not know), which is
 * skipped; or undefined for damage — no JSON, no marked envelope, or a known event that fails its
 * schema. A name that differs from a known one only in letter case is damage too, not a newer event.
 */
export function readLedgerLine(line: string): LedgerEvent | "newer" | undefined {
  const value = parseJsonLine(line);
  const event = ledgerEventSchema.safeParse(value);
  if (event.success) return event.data;
  return isNewerEvent(value) ? "newer" : undefined;
}

export interface LedgerRead {
  readonly events: LedgerEvent[];
  /** Lines of a newer version's events (an event name this version does not know), skipped. */
  readonly newer: number;
  /** A torn last line (a write interrupted by a crash) was ignored. */
  readonly tornTail: boolean;
}

const APPEND_LOCK = { stale: 5000, realpath: false, retries: { retries: 200, minTimeout: 10, maxTimeout: 100, factor: 1.3 } } as const;

export class Ledger {
  readonly file: string;
  private readonly locks: string;

  constructor(readonly dir: string) {
    this.file = join(dir, "events.jsonl");
    this.locks = join(dir, "locks");
  }

  /**
   * Every event, in order. A torn last line (a crash mid-write) is skipped, and so is a newer
   * version's event (counted in `newer`, see `readLedgerLine`); any other line that is not a
   * valid event is damage — what the ledger says can no longer be trusted to decide
   * what was sent, so it is a UserError (exit 5) naming the file and the line.
   */
  async read(): Promise<LedgerRead> {
    const { lines, tornTail } = await readLines(this.file);
    const events: LedgerEvent[] = [];
    let newer = 0;
    for (const [i, line] of lines.entries()) {
      if (line.length === 0) continue;
      const event = readLedgerLine(line);
      if (event === undefined) throw new UserError(ExitCode.integrity, "ledger.damaged", { file: this.file, line: i + 1 });
      if (event === "newer") newer++;
      else events.push(event);
    }
    return { events, newer, tornTail };
  }

  async states(): Promise<Map<string, FollowUpState>> {
    return foldLedger((await this.read()).events);
  }

  async state(key: string): Promise<FollowUpState | undefined> {
    return (await this.states()).get(key);
  }

  /** The follow-up one of whose parts the channel accepted under `messageId`, if any. */
  async byMessageId(messageId: string): Promise<FollowUpState | undefined> {
    for (const s of (await this.states()).values()) {
      if (s.ids.includes(messageId) || [...s.parts.values()].includes(messageId)) return s;
    }
    return undefined;
  }

  /** Append one event and fsync it. Returns when the event is on disk. */
  async append(event: NewLedgerEvent, now: Date = new Date()): Promise<void> {
    const full = ledgerEventSchema.parse({ v: 1, at: now.toISOString(), ...event });
    const line = Buffer.from(JSON.stringify(full) + "\n", "utf8");
    await ensurePrivateDir(this.dir);
    const release = await (await loadLockfile()).lock(this.file, { ...APPEND_LOCK, lockfilePath: join(this.dir, "events.lock") });
    try {
      await appendLines(this.file, line);
    } finally {
      await release();
    }
  }

  /**
   * Take the delivery lock of one follow-up. Waits for a lock left by a killed process to go
   * stale; a lock held by a live process for longer gives a UserError (the follow-up is being
   * delivered elsewhere right now).
   */
  async claim(key: string): Promise<() => Promise<void>> {
    await ensurePrivateDir(this.locks);
    let compromised = false;
    try {
      const release = await (await loadLockfile()).lock(join(this.locks, key), {
        stale: 6000,
        realpath: false,
        lockfilePath: join(this.locks, `${key}.lock`),
        retries: { retries: 40, minTimeout: 250, maxTimeout: 250, factor: 1 },
        onCompromised: () => {
          compromised = true;
        },
      });
      return async () => {
        if (!compromised) await release();
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ELOCKED") throw new UserError(ExitCode.failure, "ledger.busy", { id: key });
      throw error;
    }
  }
}

export async function ledgerExists(dir: string): Promise<boolean> {
  try {
    await stat(join(dir, "events.jsonl"));
    return true;
  } catch {
    return false;
  }
}
